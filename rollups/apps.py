"""App config of the roll-ups (the meeting services ask for refreshes: meetings.followups)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "rollups"
    verbose_name = _("Roll-ups")

    def ready(self):
        from rollups import tree_changes  # noqa: F401  (listens to changes of the tree)
