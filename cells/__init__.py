"""The organisation tree: provinces, committees, cells and party groups, at any depth."""
