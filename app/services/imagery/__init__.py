"""Use cases of imagery as evidence: ingest, read and tile, detect change, re-check."""
