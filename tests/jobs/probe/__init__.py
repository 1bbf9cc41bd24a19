"""A test-only notification kind whose template fails for one recipient (a real template error)."""
