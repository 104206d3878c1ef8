"""Use cases of the air model: readings and hotspot imports, statistics, surfaces, attribution."""
