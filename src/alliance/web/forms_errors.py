"""Moved to core.forms (domain apps may not import web). Kept only while cases/views/* still import it from
here; remove it, and its entries in tests/architecture/test_imports.py KNOWN_VIOLATIONS, once they switch."""

from alliance.core.forms import apply_errors

__all__ = ["apply_errors"]
