"""Delivering ledger rows: claim a small window, hand over one message at a time, record.

A claim is a committed conditional UPDATE (`FOR UPDATE SKIP LOCKED`) that gives a few rows
a lease: status "sending", a fresh claim token and `lease_until`. Nothing else holds them:
past the lease, the sweep enqueues them again and any worker may take them back, whatever
happened to the first one (killed, frozen, cut off from the database). Every later write of
the claim names its token, so a worker that wakes up after its lease was taken over records
nothing over the newer claim.

The in-app channel writes the inbox row in the same transaction as "sent": exactly once.
Email cannot share a transaction with an SMTP server (RFC 1047). Just before each message
goes to the server, its hand-over is committed (durably): the attempt is counted and the
row remembers it was handed over. A claim taken back from a row handed over, or a server
that did not answer after the message was written, is an *uncertain* attempt: the member
may have a copy, and the next one carries the same Message-ID. So the ledger names every
member who may have two copies (`uncertain > 0` and sent); a row never handed over was
never tried and costs no attempt.

A temporary failure is retried with capped backoff for as long as the message makes sense
(the kind's context says when it no longer does: the meeting started, say), at most
NOTIFICATIONS_GIVE_UP_HOURS. A message that keeps failing or whose outcome was uncertain is
retried in a task of its own, so it never holds up the others.
"""

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from notifications.models import BadAddress, ChannelPreference, Delivery
from notifications.rendering import NAME_SLOT, Rendered, personalise, render_message
from notifications.transports import Message, Transport, TransportError, transports

logger = logging.getLogger(__name__)

# Rows claimed at once: a lease covers only what the worker is about to send.
_CLAIM_SQL = """
WITH candidate AS (
    SELECT id, status, handed_over_at FROM notifications_delivery
     WHERE id = ANY(%(ids)s)
       AND (status = 'pending'
            OR (status = 'failed' AND next_attempt_at <= %(now)s)
            OR (status = 'sending' AND lease_until < %(now)s))
     ORDER BY attempts, id
     LIMIT %(window)s
       FOR UPDATE SKIP LOCKED
)
UPDATE notifications_delivery AS d
   SET status = 'sending', claim_token = %(token)s, lease_until = %(until)s, claimed_at = %(now)s,
       updated_at = %(now)s, handed_over_at = NULL,
       uncertain = d.uncertain + CASE WHEN c.status = 'sending' AND c.handed_over_at IS NOT NULL THEN 1 ELSE 0 END
  FROM candidate AS c
 WHERE d.id = c.id
RETURNING d.id, c.status, c.handed_over_at IS NOT NULL, d.attempts
"""

# The hand-over of one message, which also renews the lease of the rest of the claim.
_HAND_OVER_SQL = """
UPDATE notifications_delivery
   SET lease_until = %(until)s, updated_at = %(now)s,
       handed_over_at = CASE WHEN id = %(id)s THEN %(now)s ELSE handed_over_at END,
       attempts = CASE WHEN id = %(id)s THEN attempts + 1 ELSE attempts END
 WHERE id = ANY(%(ids)s) AND claim_token = %(token)s AND status = 'sending'
RETURNING id
"""

# Close the claimed rows and write one attempt row each, in one statement; a row no longer
# held by this claim (its lease was taken over) is left alone.
_RECORD_SQL = """
WITH done AS (
    UPDATE notifications_delivery AS d
       SET status = %(status)s, address = v.address, last_error = v.error, next_attempt_at = v.next_at,
           sent_at = CASE WHEN %(ok)s THEN %(now)s ELSE d.sent_at END, updated_at = %(now)s,
           enqueued_at = CASE WHEN v.next_at IS NULL THEN d.enqueued_at ELSE %(now)s END,
           attempts = d.attempts + %(charge)s, uncertain = d.uncertain + v.uncertain,
           claim_token = NULL, lease_until = NULL
      FROM unnest(%(ids)s::bigint[], %(addresses)s::text[], %(errors)s::text[], %(next)s::timestamptz[],
                  %(uncertain)s::int[])
           AS v(id, address, error, next_at, uncertain)
     WHERE d.id = v.id AND d.status = 'sending' AND d.claim_token = %(token)s
 RETURNING d.id, d.year, d.attempts, v.error
)
INSERT INTO notifications_deliveryattempt (delivery_id, year, number, at, ok, permanent, error)
SELECT id, year, attempts, %(now)s, %(ok)s, %(permanent)s, error FROM done
RETURNING delivery_id
"""

