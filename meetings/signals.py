"""Domain events sent by the meeting services, for the floors above (roll-ups, reminders).

Receivers only enqueue work (on commit); they hold no business rule. A lower floor never
imports a higher one, so this is how a roll call reaches the roll-ups.
"""

from django.dispatch import Signal

# Sent inside the service's transaction; kwargs: meeting_id, cell_id.
roll_call_saved = Signal()
# Sent when a meeting is scheduled, changed, postponed or cancelled; kwargs: meeting_id, change
# ("scheduled", "updated", "postponed", "cancelled").
meeting_changed = Signal()
# Sent inside the service's transaction when the minutes are marked complete; kwargs:
# meeting_id, cell_id. Compliance counts minutes complete within HANDBOOK_RULES["minutes_within_days"].
minutes_finalized = Signal()
# Sent inside the service's transaction when a document is posted or removed; kwargs:
# meeting_id. Compliance counts documents posted HANDBOOK_RULES["documents_days_before"] ahead.
documents_changed = Signal()
