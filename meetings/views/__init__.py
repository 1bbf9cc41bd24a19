"""Pages about meetings, one module per page family."""
