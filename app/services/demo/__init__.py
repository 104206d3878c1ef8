"""The demo dataset: layers, organisations, reports, air, imagery, partners."""
