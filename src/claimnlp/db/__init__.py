"""Claims, passages and findings in an embedded DuckDB file (``claimnlp db build``); see docs/db.md."""
