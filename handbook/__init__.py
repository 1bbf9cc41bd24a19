"""Project package: settings, URLs, the Celery app and the process entry points."""

from handbook.celery import app as celery_app

__all__ = ["celery_app"]
