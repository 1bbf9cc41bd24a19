"""The in-app inbox, the delivery ledger, members' channel choices and known bad addresses.

A `Dispatch` is one message named by its subject key ("meeting:12:reminder:4320@…"); its
`Delivery` rows, one per member and channel, are the ledger (and the outbox the sweep
relays to the broker): the unique constraint makes a second row impossible, a worker holds
a row under a lease before it sends, and the ledger names the rows that may have reached
the member twice (`uncertain`).
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dispatch(models.Model):
    """One message to a set of members; the higher floor names it and says who receives it."""

    key = models.CharField(_("subject"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the delivery rows exist; a dispatch left without it lost its fan-out task.
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(fanned_out_at__isnull=True), name="dispatch_waiting_idx"),
        ]

    def __str__(self):
        return self.key


class Delivery(models.Model):
    """One message to one member on one channel: the ledger row.

    The table is partitioned by `year` (notifications migration 0006, common.partitions):
    one partition a year, a DEFAULT one for any other, old years detachable (with their
    attempts).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will retry)")
        PERMANENT_FAILURE = "permanent_failure", _("Failed for good")
        SKIPPED = "skipped", _("No longer needed")

    FINAL_STATUSES = (Status.SENT, Status.PERMANENT_FAILURE, Status.SKIPPED)
    FAILED_STATUSES = (Status.FAILED, Status.PERMANENT_FAILURE)

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(_("subject"), max_length=200)
    kind = models.CharField(_("kind"), max_length=60)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="deliveries",
                               verbose_name=_("member"))
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    address = models.CharField(_("address"), max_length=254, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(default=timezone.now)
    # While FAILED: when the next attempt is due; empty once the attempts are used up.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The lease of the claim: while "sending", the row belongs to the claim named by
    # `claim_token` until `lease_until`; past it, anyone may take the row back, and a
    # result recorded under an older token is refused (a frozen worker cannot overwrite it).
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    # Committed just before this one message is handed to the transport: a claim taken back
    # with it set may have reached the member (a second try may make a second copy).
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    # Attempts whose outcome is unknown (the worker stopped after the hand-over, or the
    # server did not answer after the message was written): above 0 and sent, the member
    # may have two copies, with the same Message-ID.
    uncertain = models.PositiveSmallIntegerField(_("uncertain attempts"), default=0, db_default=0)
    # When the officers (or the member) were told that this message could not be delivered.
    told_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The partition key: the local year its dispatch was created in (`dispatch_year`, written
    # by the fan-out), so one subject key (Dispatch.key is unique) always lands in one year and
    # the unique constraint below, which must include the year, still allows one row per member
    # and channel. In the database the primary key is (id, year); Django keeps `id` as the
    # primary key, still unique because every id comes from the one sequence.
    year = models.SmallIntegerField(_("year"), editable=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "member", "kind", "channel", "year"],
                                    name="delivery_once_per_member_channel"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "permanent_failure", "skipped"]),
                name="delivery_known_status",
            ),
        ]
        indexes = [
            models.Index(fields=["enqueued_at"], condition=Q(status="pending"), name="delivery_pending_idx"),
            models.Index(fields=["next_attempt_at"], condition=Q(status="failed"), name="delivery_retry_idx"),
            models.Index(fields=["lease_until"], condition=Q(status="sending"), name="delivery_lease_idx"),
            models.Index(fields=["dispatch", "member"], condition=Q(status__in=["failed", "permanent_failure"],
                                                                   told_at__isnull=True),
                         name="delivery_untold_idx"),
            models.Index(fields=["member", "-created_at"], name="delivery_member_idx"),
        ]

    def __str__(self):
        return f"{self.key} → {self.member_id} ({self.channel})"


def dispatch_year(dispatch: Dispatch) -> int:
    """The partition of a dispatch's deliveries; the fan-out's SQL twin is DISPATCH_YEAR_SQL."""
    return timezone.localtime(dispatch.created_at).year


