"""Background jobs: their kinds, the registry and the worker that runs them."""
