from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluation and classification")

    def ready(self):
        # Registers the evaluation nudges with notifications.
        from evaluations import reminders  # noqa: F401
