"""Cell meetings: scheduling, who is summoned, roll call."""