# What the claim did not get to (a time limit, an error): back to waiting, for anyone.
_RELEASE_SQL = """
UPDATE notifications_delivery
   SET status = 'pending', claim_token = NULL, lease_until = NULL, updated_at = %(now)s
 WHERE id = ANY(%(ids)s) AND claim_token = %(token)s AND status = 'sending' AND handed_over_at IS NULL
"""


def _longest_countdown() -> int:
    """Well below the broker's visibility timeout (a countdown longer than it would be
    delivered twice)."""
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    visibility = (settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("visibility_timeout")
    if visibility:
        cap = min(cap, max(1, int(visibility) // 4))
    return cap


def retry_delay(attempt: int) -> int:
    """Seconds before attempt `attempt + 1`: doubling, capped (`_longest_countdown`)."""
    return int(min(settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** max(0, attempt - 1), _longest_countdown()))


def _lease_until(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


@dataclass
class _Outcome:
    delivery: Delivery
    address: str = ""
    error: str = ""
    uncertain: bool = False
    retry_after: int = 0  # seconds the server asked us to wait before the next attempt


@dataclass
class DeliveryRun:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    permanent: int = 0
    # countdown (seconds) -> delivery ids to try again then, together
    retries: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # (countdown, delivery id): a message that keeps failing goes again in a task of its own
    alone: list[tuple[int, int]] = field(default_factory=list)


class _Claim:
    """One window of rows held under one token; every write names the token."""

    def __init__(self, run: DeliveryRun, token: uuid.UUID, ids: list[int]):
        self.run, self.token, self.ids = run, token, ids
        self.closed: set[int] = set()  # rows whose result this claim recorded

    def hand_over(self, delivery_id: int) -> bool:
        """Commit, durably, that this message goes now; False if the claim was lost."""
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO on")
            cursor.execute(_HAND_OVER_SQL, {"id": delivery_id, "ids": self.ids, "token": self.token, "now": now,
                                            "until": _lease_until(now)})
            held = {row[0] for row in cursor.fetchall()}
        return delivery_id in held

    def release(self) -> None:
        if self.closed.issuperset(self.ids):
            return  # every row has its result: nothing to give back
        with connection.cursor() as cursor:
            cursor.execute(_RELEASE_SQL, {"ids": self.ids, "token": self.token, "now": timezone.now()})

    def _write(self, outcomes: list[_Outcome], *, status: str, ok: bool, permanent: bool, charge: int = 0,
               next_at: list[dt.datetime | None] | None = None) -> set[int]:
        if not outcomes:
            return set()
        params = {
            "status": status, "ok": ok, "permanent": permanent, "now": timezone.now(), "token": self.token,
            "charge": charge, "ids": [o.delivery.pk for o in outcomes],
            "addresses": [o.address for o in outcomes],
            "errors": [o.error[:2000] for o in outcomes],
            "next": next_at or [None] * len(outcomes),
            "uncertain": [int(o.uncertain) for o in outcomes],
        }
        try:
            done = _execute_record(params)
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise
            # The session was cut (a restart, a terminated backend) after the message went:
            # record it on a new one while the lease still holds, rather than leave a row
            # that would be taken back as uncertain and sent twice.
            connection.close()
            done = _execute_record(params)
        self.closed |= {o.delivery.pk for o in outcomes}  # recorded, or taken over by a newer claim
        return done

    def record_sent(self, outcomes: list[_Outcome], *, charge: int = 0) -> set[int]:
        """Write "sent" (the caller counts it once its transaction commits)."""
        return self._write(outcomes, status=Delivery.Status.SENT, ok=True, permanent=False, charge=charge)

    def sent(self, outcomes: list[_Outcome]) -> None:
        self.run.sent += len(self.record_sent(outcomes))

    def skipped(self, outcomes: list[_Outcome]) -> None:
        self.run.skipped += len(self._write(outcomes, status=Delivery.Status.SKIPPED, ok=False, permanent=False))

    def permanent(self, outcomes: list[_Outcome]) -> None:
        self.run.permanent += len(self._write(outcomes, status=Delivery.Status.PERMANENT_FAILURE, ok=False,
                                              permanent=True))

    def temporary(self, outcomes: list[_Outcome], *, tried: bool = True) -> None:
        """Failed for now: again after a capped backoff, until the message is too old."""
        next_at, now = [], timezone.now()
        give_up = dt.timedelta(hours=settings.NOTIFICATIONS_GIVE_UP_HOURS)
        for outcome in outcomes:
            delivery = outcome.delivery
            uncertain = delivery.uncertain + int(outcome.uncertain)
            if now - delivery.created_at > give_up or uncertain >= settings.NOTIFICATIONS_MAX_UNCERTAIN:
                # Given up: stays "failed" for an officer to look at. A message whose outcome
                # was unknown that often most likely arrived: not tried again.
                next_at.append(None)
                continue
            failures = delivery.attempts + 1  # its failures so far, this one included
            # A server's Retry-After may be longer than a task's countdown can be (the
            # broker's visibility timeout): the task then finds the row not yet due, and the
            # sweep sends it again once it is.
            wait = max(retry_delay(failures), outcome.retry_after)
            delay = min(wait, _longest_countdown())
            next_at.append(now + dt.timedelta(seconds=wait))
            if outcome.uncertain or delivery.uncertain or (tried and failures >= 2):
                self.run.alone.append((delay, delivery.pk))
            else:
                self.run.retries[delay].append(delivery.pk)
        # A message never handed to the transport (the server was down before its turn) is
        # not charged an attempt: only what was tried counts.
        self.run.failed += len(self._write(outcomes, status=Delivery.Status.FAILED, ok=False, permanent=False,
                                           next_at=next_at))

    def gave_up(self, outcomes: list[_Outcome]) -> None:
        """Failed before and no longer needed: not sent, for the officers to see."""
        self.run.failed += len(self._write(outcomes, status=Delivery.Status.FAILED, ok=False, permanent=False))


def _execute_record(params: dict) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(_RECORD_SQL, params)
        return {row[0] for row in cursor.fetchall()}


def _claim(delivery_ids: list[int], now: dt.datetime, token: uuid.UUID, window: int | None = None
           ) -> list[tuple[int, str, bool, int]]:
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, {"ids": list(delivery_ids), "now": now, "token": token,
                                    "until": _lease_until(now),
                                    "window": window or settings.NOTIFICATIONS_CLAIM_WINDOW})
        return cursor.fetchall()


def _record_interrupted(claimed: list[tuple[int, str, bool, int]], now: dt.datetime) -> None:
    """A row taken back after its hand-over: the earlier attempt may have reached the member."""
    rows = [(pk, attempts) for pk, previous, handed_over, attempts in claimed
            if previous == Delivery.Status.SENDING and handed_over]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO notifications_deliveryattempt (delivery_id, year, number, at, ok, permanent, error) "
            "SELECT id, year, %s, %s, false, false, %s FROM notifications_delivery WHERE id = %s",
            [(number, now, "interrupted after the hand-over: this attempt may have been delivered", pk)
             for pk, number in rows],
        )


def _message_id(delivery: Delivery) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<delivery.{delivery.pk}.{delivery.channel}@{host}>"


def _settings_url() -> str:
    return settings.SITE_URL + reverse("notification_settings")


def deliveries_send(*, delivery_ids: list[int], now: dt.datetime | None = None) -> DeliveryRun:
    """Send the given ledger rows that are due and not held by a live claim, a small window
    at a time (each window under its own lease)."""
    run = DeliveryRun()
    remaining = list(dict.fromkeys(delivery_ids))
    contents = _Contents()
    configured = {t.channel: t for t in transports()}
    with connection.cursor() as cursor:
        # Results are committed without waiting for the disk: a record lost to a database
        # crash leaves the row "sending" with its hand-over, taken back later as uncertain.
        # The hand-over itself is committed durably (_Claim.hand_over).
        cursor.execute("SET synchronous_commit TO off")
    try:
        while remaining:
            token = uuid.uuid4()
            claimed = _claim(remaining, now or timezone.now(), token)
            if not claimed:
                break
            ids = [row[0] for row in claimed]
            taken = set(ids)
            remaining = [pk for pk in remaining if pk not in taken]
            claim = _Claim(run, token, ids)
            try:
                _record_interrupted(claimed, now or timezone.now())
                _send_window(claim, configured, contents)
            finally:
                try:
                    claim.release()
                except DatabaseError:
                    logger.warning("could not release claim %s; its lease expires", token, exc_info=True)
    finally:
        for transport in configured.values():  # one connection per task, not per window
            transport.close()
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            logger.warning("could not reset synchronous_commit", exc_info=True)
    return run


def _send_window(claim: _Claim, configured: dict[str, Transport], contents: "_Contents") -> None:
    deliveries = list(
        Delivery.objects.filter(pk__in=claim.ids, claim_token=claim.token)
        .select_related("member__user", "dispatch").order_by("attempts", "pk")
    )
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_channel[delivery.channel].append(delivery)
    for channel, group in by_channel.items():
        transport = configured.get(channel)
        if transport is None:
            claim.permanent([_Outcome(d, error=f"no transport for channel {channel!r}") for d in group])
            continue
        _send_channel(transport, group, contents, claim)


def _send_channel(transport: Transport, deliveries: list[Delivery], contents: "_Contents", claim: _Claim) -> None:
    messages, skipped, refused, broken = _prepare(transport, deliveries, contents)
    # No longer needed: fine if never tried; a message that failed before was not delivered.
    claim.skipped([o for o in skipped if not o.delivery.attempts])
    claim.gave_up([_Outcome(o.delivery, o.address, f"{o.error} after {o.delivery.attempts} failed attempts")
                   for o in skipped if o.delivery.attempts])
    claim.permanent(refused + broken)
    if not messages:
        return
    by_id = {d.pk: d for d in deliveries}
    if transport.transactional:
        _send_transactional(transport, messages, by_id, claim)
    else:
        _send_one_by_one(transport, messages, by_id, claim)


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
            except (DatabaseError, SoftTimeLimitExceeded):
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
                    language=language, html=transport.renders_html, short=transport.short_text,
                )
            except (DatabaseError, SoftTimeLimitExceeded):
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
    disabled: set[tuple[int | None, str]] = set()  # (user, kind) not wanted on this channel
    if transport.optional:
        user_ids = {d.member.user_id for d in deliveries if d.member.user_id}
        chosen = {
            user_id: (enabled, reminders_only) for user_id, enabled, reminders_only in
            ChannelPreference.objects.filter(user_id__in=user_ids, channel=transport.channel)
            .values_list("user_id", "enabled", "reminders_only")
        }
        # No choice is the channel's default; a member without an account has no choice.
        here = {d.kind for d in deliveries}
        for user_id in {*user_ids, None}:
            enabled, reminders_only = chosen.get(user_id, (transport.default_on, False))
            disabled |= {(user_id, kind) for kind in here
                         if not enabled or (reminders_only and not kinds.is_reminder(kind))}
    addresses = {d.pk: transport.address(d.member) for d in deliveries}
    bad = {
        row.address: row for row in
        BadAddress.objects.filter(channel=transport.channel, address__in={a for a in addresses.values() if a})
    }
    messages, skipped, refused, broken = [], [], [], []
    for delivery in deliveries:
        address, member = addresses[delivery.pk], delivery.member
        if (member.user_id, delivery.kind) in disabled:
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
        except (DatabaseError, SoftTimeLimitExceeded):
            raise
        except Exception as exc:
            broken.append(_Outcome(delivery, address, f"content error: {exc!r}"))
            continue
        messages.append(Message(
            delivery_id=delivery.pk, kind=delivery.kind, channel=delivery.channel, address=address,
            language=language, user_id=member.user_id, subject=rendered.subject,
            text=rendered.text, html=rendered.html, link=shared.get("link", ""),
            message_id=_message_id(delivery), recipient_name=member.full_name,
        ))
    return messages, skipped, refused, broken


def _outcomes(messages: list[Message], deliveries: dict[int, Delivery], error: str = "") -> list[_Outcome]:
    return [_Outcome(deliveries[m.delivery_id], m.address, error) for m in messages]


def _send_transactional(transport: Transport, messages: list[Message], deliveries: dict[int, Delivery],
                        claim: _Claim) -> None:
    """The message and its "sent" in one transaction: only rows this claim still holds."""
    try:
        with transaction.atomic():
            held = claim.record_sent(_outcomes(messages, deliveries), charge=1)
            transport.send_many([m for m in messages if m.delivery_id in held])
        claim.run.sent += len(held)
        return
    except (TransportError, DatabaseError):
        logger.warning("batch on %s failed; sending one by one", transport.channel, exc_info=True)
    for message in messages:
        try:
            with transaction.atomic():
                held = claim.record_sent(_outcomes([message], deliveries), charge=1)
                if held:
                    transport.send(message)
            claim.run.sent += len(held)
        except TransportError as exc:
            _record_error(claim, [message], deliveries, exc)
        except DatabaseError as exc:
            claim.temporary(_outcomes([message], deliveries, f"database error: {exc}"))


def _record_error(claim: _Claim, messages: list[Message], deliveries: dict, exc: TransportError, *,
                  tried: bool = True) -> None:
    outcomes = _outcomes(messages, deliveries, str(exc))
    if exc.permanent:
        if exc.bad_address:
            _remember_bad_addresses(messages, deliveries, str(exc), timezone.now())
        claim.permanent(outcomes)
    else:
        for outcome in outcomes:
            outcome.uncertain = exc.uncertain
            outcome.retry_after = exc.retry_after
        claim.temporary(outcomes, tried=tried)


def _remember_bad_addresses(messages: list[Message], deliveries: dict, error: str, now: dt.datetime) -> None:
    from notifications.undelivered import tell_member_address_refused

    # One upsert statement each: no read-then-write race between two workers.
    with connection.cursor() as cursor:
        for message in messages:
            cursor.execute(
                "INSERT INTO notifications_badaddress (channel, address, error, first_seen_at, last_seen_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT ON CONSTRAINT bad_address_once "
                "DO UPDATE SET error = EXCLUDED.error, last_seen_at = EXCLUDED.last_seen_at",
                [message.channel, message.address, error[:2000], now, now],
            )
    for message in messages:
        tell_member_address_refused(member_id=deliveries[message.delivery_id].member_id, channel=message.channel,
                                    address=message.address, now=now)


def _send_one_by_one(transport: Transport, messages: list[Message], deliveries: dict[int, Delivery],
                     claim: _Claim) -> None:
    """One message at a time, each handed over (committed) just before it is sent."""
    for index, message in enumerate(messages):
        if not claim.hand_over(message.delivery_id):
            continue  # the lease was taken over: the newer claim sends it
        try:
            transport.send(message)
        except TransportError as exc:
            _record_error(claim, [message], deliveries, exc)
            if exc.unavailable:
                # The server is gone: the rest of the window waits too, charged nothing.
                _record_error(claim, messages[index + 1:], deliveries, exc, tried=False)
                break
            continue
        # Recorded before the next message goes: a crash loses at most this one record.
        claim.sent(_outcomes([message], deliveries))
