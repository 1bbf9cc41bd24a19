from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations on drafts")

    def ready(self):
        # Registers the publication notice and the nudge kinds with notifications.
        from consultations import notices  # noqa: F401
