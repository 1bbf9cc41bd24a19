"""Celery tasks of the evaluations: thin, take ids, idempotent (they recompute, never add)."""

from celery import shared_task
from django.utils import timezone

from evaluations import figures, reminders
from notifications.services.dispatch import dispatches_create


@shared_task(name="evaluations.refresh")
def evaluations_refresh(organization_id: int, year: int) -> None:
    """Refresh the year's figures of the organisation an evaluation hangs on and its ancestors."""
    figures.refresh(organization_id=organization_id, year=year)


@shared_task(name="evaluations.rebuild")
def evaluations_rebuild(year: int | None = None) -> None:
    """Recompute the figures of a year (every year with evaluations when none is given)."""
    figures.rebuild(years=[year] if year else None)


@shared_task(name="evaluations.scan_nudges", ignore_result=True)
def scan_nudges() -> None:
    """Periodic: members who have not assessed themselves as the deadline nears, and cells
    whose evaluations are late, told once each through the notification ledger."""
    now = timezone.now()
    dispatches_create(requests=reminders.nudges_due(now), now=now)
