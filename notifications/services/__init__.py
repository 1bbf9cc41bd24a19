"""Writes of the notifications floor: dispatch and fan-out, delivery, inbox, preferences."""
