"""Roll-ups: monthly summary tables per cell and per organisation, read by the dashboards."""
