"""Writes about meetings, one module per capability (schedule, roll call, ...)."""
