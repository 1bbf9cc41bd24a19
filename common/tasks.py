"""Periodic upkeep of the database (scheduled in handbook/celery.py)."""

from celery import shared_task

from common.partitions import partitions_ensure


@shared_task(name="common.partitions_ensure", ignore_result=True)
def ensure_partitions() -> None:
    """Daily: this year's and next year's partitions exist (idempotent), long before a row
    of the new year would land in the DEFAULT partition."""
    partitions_ensure()
