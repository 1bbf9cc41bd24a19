from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions and recommendations")

    def ready(self):
        # Registers the overdue nudge with notifications (petitions.nudges).
        from petitions import nudges  # noqa: F401
