"""Receivers of the meeting signals: they only enqueue a refresh, on commit."""

from django.db import transaction

from meetings import signals


def _enqueue(meeting_id: int) -> None:
    from rollups.tasks import rollups_refresh_meeting

    rollups_refresh_meeting.delay(meeting_id)


# robust: with the broker down the roll call or the change still stands (no error page);
# the nightly rebuild catches up. (A lambda: Django's robust logging needs a __qualname__.)
def on_roll_call_saved(sender, *, meeting_id, **kwargs):
    transaction.on_commit(lambda: _enqueue(meeting_id), robust=True)


def on_meeting_changed(sender, *, meeting_id, **kwargs):
    transaction.on_commit(lambda: _enqueue(meeting_id), robust=True)


def connect() -> None:
    signals.roll_call_saved.connect(on_roll_call_saved, dispatch_uid="rollups.roll_call_saved")
    signals.meeting_changed.connect(on_meeting_changed, dispatch_uid="rollups.meeting_changed")
    # Minutes completed and documents posted change the compliance columns at once.
    signals.minutes_finalized.connect(on_meeting_changed, dispatch_uid="rollups.minutes_finalized")
    signals.documents_changed.connect(on_meeting_changed, dispatch_uid="rollups.documents_changed")
