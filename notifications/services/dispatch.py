"""Recording what must be sent (dispatches), fanning out to ledger rows, and the sweep.

Every step is idempotent: a dispatch key and a ledger row exist once (unique
constraints decide, `ON CONFLICT DO NOTHING`), a fan-out skips a dispatch already
fanned out, and the sweep only enqueues again what is still waiting in the database.
The database is the truth; the broker only carries hints of work to do.
"""

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from common.audit import audit_context
from notifications import kinds
from notifications.models import DISPATCH_YEAR_SQL, ChannelPreference, Delivery, Dispatch, Heartbeat
from notifications.transports import transports

logger = logging.getLogger(__name__)

FAN_OUT_BATCH = 50  # dispatches per fan-out task


@dataclass(frozen=True)
class DispatchRequest:
    key: str  # names the message once and for all, e.g. "meeting:12:reminder:4320@202612051930"
    kind: str
    params: dict


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _enqueue_fan_out(dispatch_ids: list[int]) -> None:
    from notifications.tasks import fan_out

    for chunk in _chunks(dispatch_ids, FAN_OUT_BATCH):
        fan_out.delay(chunk)


def _enqueue_deliveries(delivery_ids: list[int]) -> None:
    from notifications.tasks import deliver

    for chunk in _chunks(sorted(delivery_ids), settings.NOTIFICATIONS_CHUNK_SIZE):
        deliver.delay(chunk)


@transaction.atomic
def dispatches_create(*, requests: Iterable[DispatchRequest], now: dt.datetime | None = None) -> list[int]:
    """Record the dispatches not recorded yet and fan them out once committed.

    Returns the ids of the new dispatches; a key seen before is left alone, so calling
    this again with the same requests does nothing.
    """
    now = now or timezone.now()
    unique = {r.key: r for r in requests}
    if not unique:
        return []
    for request in unique.values():
        kinds.get(request.kind)  # an unknown kind is a programming error: fail here, loudly
    known = set(Dispatch.objects.filter(key__in=list(unique)).values_list("key", flat=True))
    new = [r for key, r in unique.items() if key not in known]
    if not new:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notifications_dispatch (key, kind, params, created_at)
            SELECT k, t, p::jsonb, %s FROM unnest(%s::text[], %s::text[], %s::text[]) AS v(k, t, p)
            ON CONFLICT (key) DO NOTHING
            RETURNING id
            """,
            [now, [r.key for r in new], [r.kind for r in new], [json.dumps(r.params) for r in new]],
        )
        ids = [row[0] for row in cursor.fetchall()]
    # robust: with the broker down the commit stands; the sweep enqueues the fan-out later.
    transaction.on_commit(lambda: _enqueue_fan_out(ids), robust=True)
    return ids


def _wanted(members: QuerySet, transport, kind: kinds.Kind) -> QuerySet:
    """The members who did not turn the channel off, or (a channel off by default) who
    turned it on; for a kind that is not a reminder, not those who chose "only reminders"."""
    choices = ChannelPreference.objects.filter(user_id=OuterRef("user_id"), channel=transport.channel)
    if transport.default_on:
        refused = Q(enabled=False) if kind.reminder else Q(enabled=False) | Q(reminders_only=True)
        return members.filter(~Exists(choices.filter(refused)))
    wanted = Q(enabled=True) if kind.reminder else Q(enabled=True, reminders_only=False)
    return members.filter(Exists(choices.filter(wanted)))


def _recipient_queries(dispatch: Dispatch) -> list[tuple[str, list]]:
    """One SELECT (dispatch, channel, member) per channel that reaches someone."""
    kind = kinds.get(dispatch.kind)
    members = kind.recipients(dispatch.params)
    queries = []
    for transport in transports():
        if (kind.channels is not None and transport.channel not in kind.channels) or not transport.carries(kind.name):
            continue
        reachable = transport.recipients(members)
        if transport.optional:
            reachable = _wanted(reachable, transport, kind)
        try:
            sql, params = reachable.order_by().values_list("id", flat=True).query.sql_with_params()
        except EmptyResultSet:  # nobody to reach (e.g. a cell without a secretary)
            continue
        queries.append((f"SELECT %s::bigint, %s::text, r.id FROM ({sql}) AS r(id)",
                        [dispatch.pk, transport.channel, *params]))
    return queries


# The year of the partition: the dispatch's (notifications.models.dispatch_year).
_INSERT_DELIVERIES = f"""
INSERT INTO notifications_delivery
       (dispatch_id, key, kind, member_id, channel, status, attempts, address, last_error,
        created_at, updated_at, enqueued_at, year)
SELECT v.dispatch_id, d.key, d.kind, v.member_id, v.channel, 'pending', 0, '', '', %s, %s, %s, {DISPATCH_YEAR_SQL}
  FROM ({{union}}) AS v(dispatch_id, channel, member_id)
  JOIN notifications_dispatch d ON d.id = v.dispatch_id
