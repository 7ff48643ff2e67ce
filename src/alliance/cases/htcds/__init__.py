"""The HTCDS 2.0 data standard: vocabularies, the column mapping, and reading and writing files."""
