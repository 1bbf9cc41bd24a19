"""makemessages without gettext's fuzzy matching: its guesses are wrong more often than not
(e.g. "Signed minutes" became "Đăng nhập"), and a wrong translation is worse than none."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