ON CONFLICT ON CONSTRAINT delivery_once_per_member_channel DO NOTHING
RETURNING id
"""


def _fan_out(dispatch_ids: list[int], now: dt.datetime) -> list[int]:
    with transaction.atomic():
        dispatches = list(
            Dispatch.objects.select_for_update(skip_locked=True)
            .filter(pk__in=dispatch_ids, fanned_out_at__isnull=True).order_by("pk")
        )  # skipped: done already, or another worker is on it
        queries, ready = [], []
        for dispatch in dispatches:
            try:
                queries += _recipient_queries(dispatch)
            except DatabaseError:
                raise
            except Exception:  # left without fanned_out_at: the sweep tries again later
                logger.exception("recipients of dispatch %s failed", dispatch.pk)
                continue
            ready.append(dispatch.pk)
        created = []
        if queries:
            with connection.cursor() as cursor:
                cursor.execute(
                    _INSERT_DELIVERIES.format(union=" UNION ALL ".join(sql for sql, _ in queries)),
                    [now, now, now, *(param for _, params in queries for param in params)],
                )
                created = [row[0] for row in cursor.fetchall()]
        Dispatch.objects.filter(pk__in=ready).update(fanned_out_at=now)
        transaction.on_commit(lambda: _enqueue_deliveries(created), robust=True)
    return created


def dispatches_fan_out(*, dispatch_ids: list[int], now: dt.datetime | None = None) -> list[int]:
    """Create the ledger rows of these dispatches (one per member and channel) in one
    statement, and enqueue them once committed. Returns the new rows' ids."""
    now = now or timezone.now()
    try:
        return _fan_out(dispatch_ids, now)
    except DatabaseError:  # left without fanned_out_at: the sweep tries again later
        logger.exception("fan-out of dispatches %s failed", dispatch_ids)
        if len(dispatch_ids) == 1:
            return []
        # One dispatch's query may have broken the batch: the others go one at a time.
        created = []
        for dispatch_id in dispatch_ids:
            try:
                created += _fan_out([dispatch_id], now)
            except DatabaseError:
                logger.exception("fan-out of dispatch %s failed", dispatch_id)
        return created


@dataclass(frozen=True)
class Sweep:
    dispatch_ids: list[int]
    delivery_ids: list[int]


_SWEEP_SQL = """
UPDATE notifications_delivery SET enqueued_at = %(now)s
 WHERE id IN (
    SELECT id FROM notifications_delivery
     WHERE status = 'pending' AND enqueued_at < %(stale)s AND %(relay_pending)s
    UNION ALL
    SELECT id FROM notifications_delivery
     WHERE status = 'failed' AND next_attempt_at < %(stale)s AND enqueued_at < %(stale)s
    UNION ALL
    SELECT id FROM notifications_delivery
     WHERE status = 'sending' AND lease_until < %(now)s AND enqueued_at < %(now)s
 )
RETURNING id
"""


def delivery_queue_depth() -> int | None:
    """Messages waiting in the delivery queue, or None if the broker cannot say."""
    from kombu.exceptions import ChannelError

    from handbook.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            queue = app.conf.task_default_queue
            try:
                return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
            except ChannelError:  # "no queue": Redis drops an empty queue's key
                return 0
    except Exception:  # the broker is away: the relay enqueues anyway (the claim decides)
        logger.warning("could not read the delivery queue's depth", exc_info=True)
        return None


def deliveries_sweep(*, now: dt.datetime | None = None, queue_depth: int | None = None) -> Sweep:
    """The relay from the ledger (the outbox) to the broker: dispatches never fanned out,
    rows waiting longer than NOTIFICATIONS_REQUEUE_AFTER_SECONDS while the delivery queue
    is empty (their broker message was lost; a full queue still carries them), retries
    overdue, and rows whose lease expired (their worker died, froze or lost the database).
    Marks them enqueued again."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        dispatch_ids = list(
            Dispatch.objects.filter(fanned_out_at__isnull=True, created_at__lt=stale).values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(_SWEEP_SQL, {"now": now, "stale": stale, "relay_pending": not queue_depth})
            delivery_ids = [row[0] for row in cursor.fetchall()]
    if dispatch_ids or delivery_ids:
        logger.info("sweep: %d dispatches and %d deliveries enqueued again", len(dispatch_ids), len(delivery_ids))
    return Sweep(dispatch_ids=dispatch_ids, delivery_ids=delivery_ids)


def sweep_enqueue(sweep: Sweep) -> None:
    _enqueue_fan_out(sweep.dispatch_ids)
    _enqueue_deliveries(sweep.delivery_ids)


def heartbeat(name: str, *, now: dt.datetime | None = None) -> None:
    """Record that a periodic job ran to its end (shown on /healthz, checked by beat's probe)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now or timezone.now()})


@transaction.atomic
def deliveries_send_again(*, delivery_ids: list[int], actor=None) -> int:
    """An officer sends failed rows again (after fixing a template or an address)."""
    now = timezone.now()
    with audit_context(actor):
        retry = list(
            Delivery.objects.filter(
                pk__in=delivery_ids, status__in=[Delivery.Status.FAILED, Delivery.Status.PERMANENT_FAILURE]
            ).values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=retry).update(
            status=Delivery.Status.PENDING, next_attempt_at=None, enqueued_at=now, updated_at=now, told_at=None,
        )
    transaction.on_commit(lambda: _enqueue_deliveries(retry), robust=True)
    return len(retry)
