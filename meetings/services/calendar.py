"""The member's secret calendar address: created on first use, reset on request."""

import secrets

from django.db import IntegrityError, transaction

from common.audit import audit_context
from meetings.models import CalendarFeed
from members.models import Member


def _new_lookup() -> str:
    return secrets.token_hex(CalendarFeed.LOOKUP_LENGTH // 2)


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_get_or_create(*, member: Member, actor=None) -> CalendarFeed:
    """The member's feed; the first call creates it (idempotent, safe on a page view)."""
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic(), audit_context(actor):
            return CalendarFeed.objects.create(member=member, lookup=_new_lookup(), secret=_new_secret())
    except IntegrityError:
        # Two first visits at once: the other request created it.
        return CalendarFeed.objects.get(member=member)


@transaction.atomic
def calendar_feed_reset(*, member: Member, actor=None) -> CalendarFeed:
    """A new secret address; calendars subscribed to the old one stop receiving meetings."""
    feed = CalendarFeed.objects.select_for_update().filter(member=member).first()
    with audit_context(actor):
        if feed is None:
            return CalendarFeed.objects.create(member=member, lookup=_new_lookup(), secret=_new_secret())
        feed.lookup, feed.secret = _new_lookup(), _new_secret()
        feed.save(update_fields=["lookup", "secret"])
    return feed
