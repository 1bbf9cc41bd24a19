"""Celery tasks of the library: they take ids and call a service; running twice does nothing."""

from celery import shared_task

from library import services


@shared_task(ignore_result=True)
def library_extract_text(entry_id: int) -> None:
    services.entry_text_extract(entry_id=entry_id)
