"""Investigations: see docs/investigations.md."""
