"""Delivering ledger rows: claim, render, send, record.

A worker claims rows with one conditional UPDATE (`FOR UPDATE SKIP LOCKED` plus a session
advisory lock per row) before it sends, so two workers never send the same row. The
advisory lock lives as long as the worker's database session: when a worker dies in the
middle of a send, PostgreSQL drops its locks at once, and its rows, still marked
"sending", can be claimed again (by the re-delivered task or the sweep); the new claim
records the interrupted attempt.

The in-app channel writes the inbox row in the same transaction as "sent", so it is
exactly once. Email cannot share a transaction with an SMTP server (RFC 1047): a worker
killed after a message's final "." reached the server and before "sent" is recorded
leads to one more copy, with the same Message-ID, which mail providers and clients show
as one message; the ledger records that attempt as interrupted. Every other crash point
leads to no copy and a retry.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from notifications.models import BadAddress, ChannelPreference, Delivery
from notifications.rendering import NAME_SLOT, Rendered, personalise, render_message
from notifications.transports import Message, Transport, TransportError, transports

logger = logging.getLogger(__name__)

# First key of the two-key advisory locks this module takes ("NOTI"); the second is the row id.
LOCK_NAMESPACE = 0x4E4F5449
_LOCK_KEY = "mod({column}, 2147483647)::int"

_CLAIM_SQL = f"""
WITH candidate AS (
    SELECT id, status FROM notifications_delivery
     WHERE id = ANY(%(ids)s)
       AND (status IN ('pending', 'sending') OR (status = 'failed' AND next_attempt_at <= %(now)s))
     ORDER BY id
       FOR UPDATE SKIP LOCKED
), locked AS (
    SELECT id, status FROM candidate
     WHERE pg_try_advisory_lock(%(ns)s, {_LOCK_KEY.format(column="id")})
)
UPDATE notifications_delivery AS d
   SET status = 'sending', attempts = d.attempts + 1, claimed_at = %(now)s, updated_at = %(now)s
  FROM locked
 WHERE d.id = locked.id
