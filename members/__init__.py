"""People: user accounts, member records, positions, status history, and who may see what."""
