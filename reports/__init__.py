"""Committee dashboards, reports and exports, read from the roll-up tables."""
