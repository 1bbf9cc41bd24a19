"""Reads of the notifications floor. Each takes the acting user (or a member already scoped)."""

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from members.models import CellMembership, Member
from notifications.models import (
    BadAddress,
    ChannelCredential,
    ChannelPreference,
    Delivery,
    Notification,
    PushSubscription,
)
from notifications.transports import optional_channels, transports


def inbox_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def get_notification_for_owner(user, public_id) -> Notification:
    """One of the user's own notifications, or 404 (someone else's is never found)."""
    notification = inbox_for(user).filter(public_id=public_id).first()
    if notification is None:
        raise Http404
    return notification


# Asked by the menu of every page: one plain statement (building it with the ORM cost more than
# PostgreSQL answering it from the partial index on unread rows).
_UNREAD_COUNT_SQL = f"SELECT count(*) FROM {Notification._meta.db_table} WHERE user_id = %s AND read_at IS NULL"


def unread_count(user) -> int:
    """How many of the user's notifications are unread."""
    if not getattr(user, "is_authenticated", False):
        return 0
    with connections[router.db_for_read(Notification)].cursor() as cursor:
        cursor.execute(_UNREAD_COUNT_SQL, [user.pk])
        return cursor.fetchone()[0]


def push_subscriptions_for(user) -> QuerySet[PushSubscription]:
    """The browsers where the user turned push on, newest first."""
    return PushSubscription.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def get_push_subscription_for_owner(user, endpoint: str) -> PushSubscription:
    """The user's own subscription with this endpoint, or 404 (someone else's is never found)."""
    subscription = push_subscriptions_for(user).filter(endpoint=str(endpoint or "").strip()).first()
    if subscription is None:
        raise Http404
    return subscription


def member_of(user) -> Member | None:
    return Member.objects.select_related("user").filter(user_id=user.pk).first()


def channel_choices(user) -> dict[str, tuple[bool, bool]]:
    """Every optional channel: (does the user want it, only reminders on it?); the channel's
    default until they choose (email on, SMS off; every message)."""
    saved = {channel: (enabled, only) for channel, enabled, only in
             ChannelPreference.objects.filter(user_id=user.pk).values_list("channel", "enabled", "reminders_only")}
    return {cls.channel: saved.get(cls.channel, (cls.default_on, False)) for cls in optional_channels()}


def member_addresses(member: Member) -> dict[str, str]:
    """channel -> where this member is reached ("" if nowhere)."""
    return {t.channel: t.address(member) for t in transports()}


def bad_addresses_for_member(member: Member) -> list[BadAddress]:
    """The member's current addresses that a transport refused for good.

    For the member's record page: the caller has already fetched `member` through a
    scoped selector (members.access), so this adds no access rule of its own.
    """
    addresses = {(channel, address) for channel, address in member_addresses(member).items() if address}
    if not addresses:
        return []
    rows = BadAddress.objects.filter(address__in={a for _, a in addresses}).order_by("channel", "address")
    return [row for row in rows if (row.channel, row.address) in addresses]


def notices_opened_by_cell(*, since: dt.datetime, kinds: list[str] | None = None) -> dict[int, int]:
    """{cell id: members of the cell (home, on the rolls) who read an inbox message since
    `since`}, with 0 for cells where nobody did. For the roll-ups' adoption figures; `kinds`
    narrows the messages (all kinds by default)."""
    read = Notification.objects.filter(user_id=OuterRef("member__user_id"), read_at__gte=since)
    if kinds is not None:
        read = read.filter(kind__in=kinds)
    rows = (
        CellMembership.objects.current().filter(kind=CellMembership.Kind.HOME, member__in=Member.objects.on_rolls())
        .annotate(opened=Exists(read)).values("cell_id")
        .annotate(members=Count("member_id", filter=Q(opened=True), distinct=True))
    )
    return {row["cell_id"]: row["members"] for row in rows}


def ledger_figures(*, now: dt.datetime) -> dict:
    """What an operator watches (the operator page and /healthz?verbose show the same):
    the oldest waiting message, failures, leases past due and suspected second copies.
    Not scoped: for staff (and the metrics token) only, which the callers check."""
    rows = Delivery.objects.aggregate(
        pending=Count("pk", filter=Q(status=Delivery.Status.PENDING)),
        oldest_pending=Min("enqueued_at", filter=Q(status=Delivery.Status.PENDING)),
        retrying=Count("pk", filter=Q(status=Delivery.Status.FAILED, next_attempt_at__isnull=False)),
        gave_up=Count("pk", filter=Q(status=Delivery.Status.FAILED, next_attempt_at__isnull=True)),
        permanent=Count("pk", filter=Q(status=Delivery.Status.PERMANENT_FAILURE)),
        sending=Count("pk", filter=Q(status=Delivery.Status.SENDING)),
        leases_past_due=Count("pk", filter=Q(status=Delivery.Status.SENDING, lease_until__lt=now)),
        suspected_duplicates=Count("pk", filter=Q(uncertain__gt=0, status=Delivery.Status.SENT)),
    )
    oldest = rows.pop("oldest_pending")
    rows["oldest_pending_seconds"] = int((now - oldest).total_seconds()) if oldest else 0
    return rows


def deliveries_needing_attention(*, limit: int = 100) -> QuerySet[Delivery]:
    """Failed, failed for good, stuck past their lease or possibly sent twice: newest first."""
    return (
        Delivery.objects.filter(
            Q(status__in=Delivery.FAILED_STATUSES) | Q(status=Delivery.Status.SENDING, lease_until__lt=timezone.now())
            | Q(uncertain__gt=0)
        )
        .select_related("member").order_by("-updated_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class TokenState:
    expires_at: dt.datetime | None
    renewed_at: dt.datetime | None
    last_error: str
    failed_at: dt.datetime | None
    # The last renewal failed or the token has expired: Zalo messages may be waiting.
    degraded: bool


def zalo_token_state(*, now: dt.datetime) -> TokenState | None:
    """The Zalo access token's renewal, for the operator page; None on a site without Zalo.
    Not scoped: for staff only, which the caller checks."""
    if "zalo" not in {cls.channel for cls in optional_channels()}:
        return None
    row = ChannelCredential.objects.filter(channel="zalo").first()
    if row is None:  # no message sent and no renewal yet
        return TokenState(None, None, "", None, degraded=False)
    expired = row.expires_at is not None and row.expires_at <= now
    return TokenState(row.expires_at, row.renewed_at, row.last_error, row.failed_at,
                      degraded=bool(row.last_error) or expired)
