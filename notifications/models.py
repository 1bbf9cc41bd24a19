"""The in-app inbox, the delivery ledger, members' channel choices and known bad addresses.

A `Dispatch` is one message named by its subject key ("meeting:12:reminder:4320@…"); its
`Delivery` rows, one per member and channel, are the ledger: the unique constraint makes a
second copy impossible, and a worker claims a row before it sends.
"""

import uuid

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
    """One message to one member on one channel: the ledger row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will retry)")
        PERMANENT_FAILURE = "permanent_failure", _("Failed for good")
        SKIPPED = "skipped", _("No longer needed")

    FINAL_STATUSES = (Status.SENT, Status.PERMANENT_FAILURE, Status.SKIPPED)

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
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "member", "kind", "channel"], name="delivery_once_per_member_channel"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "permanent_failure", "skipped"]),
                name="delivery_known_status",
            ),
        ]
        indexes = [
            models.Index(fields=["enqueued_at"], condition=Q(status="pending"), name="delivery_pending_idx"),
            models.Index(fields=["next_attempt_at"], condition=Q(status="failed"), name="delivery_retry_idx"),
            models.Index(fields=["id"], condition=Q(status="sending"), name="delivery_sending_idx"),
            models.Index(fields=["member", "-created_at"], name="delivery_member_idx"),
        ]

    def __str__(self):
        return f"{self.key} → {self.member_id} ({self.channel})"


class DeliveryAttempt(models.Model):
    """Every try, with its error: the ledger's history."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
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


class Notification(models.Model):
    """A message in a user's in-app inbox."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="notifications")
    # The ledger row that produced it: one notification per delivery, whatever happens.
    delivery = models.OneToOneField(Delivery, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="notification")
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
    """A user's choice for one optional channel; no row means the channel's default (on)."""

    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="channel_preferences")
    channel = models.CharField(_("channel"), max_length=20)
    enabled = models.BooleanField(_("on"), default=True)
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
