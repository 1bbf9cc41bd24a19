"""Celery tasks of consultations: thin, idempotent (dispatch keys), enqueued on commit;
the periodic one is scheduled in handbook/celery.py."""

from celery import shared_task
from django.utils import timezone

from consultations import notices
from notifications.services.dispatch import dispatches_create


@shared_task(ignore_result=True)
def consultation_published(consultation_id: int) -> None:
    """After a draft is published: one notice to the members of every cell under the publisher."""
    dispatches_create(requests=notices.published_due(consultation_id))


@shared_task(ignore_result=True)
def scan_nudges() -> None:
    """Periodic: nudges to the organisations that have not sent their summary yet."""
    now = timezone.now()
    dispatches_create(requests=notices.nudges_due(now), now=now)