RETURNING d.id, locked.status, d.attempts
"""

# Close the claimed rows and write one attempt row each, in one statement.
_RECORD_SQL = """
WITH done AS (
    UPDATE notifications_delivery AS d
       SET status = %(status)s, address = v.address, last_error = v.error, next_attempt_at = v.next_at,
           sent_at = CASE WHEN %(ok)s THEN %(now)s ELSE d.sent_at END, updated_at = %(now)s,
           enqueued_at = CASE WHEN v.next_at IS NULL THEN d.enqueued_at ELSE %(now)s END
      FROM unnest(%(ids)s::bigint[], %(addresses)s::text[], %(errors)s::text[], %(next)s::timestamptz[])
           AS v(id, address, error, next_at)
     WHERE d.id = v.id AND d.status = 'sending'
 RETURNING d.id, d.attempts, v.error
)
INSERT INTO notifications_deliveryattempt (delivery_id, number, at, ok, permanent, error)
SELECT id, attempts, %(now)s, %(ok)s, %(permanent)s, error FROM done
"""


def retry_delay(attempt: int) -> int:
    """Seconds before attempt `attempt + 1`: doubling, capped well below the broker's
    visibility timeout (a countdown longer than it would be delivered twice)."""
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    visibility = (settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("visibility_timeout")
    if visibility:
        cap = min(cap, max(1, int(visibility) // 4))
    return int(min(settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** max(0, attempt - 1), cap))


@dataclass
class _Outcome:
    delivery: Delivery
    address: str = ""
    error: str = ""


@dataclass
class DeliveryRun:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    permanent: int = 0
    # countdown (seconds) -> delivery ids to try again then
    retries: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


class _Recorder:
    """Writes outcomes to the ledger as they happen (a crash loses nothing recorded)."""

    def __init__(self, run: DeliveryRun):
        self.run = run

    def _write(self, outcomes: list[_Outcome], *, status: str, ok: bool, permanent: bool,
               next_at: list[dt.datetime | None] | None = None) -> None:
        if not outcomes:
            return
        with connection.cursor() as cursor:
            cursor.execute(_RECORD_SQL, {
                "status": status, "ok": ok, "permanent": permanent, "now": timezone.now(),
                "ids": [o.delivery.pk for o in outcomes],
                "addresses": [o.address for o in outcomes],
                "errors": [o.error[:2000] for o in outcomes],
                "next": next_at or [None] * len(outcomes),
            })

    def sent(self, outcomes: list[_Outcome]) -> None:
        self._write(outcomes, status=Delivery.Status.SENT, ok=True, permanent=False)
        self.run.sent += len(outcomes)

    def skipped(self, outcomes: list[_Outcome]) -> None:
        self._write(outcomes, status=Delivery.Status.SKIPPED, ok=False, permanent=False)
        self.run.skipped += len(outcomes)

    def permanent(self, outcomes: list[_Outcome]) -> None:
        self._write(outcomes, status=Delivery.Status.PERMANENT_FAILURE, ok=False, permanent=True)
        self.run.permanent += len(outcomes)

    def temporary(self, outcomes: list[_Outcome]) -> None:
        next_at, now = [], timezone.now()
        for outcome in outcomes:
            attempts = outcome.delivery.attempts
            if attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                next_at.append(None)  # given up: stays "failed" for an officer to look at
                continue
            delay = retry_delay(attempts)
            next_at.append(now + dt.timedelta(seconds=delay))
            self.run.retries[delay].append(outcome.delivery.pk)
        self._write(outcomes, status=Delivery.Status.FAILED, ok=False, permanent=False, next_at=next_at)
        self.run.failed += len(outcomes)


def _claim(delivery_ids: list[int], now: dt.datetime) -> list[tuple[int, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, {"ids": list(delivery_ids), "now": now, "ns": LOCK_NAMESPACE})
        return cursor.fetchall()


def _release_locks() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all(); RESET synchronous_commit")
    except DatabaseError:
        logger.warning("could not release delivery locks; they go with the session", exc_info=True)


def _record_interrupted(claimed: list[tuple[int, str, int]], now: dt.datetime) -> None:
    """A row claimed while "sending" was left by a worker that died mid-send: say so."""
    rows = [(pk, attempts - 1) for pk, previous, attempts in claimed if previous == Delivery.Status.SENDING]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO notifications_deliveryattempt (delivery_id, number, at, ok, permanent, error) "
            "VALUES (%s, %s, %s, false, false, %s)",
            [(pk, number, now, "interrupted: the worker stopped during this attempt") for pk, number in rows],
        )


def _message_id(delivery: Delivery) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<delivery.{delivery.pk}.{delivery.channel}@{host}>"


def _settings_url() -> str:
    return settings.SITE_URL + reverse("notification_settings")


def deliveries_send(*, delivery_ids: list[int], now: dt.datetime | None = None) -> DeliveryRun:
    """Send the given ledger rows that are due and not taken by another worker."""
    now = now or timezone.now()
    run = DeliveryRun()
    recorder = _Recorder(run)
    claimed = _claim(delivery_ids, now)
    if not claimed:
        return run
    try:
        with connection.cursor() as cursor:
            # "Sent" is committed without waiting for the disk, which narrows the gap
            # between the mail server's acceptance and the ledger's record (the only
            # moment a crash can cause a second copy) and spares an fsync per message.
            # A database crash may lose the last fraction of a second of records: those
            # messages go again, with the same Message-ID (inbox rows and their "sent"
            # are lost together, so the inbox stays exactly once).
            cursor.execute("SET synchronous_commit TO off")
        _record_interrupted(claimed, now)
        deliveries = list(
            Delivery.objects.filter(pk__in=[row[0] for row in claimed])
            .select_related("member__user", "dispatch").order_by("pk")
        )
        by_channel: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            by_channel[delivery.channel].append(delivery)
        configured = {t.channel: t for t in transports()}
        contents = _Contents()
        for channel, group in by_channel.items():
            transport = configured.get(channel)
            if transport is None:
                recorder.permanent([_Outcome(d, error=f"no transport for channel {channel!r}") for d in group])
                continue
            _send_channel(transport, group, contents, recorder)
    finally:
        _release_locks()
    return run


def _send_channel(transport: Transport, deliveries: list[Delivery], contents: "_Contents",
                  recorder: _Recorder) -> None:
    messages, skipped, refused, broken = _prepare(transport, deliveries, contents)
    recorder.skipped(skipped)
    recorder.permanent(refused + broken)
    if not messages:
        return
    by_id = {d.pk: d for d in deliveries}
    if transport.transactional:
        _send_transactional(transport, messages, by_id, recorder)
    else:
        _send_one_by_one(transport, messages, by_id, recorder)


class _Contents:
    """The wording of each dispatch, computed once per batch: the kind's context (one read of
    the data), then one rendering per channel and language, personalised with each
    recipient's name."""

    def __init__(self):
        self.settings_url = _settings_url()
        self.contexts: dict[int, dict | None | Exception] = {}
        self.renders: dict[tuple[int, str, str], Rendered | Exception] = {}

    def context(self, delivery: Delivery) -> dict | None:
        if delivery.dispatch_id not in self.contexts:
            try:
                self.contexts[delivery.dispatch_id] = kinds.get(delivery.kind).context(delivery.dispatch.params)
            except DatabaseError:
                raise
            except Exception as exc:  # a bug in one kind must not stop the batch
                logger.exception("notification context failed for %s", delivery.key)
                self.contexts[delivery.dispatch_id] = exc
        found = self.contexts[delivery.dispatch_id]
        if isinstance(found, Exception):
            raise found
        return found

    def render(self, delivery: Delivery, shared: dict, language: str, transport: Transport) -> Rendered:
        key = (delivery.dispatch_id, transport.channel, language)
        if key not in self.renders:
            try:
                self.renders[key] = render_message(
                    kinds.get(delivery.kind).template,
                    {**shared, "recipient_name": NAME_SLOT, "channel": transport.channel,
                     "site_url": settings.SITE_URL, "settings_url": self.settings_url},
                    language=language, html=transport.renders_html,
                )
            except DatabaseError:
                raise
            except Exception as exc:  # a template error stops this message, not the others
                logger.exception("could not render %s (%s)", delivery.key, language)
                self.renders[key] = exc
        found = self.renders[key]
        if isinstance(found, Exception):
            raise found
        return personalise(found, delivery.member.full_name)


