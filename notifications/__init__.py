"""Generic delivery: the in-app inbox, transports (email, later SMS/Zalo/push) and the ledger."""
