"""Celery tasks of the petitions (the beat entry is in handbook/celery.py)."""

from celery import shared_task
from django.utils import timezone

from notifications.services.dispatch import dispatches_create
from petitions.nudges import overdue_nudges_due


@shared_task(ignore_result=True)
def scan_overdue() -> None:
    """Periodic: a nudge to the holding committee for each overdue petition, once a day."""
    now = timezone.now()
    dispatches_create(requests=overdue_nudges_due(now), now=now)
