"""The kinds of message the floors above send: whom each reaches and how it is worded.

A higher floor (meetings) registers its kinds when it starts; this floor knows no meeting.
A kind's functions take the dispatch's params (a small JSON dict of ids) and re-read the
data, so a message sent late or retried says what is true when it is sent.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Kind:
    name: str
    # Prefix of the template triplet: <template>-subject.txt, -body.txt, -body.html.
    template: str
    # params -> the members who receive it (a Member queryset).
    recipients: Callable[[dict], QuerySet]
    # params -> template context shared by every recipient; None when the message is no
    # longer needed (the meeting was cancelled before its reminder went out).
    context: Callable[[dict], dict | None]
    # The channels it goes on (None: every configured channel).
    channels: tuple[str, ...] | None = None
    # (params, member) -> the members told when no channel reached `member` (None: the
    # secretary and deputy of the member's home cell, notifications.undelivered).
    told: Callable[[dict, object], QuerySet] | None = None
    # A reminder of a meeting or a change to it: all a member who chose "only reminders" on a
    # channel gets there.
    reminder: bool = False


_KINDS: dict[str, Kind] = {}


def register(name: str, *, template: str, recipients: Callable[[dict], QuerySet],
             context: Callable[[dict], dict | None], channels: tuple[str, ...] | None = None,
             told: Callable[[dict, object], QuerySet] | None = None, reminder: bool = False) -> Kind:
    kind = Kind(name=name, template=template, recipients=recipients, context=context, channels=channels, told=told,
                reminder=reminder)
    _KINDS[name] = kind  # registering again (a reloaded module) replaces the entry
    return kind


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no notification kind {name!r} is registered") from None


def is_reminder(name: str) -> bool:
    """Is `name` a registered reminder kind (an unknown kind is not)?"""
    kind = _KINDS.get(name)
    return kind is not None and kind.reminder


def registered() -> list[str]:
    return sorted(_KINDS)
