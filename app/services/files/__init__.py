"""Files: uploads, and the evidence store with its garbage collection."""
