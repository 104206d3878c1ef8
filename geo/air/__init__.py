"""The air-pollution model: readings, GB 3095-2012 statistics, surfaces, attribution.

Pure functions over pandas/numpy (no web or database imports). Hourly values are keyed by
the start of their averaging hour in UTC; concentrations are µg/m³ except CO in mg/m³.
"""