def _prepare(transport: Transport, deliveries: list[Delivery], contents: _Contents):
    """Render each message; set aside what is no longer needed or cannot be sent."""
    disabled = set()
    if transport.optional:
        user_ids = {d.member.user_id for d in deliveries if d.member.user_id}
        disabled = set(
            ChannelPreference.objects.filter(user_id__in=user_ids, channel=transport.channel, enabled=False)
            .values_list("user_id", flat=True)
        )
    addresses = {d.pk: transport.address(d.member) for d in deliveries}
    bad = {
        row.address: row for row in
        BadAddress.objects.filter(channel=transport.channel, address__in={a for a in addresses.values() if a})
    }
    messages, skipped, refused, broken = [], [], [], []
    for delivery in deliveries:
        address, member = addresses[delivery.pk], delivery.member
        if member.user_id in disabled:
            skipped.append(_Outcome(delivery, address, "the member turned this channel off"))
            continue
        if not address:
            skipped.append(_Outcome(delivery, "", "no address on this channel"))
            continue
        if address in bad:
            refused.append(_Outcome(delivery, address, f"address refused earlier: {bad[address].error}"))
            continue
        language = member.user.language if member.user_id else settings.LANGUAGE_CODE
        try:
            shared = contents.context(delivery)
            if shared is None:
                skipped.append(_Outcome(delivery, address, "no longer needed"))
                continue
            rendered = contents.render(delivery, shared, language, transport)
        except DatabaseError:
            raise
        except Exception as exc:
            broken.append(_Outcome(delivery, address, f"content error: {exc!r}"))
            continue
        messages.append(Message(
            delivery_id=delivery.pk, kind=delivery.kind, channel=delivery.channel, address=address,
            language=language, user_id=member.user_id, subject=rendered.subject,
            text=rendered.text, html=rendered.html, link=shared.get("link", ""),
            message_id=_message_id(delivery),
        ))
    return messages, skipped, refused, broken


def _outcomes(messages: list[Message], deliveries: dict[int, Delivery], error: str = "") -> list[_Outcome]:
    return [_Outcome(deliveries[m.delivery_id], m.address, error) for m in messages]


def _send_transactional(transport: Transport, messages: list[Message], deliveries: dict[int, Delivery],
                        recorder: _Recorder) -> None:
    try:
        with transaction.atomic():
            transport.send_many(messages)
            recorder.sent(_outcomes(messages, deliveries))
        return
    except (TransportError, DatabaseError):
        logger.warning("batch on %s failed; sending one by one", transport.channel, exc_info=True)
    for message in messages:
        try:
            with transaction.atomic():
                transport.send(message)
                recorder.sent(_outcomes([message], deliveries))
        except TransportError as exc:
            _record_error(recorder, [message], deliveries, exc)
        except DatabaseError as exc:
            recorder.temporary(_outcomes([message], deliveries, f"database error: {exc}"))


def _record_error(recorder: _Recorder, messages: list[Message], deliveries: dict, exc: TransportError) -> None:
    outcomes = _outcomes(messages, deliveries, str(exc))
    if exc.permanent:
        if exc.bad_address:
            _remember_bad_addresses(messages, str(exc), timezone.now())
        recorder.permanent(outcomes)
    else:
        recorder.temporary(outcomes)


def _remember_bad_addresses(messages: list[Message], error: str, now: dt.datetime) -> None:
    # One upsert statement each: no read-then-write race between two workers.
    with connection.cursor() as cursor:
        for message in messages:
            cursor.execute(
                "INSERT INTO notifications_badaddress (channel, address, error, first_seen_at, last_seen_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT ON CONSTRAINT bad_address_once "
                "DO UPDATE SET error = EXCLUDED.error, last_seen_at = EXCLUDED.last_seen_at",
                [message.channel, message.address, error[:2000], now, now],
            )


def _send_one_by_one(transport: Transport, messages: list[Message], deliveries: dict[int, Delivery],
                     recorder: _Recorder) -> None:
    try:
        transport.open()
    except TransportError as exc:
        _record_error(recorder, messages, deliveries, exc)
        return
    try:
        for index, message in enumerate(messages):
            try:
                transport.send(message)
            except TransportError as exc:
                _record_error(recorder, [message], deliveries, exc)
                if exc.unavailable:
                    # The server is gone: the rest of the batch waits for the retry too.
                    _record_error(recorder, messages[index + 1:], deliveries, exc)
                    return
                continue
            # Recorded (and committed) before the next message goes: a crash loses no record.
            recorder.sent(_outcomes([message], deliveries))
    finally:
        transport.close()
