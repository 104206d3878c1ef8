"""Imagery as evidence: sensors and band maps, indices, COGs, footprints, tiles, change."""
