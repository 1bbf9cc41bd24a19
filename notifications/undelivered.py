"""Telling someone when a message could not be delivered.

When every channel failed for a member (the in-app inbox is not one for a member without
an account), the officers of the member's home cell are told in their inbox, while the
message still makes sense (the kind's context: before the meeting), so that someone
tells the member in person. When an address is refused for good, its owner is told in
their inbox. Both go through the ledger like every other message, once each (their keys).
"""

import hashlib

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language

from members.models import CellMembership, Member, Role
from notifications import kinds
from notifications.models import Delivery, Dispatch
from notifications.rendering import NAME_SLOT, render_message
from notifications.services.dispatch import DispatchRequest, dispatches_create

UNDELIVERED = "notifications:undelivered"
ADDRESS_REFUSED = "notifications:address_refused"
OWN_KINDS = (UNDELIVERED, ADDRESS_REFUSED)


def _cell_officers(params: dict, member: Member) -> QuerySet:
    cells = CellMembership.objects.current().filter(member=member, kind=CellMembership.Kind.HOME).values("cell_id")
    officers = CellMembership.objects.current().filter(
        cell_id__in=cells, role__in=[Role.SECRETARY, Role.DEPUTY_SECRETARY]).values("member_id")
    return Member.objects.filter(pk__in=officers).exclude(pk=member.pk)


def _undelivered_recipients(params: dict) -> QuerySet:
    member = Member.objects.filter(pk=params["member_id"]).first()
    dispatch = Dispatch.objects.filter(pk=params["dispatch_id"]).first()
    if member is None or dispatch is None:
        return Member.objects.none()
    told = kinds.get(dispatch.kind).told or _cell_officers
    return told(dispatch.params, member)


def _member_url(member: Member) -> str:
    try:
        return settings.SITE_URL + reverse("member_detail", args=[member.public_id])
    except NoReverseMatch:
        return ""


def _undelivered_context(params: dict) -> dict | None:
    member = Member.objects.filter(pk=params["member_id"]).first()
    dispatch = Dispatch.objects.filter(pk=params["dispatch_id"]).first()
    if member is None or dispatch is None:
        return None
    kind = kinds.get(dispatch.kind)
    shared = kind.context(dispatch.params)
    if shared is None:
        return None  # no longer needed (the meeting started): nothing to tell either
    original = render_message(kind.template, {**shared, "recipient_name": NAME_SLOT, "channel": "inapp",
                                              "site_url": settings.SITE_URL, "settings_url": ""},
                              language=get_language() or settings.LANGUAGE_CODE, html=False)
    failures = list(Delivery.objects.filter(dispatch=dispatch, member=member).order_by("channel")
                    .values_list("channel", "address", "last_error"))
    return {"member": member, "original_subject": original.subject.replace(NAME_SLOT, member.full_name),
            "failures": failures, "link": _member_url(member)}


def _refused_recipients(params: dict) -> QuerySet:
    return Member.objects.filter(pk=params["member_id"], user__isnull=False)


def _refused_context(params: dict) -> dict | None:
    from notifications.transports import transport

    member = Member.objects.select_related("user").filter(pk=params["member_id"]).first()
    if member is None or transport(params["channel"]).address(member) != params["address"]:
        return None  # corrected meanwhile
    return {"address": params["address"], "channel": params["channel"],
            "link": settings.SITE_URL + reverse("notification_settings")}


kinds.register(UNDELIVERED, template="notifications/email/undelivered", recipients=_undelivered_recipients,
               context=_undelivered_context, channels=("inapp",))
kinds.register(ADDRESS_REFUSED, template="notifications/email/address-refused", recipients=_refused_recipients,
               context=_refused_context, channels=("inapp",))


def tell_member_address_refused(*, member_id: int, channel: str, address: str, now) -> None:
    digest = hashlib.sha256(address.encode()).hexdigest()[:16]
    dispatches_create(requests=[DispatchRequest(
        key=f"address-refused:{member_id}:{channel}:{digest}", kind=ADDRESS_REFUSED,
        params={"member_id": member_id, "channel": channel, "address": address},
    )], now=now)


# (dispatch, member) where no row was delivered and every row failed for good or often
# enough, not told yet.
_UNTOLD_SQL = """
SELECT d.dispatch_id, d.member_id, array_agg(d.id)
  FROM notifications_delivery d
 WHERE d.status IN ('failed', 'permanent_failure') AND d.told_at IS NULL AND NOT (d.kind = ANY(%(own)s))
 GROUP BY d.dispatch_id, d.member_id
HAVING bool_and(d.status = 'permanent_failure' OR d.attempts >= %(attempts)s OR d.next_attempt_at IS NULL)
   AND NOT EXISTS (
       SELECT 1 FROM notifications_delivery o
        WHERE o.dispatch_id = d.dispatch_id AND o.member_id = d.member_id
          AND o.status NOT IN ('failed', 'permanent_failure'))
 LIMIT 500
"""


@transaction.atomic
def undelivered_tell(*, now=None) -> int:
    """Record one notice to the officers per member no channel reached (from the sweep)."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_UNTOLD_SQL, {"own": list(OWN_KINDS), "attempts": settings.NOTIFICATIONS_TELL_AFTER_ATTEMPTS})
        rows = cursor.fetchall()
    if not rows:
        return 0
    dispatches_create(requests=[
        DispatchRequest(key=f"undelivered:{dispatch_id}:{member_id}", kind=UNDELIVERED,
                        params={"dispatch_id": dispatch_id, "member_id": member_id})
        for dispatch_id, member_id, _ in rows
    ], now=now)
    Delivery.objects.filter(pk__in=[pk for *_, ids in rows for pk in ids]).update(told_at=now)
    return len(rows)
