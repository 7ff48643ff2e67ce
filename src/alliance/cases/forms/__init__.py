"""The forms of the case pages, one module per area (the same names as views/ and services/)."""
