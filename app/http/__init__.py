"""HTTP plumbing: middleware, the route class, response helpers, logging and the server."""
