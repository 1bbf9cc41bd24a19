"""Writes to a user's inbox: mark as read, one or all."""

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> bool:
    """Mark one of the user's own notifications read; False if it already was."""
    if notification.user_id != user.pk:
        raise PermissionError("a user marks only their own notifications")
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return bool(changed)


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
