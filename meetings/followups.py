"""What follows a change to a meeting, asked for explicitly by the meeting services.

Each function is called inside the service's transaction and enqueues its tasks on commit
(robust: with the broker down the change still stands; the minute's scan and the nightly
rebuild catch up). No signal hop: a reader of a service sees everything that follows it.
The roll-ups sit beside the meetings (their tables are derived from them), so the services
may ask for their refresh directly.
"""

from django.db import transaction


def _on_commit(task, *args) -> None:
    # A lambda: Django's robust on_commit logging needs a __qualname__.
    transaction.on_commit(lambda: task.delay(*args), robust=True)


def _refresh_rollups(meeting_id: int) -> None:
    from rollups.tasks import rollups_refresh_meeting

    _on_commit(rollups_refresh_meeting, meeting_id)


def _sync_library(meeting_id: int) -> None:
    from meetings.tasks import library_sync_meeting

    _on_commit(library_sync_meeting, meeting_id)


def _pages_changed(cell_id: int) -> None:
    """The cell's pages kept in the cache (meetings/page_cache.py) are rendered afresh."""
    from common.cell_versions import cells_changed

    cells_changed([cell_id])


def roll_call_saved(meeting_id: int, *, cell_id: int) -> None:
    """Refresh the cell's roll-ups; tell the officers about members reaching the absence warning."""
    from meetings.tasks import check_absences

    _pages_changed(cell_id)
    _refresh_rollups(meeting_id)
    _on_commit(check_absences, meeting_id)


def meeting_changed(meeting_id: int, *, cell_id: int, notify_now: bool = False) -> None:
    """Refresh the cell's roll-ups; a postponement or cancellation is told at once (a change of
    date, time or place waits a few minutes for further edits: meetings.reminders)."""
    from meetings.tasks import send_change_notice

    _pages_changed(cell_id)
    _refresh_rollups(meeting_id)
    if notify_now:
        _on_commit(send_change_notice, meeting_id)


def minutes_changed(meeting_id: int, *, cell_id: int) -> None:
    """Minutes finished or amended change the compliance figures and the resolution in the library."""
    _pages_changed(cell_id)
    _refresh_rollups(meeting_id)
    _sync_library(meeting_id)


def documents_changed(meeting_id: int, *, cell_id: int) -> None:
    """A document posted or removed changes the "documents on time" figure and the library."""
    _pages_changed(cell_id)
    _refresh_rollups(meeting_id)
    _sync_library(meeting_id)
