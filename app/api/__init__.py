"""One thin router per resource: parse, call one service, return a schema."""