# Over a dispatch `d`, in the project's time zone (Django's sessions are in UTC).
DISPATCH_YEAR_SQL = f"extract(year FROM d.created_at AT TIME ZONE '{settings.TIME_ZONE}')::smallint"


class DeliveryAttempt(models.Model):
    """Every try, with its error: the ledger's history, partitioned by its delivery's year.

    The database holds the foreign key as (delivery_id, year) → delivery (id, year) ON DELETE
    CASCADE (migration 0006): a partitioned table has no key on `id` alone to point at. The
    ledger writes the year with the row (notifications.services.delivery).
    """

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log",
                                 db_constraint=False)
    year = models.SmallIntegerField(_("year"), editable=False)
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    ok = models.BooleanField(_("delivered"))
    permanent = models.BooleanField(_("permanent failure"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number", "id"]
        indexes = [models.Index(fields=["delivery", "number"], name="attempt_delivery_idx")]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}: {'ok' if self.ok else self.error[:60]}"


class Heartbeat(models.Model):
    """When a periodic job last ran to its end (the scan's heartbeat, shown on /healthz)."""

    name = models.CharField(max_length=60, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """A message in a user's in-app inbox."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="notifications")
    # The ledger row that produced it: one notification per delivery, whatever happens. No
    # database constraint: the ledger is partitioned (no key on its `id` alone to point at),
    # and an old year is detached without the inbox.
    delivery = models.OneToOneField(Delivery, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="notification", db_constraint=False)
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ChannelPreference(models.Model):
    """A user's choice for one optional channel; no row means the channel's default
    (`Transport.default_on`: email on, SMS off)."""

    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="channel_preferences")
    channel = models.CharField(_("channel"), max_length=20)
    enabled = models.BooleanField(_("on"), default=True)
    # On for the kinds registered as reminders only (kinds.Kind.reminder), not other notices.
    reminders_only = models.BooleanField(_("only reminders"), default=False, db_default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="preference_one_per_channel")]

    def __str__(self):
        return f"{self.user_id} {self.channel}: {'on' if self.enabled else 'off'}"


class BadAddress(models.Model):
    """An address a transport refused for good: nothing more is sent to it until cleared."""

    channel = models.CharField(_("channel"), max_length=20)
    address = models.CharField(_("address"), max_length=254)
    error = models.TextField(_("error"), blank=True)
    first_seen_at = models.DateTimeField(_("first refused"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last refused"), default=timezone.now)

    class Meta:
        verbose_name = _("bad address")
        verbose_name_plural = _("bad addresses")
        constraints = [models.UniqueConstraint(fields=["channel", "address"], name="bad_address_once")]

    def __str__(self):
        return f"{self.channel}: {self.address}"


# The keys are the browser's secrets for this subscription: not copied into every event.
@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent(), exclude=["p256dh", "auth"])
class PushSubscription(models.Model):
    """One browser (an installed app on a phone, a desktop browser) that accepts web push for
    a user: what `PushManager.subscribe()` gave it. The push service's endpoint names the
    browser; a 404 or 410 from it ends the subscription (the row is deleted)."""

    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    # The browser's P-256 public key and auth secret (base64url), for the payload's encryption.
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    device = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("turned on at"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id}: {self.device or self.endpoint[:60]}"


class ChannelCredential(models.Model):
    """The OAuth token pair a channel sends with (Zalo OA), renewed before it expires.

    The environment seeds the row once; from then on the row is the truth, because Zalo's
    refresh token is single-use and rotates at every renewal
    (notifications.services.zalo_token). Not tracked by pghistory: the tokens are secrets."""

    channel = models.CharField(_("channel"), max_length=20, unique=True)
    access_token = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    # Unknown (null) for a token copied from the environment: the next check renews it.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    renewed_at = models.DateTimeField(_("renewed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failed_at = models.DateTimeField(_("last failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel credential")
        verbose_name_plural = _("channel credentials")

    def __str__(self):
        return self.channel
