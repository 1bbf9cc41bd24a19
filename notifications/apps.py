from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Message kinds register themselves on import; a worker loads no view, so the
        # kinds of this floor are imported here.
        from notifications import account_notices, invitations, number_conflicts, undelivered  # noqa: F401
