"""Celery tasks for reminders and nudges: thin, idempotent; periodic ones are scheduled in
handbook/celery.py (scan-and-send every minute, never far-future ETAs)."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings import library_entries, reminders
from meetings.models import MeetingSeries
from meetings.services.series import series_generate
from notifications.services.dispatch import dispatches_create

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def scan_reminders() -> None:
    """Periodic: reminders whose lead time has come, and notices of changes not yet sent."""
    now = timezone.now()
    # One transaction: a burst of changes is claimed and its notice recorded together.
    with transaction.atomic():
        dispatches_create(requests=[*reminders.reminders_due(now), *reminders.change_notices_due(now)], now=now)


@shared_task(ignore_result=True)
def scan_nudges() -> None:
    """Periodic: nudges to secretaries (and the upper level) that are due."""
    now = timezone.now()
    dispatches_create(requests=reminders.nudges_due(now), now=now)


@shared_task(ignore_result=True)
def send_change_notice(meeting_id: int) -> None:
    """At once after a postponement or cancellation (the minute's scan is the safety net)."""
    now = timezone.now()
    with transaction.atomic():
        dispatches_create(requests=reminders.change_notices_due(now, meeting_ids=[meeting_id]), now=now)


@shared_task(ignore_result=True)
def check_absences(meeting_id: int) -> None:
    """After a roll call: members of that meeting who reached the absence warning."""
    now = timezone.now()
    dispatches_create(requests=reminders.absence_nudges_due(now, meeting_id=meeting_id), now=now)


@shared_task(ignore_result=True)
def extend_series() -> None:
    """Periodic (monthly): keep every active regular series scheduled 12 months ahead.

    Each series is extended in its own transaction by the idempotent series_generate, so one
    cell's problem does not hold back the others, and a rerun creates nothing twice.
    """
    for series_id in MeetingSeries.objects.filter(is_active=True).values_list("pk", flat=True):
        series = MeetingSeries.objects.filter(pk=series_id, is_active=True).first()
        if series is None:
            continue
        try:
            series_generate(series=series)
        except ValidationError:
            logger.warning("series %s could not be extended", series_id, exc_info=True)


@shared_task(ignore_result=True)
def library_sync_meeting(meeting_id: int) -> None:
    """Put the meeting's documents and adopted resolution in the document library; idempotent."""
    library_entries.meeting_sync(meeting_id)
