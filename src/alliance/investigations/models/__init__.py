"""The investigation models; every one is re-exported here."""
