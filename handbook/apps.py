from django.apps import AppConfig


class HandbookConfig(AppConfig):
    """The project package as an app, only to connect what crosses floors (account_events)."""

    name = "handbook"
    verbose_name = "Handbook"

    def ready(self):
        from handbook import account_events  # noqa: F401
