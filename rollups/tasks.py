"""Celery tasks of the roll-ups: thin, take ids, idempotent (they recompute, never add)."""

from celery import shared_task

from meetings.models import Meeting
from rollups import services


@shared_task(name="rollups.refresh_meeting")
def rollups_refresh_meeting(meeting_id: int) -> None:
    """Refresh the year of the meeting's cell and its ancestors (the meeting may be gone)."""
    meeting = Meeting.objects.filter(pk=meeting_id).values("cell_id", "period").first()
    if meeting is None:
        return
    services.rollups_refresh_cell(cell_id=meeting["cell_id"], year=meeting["period"].year)


@shared_task(name="rollups.rebuild")
def rollups_rebuild_nightly() -> None:
    """The nightly rebuild: this year's roll-ups (and last year's in January) from the source,
    then the adoption snapshot."""
    services.rollups_rebuild(years=services.nightly_years())
    services.rollups_refresh_adoption()


@shared_task(name="rollups.refresh_adoption")
def rollups_refresh_adoption() -> None:
    """Adoption figures (accounts, sign-ins, notices opened) for the current month: often,
    so that a member reading a notice moves the dashboard within minutes, not overnight."""
    services.rollups_refresh_adoption()


@shared_task(name="rollups.refresh_cell")
def rollups_refresh_cell(cell_id: int, year: int) -> None:
    """Refresh one cell's year and its ancestors: what a fee sheet or remittance enqueues."""
    services.rollups_refresh_cell(cell_id=cell_id, year=year)


@shared_task(name="rollups.refresh_registers")
def rollups_refresh_registers(organization_id: int, year: int) -> None:
    """Refresh the registers of the year (and this year's badges due) for the organisation a
    write hangs on and its ancestors: what an admission, a plan or a conduct record enqueues."""
    services.registers_refresh(organization_id=organization_id, years=[year])


@shared_task(name="rollups.rebuild_after_tree_change")
def rollups_rebuild_after_tree_change() -> None:
    """Every year of roll-ups and registers after a move, merge, split or closing in the tree
    (rollups.tree_changes enqueues it on commit): the rows of whole subtrees change owners."""
    services.rollups_rebuild()
