from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # Registers the reminder and nudge kinds with notifications, and connects the
        # receivers that enqueue change notices and absence checks on commit.
        # library_entries registers the meetings as a source of the document library.
        from meetings import library_entries, reminders  # noqa: F401
