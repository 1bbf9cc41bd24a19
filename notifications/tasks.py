"""Celery tasks of the notifications floor: thin, idempotent, ids in and out.

Delivery runs under time limits (handbook/celery.py): a chunk stopped by its soft limit
gives back what it did not hand over, and anything else comes back when its lease ends.
"""

from celery import shared_task
from django.conf import settings

from notifications import undelivered
from notifications.services import delivery, dispatch, zalo_token


@shared_task(ignore_result=True)
def fan_out(dispatch_ids: list[int]) -> None:
    dispatch.dispatches_fan_out(dispatch_ids=dispatch_ids)


@shared_task(ignore_result=True, time_limit=settings.NOTIFICATIONS_TASK_TIME_LIMIT,
             soft_time_limit=settings.NOTIFICATIONS_TASK_TIME_LIMIT - 30)
def deliver(delivery_ids: list[int]) -> None:
    run = delivery.deliveries_send(delivery_ids=delivery_ids)
    for countdown, ids in run.retries.items():
        deliver.apply_async((ids,), countdown=countdown)
    for countdown, delivery_id in run.alone:
        deliver.apply_async(([delivery_id],), countdown=countdown)


@shared_task(ignore_result=True)
def sweep() -> None:
    """Periodic (handbook/celery.py): relay from the ledger what the broker does not carry,
    take back expired leases, tell the officers about members no channel reached."""
    dispatch.sweep_enqueue(dispatch.deliveries_sweep(queue_depth=dispatch.delivery_queue_depth()))
    undelivered.undelivered_tell()
    dispatch.heartbeat("scan")


@shared_task(ignore_result=True)
def renew_zalo_token() -> None:
    """Periodic (handbook/celery.py): renew the Zalo OA access token when under an hour is
    left; the row lock makes a second run at the same moment spend nothing."""
    zalo_token.zalo_token_renew()
