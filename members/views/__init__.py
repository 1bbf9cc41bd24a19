"""Roster pages, one module per page family: the roster, a member's record, the import."""
