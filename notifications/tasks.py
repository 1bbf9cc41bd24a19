"""Celery tasks of the notifications floor: thin, idempotent, ids in and out."""

from celery import shared_task

from notifications.services import delivery, dispatch


@shared_task(ignore_result=True)
def fan_out(dispatch_ids: list[int]) -> None:
    dispatch.dispatches_fan_out(dispatch_ids=dispatch_ids)


@shared_task(ignore_result=True)
def deliver(delivery_ids: list[int]) -> None:
    run = delivery.deliveries_send(delivery_ids=delivery_ids)
    for countdown, ids in run.retries.items():
        deliver.apply_async((ids,), countdown=countdown)


@shared_task(ignore_result=True)
def sweep() -> None:
    """Periodic (handbook/celery.py): enqueue again what lost its task."""
    dispatch.sweep_enqueue(dispatch.deliveries_sweep())
