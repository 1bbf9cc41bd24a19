"""The notice to a member after a change that guards their account: TOTP turned on or off,
the password changed or reset (each of which also revokes the account's API tokens).

Whoever made the change, the owner hears of it, on every channel they keep: if it was not
them, they know at once whom to tell. It goes through the ledger like every other message;
handbook.account_events records it in the transaction of the change, so it exists only if
the change does, and the worker sends it once committed.
"""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, User
from notifications import kinds
from notifications.services.dispatch import DispatchRequest, dispatches_create

ACCOUNT_CHANGED = "account:security_changed"

# What happened, as the end of "Your account <username> …" (the subject and the first sentence).
EVENTS = {
    "totp_added": _("had two-step sign-in (TOTP) turned on"),
    "totp_removed": _("had two-step sign-in (TOTP) turned off"),
    "password_changed": _("had its password changed"),
    "password_reset": _("had its password reset with a link sent by email"),
    "password_set_with_code": _("had its password set with a printed sign-in code from the cell's secretary"),
}


def _recipients(params: dict) -> QuerySet:
    return Member.objects.filter(user_id=params["user_id"])


def _context(params: dict) -> dict | None:
    user = User.objects.filter(pk=params["user_id"]).first()
    if user is None:
        return None
    return {
        "user": user, "what": EVENTS[params["event"]], "at": dt.datetime.fromisoformat(params["at"]),
        "link": settings.SITE_URL + reverse("account_change_password"),
    }


kinds.register(ACCOUNT_CHANGED, template="notifications/email/account-changed", recipients=_recipients,
               context=_context)


def account_change_notice(*, user: User, event: str, at: dt.datetime | None = None) -> int | None:
    """Record the notice of `event` (a key of EVENTS) for the owner of `user`; the dispatch id,
    or None for an account without a member record (nobody to tell)."""
    if event not in EVENTS:
        raise ValueError(f"unknown account event {event!r}")
    if not Member.objects.filter(user_id=user.pk).exists():
        return None
    at = at or timezone.now()
    ids = dispatches_create(requests=[DispatchRequest(
        key=f"account:{user.pk}:{event}@{at:%Y%m%dT%H%M%S.%f}", kind=ACCOUNT_CHANGED,
        params={"user_id": user.pk, "event": event, "at": at.isoformat()},
    )], now=at)
    return ids[0] if ids else None
