"""Case pages, one module per part of the case file; register.py holds the register itself."""
