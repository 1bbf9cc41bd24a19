"""App config: connects the roll-up receivers to the meeting signals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "rollups"
    verbose_name = _("Roll-ups")

    def ready(self):
        from rollups import receivers

        receivers.connect()
