"""Pure geospatial and scoring logic: no web framework, no database."""
