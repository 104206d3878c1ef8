"""OGC API - Features (Part 1 core, Part 2 CRS) over the leads and reference data."""
