"""The forms of the screening pages."""
