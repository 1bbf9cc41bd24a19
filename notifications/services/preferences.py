"""Writes of a member's choices: channels, language, and clearing an address they fixed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.audit import audit_context
from members.models import User
from notifications.models import BadAddress, ChannelPreference
from notifications.transports import optional_channels


def user_language_set(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language from the list.")})
    if user.language != language:
        with audit_context(user):
            User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


@transaction.atomic
def preferences_update(*, user: User, channels: dict[str, bool], language: str,
                       reminders_only: dict[str, bool] | None = None) -> None:
    """Save which optional channels the user wants (on a channel in `reminders_only`, only
    reminders or every message) and the language of their messages."""
    reminders_only = reminders_only or {}
    known = {cls.channel for cls in optional_channels()}
    unknown = (set(channels) | set(reminders_only)) - known
    if unknown:
        raise ValidationError(_("Unknown channel: %(channels)s") % {"channels": ", ".join(sorted(unknown))})
    user_language_set(user=user, language=language)
    with audit_context(user):
        for channel, enabled in channels.items():
            defaults = {"enabled": enabled}
            if channel in reminders_only:
                defaults["reminders_only"] = reminders_only[channel]
            ChannelPreference.objects.update_or_create(user=user, channel=channel, defaults=defaults)


@transaction.atomic
def bad_address_clear(*, user: User, channel: str, address: str) -> bool:
    """The member says their mailbox works again: allow sending to it once more."""
    with audit_context(user):
        deleted, _ = BadAddress.objects.filter(channel=channel, address=address.strip().lower()).delete()
    return bool(deleted)
