"""Writes of web push subscriptions: a member turns push on or off in a browser; the push
transport forgets the subscriptions a push service says have ended."""

import base64
import binascii
import fnmatch
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from members.models import User
from notifications.models import ChannelPreference, PushSubscription

MOST_ENDPOINT = PushSubscription._meta.get_field("endpoint").max_length


def _b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def push_service_allowed(endpoint: str) -> bool:
    """Is the endpoint on a push service we post to (`HANDBOOK_PUSH_SERVICES`)? The server
    sends to this address, so a member cannot make it post anywhere else."""
    parts = urlsplit(endpoint)
    if not parts.hostname or parts.username or parts.password:
        return False
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return any(fnmatch.fnmatchcase(origin, allowed.lower()) for allowed in settings.HANDBOOK_PUSH_SERVICES)


def _cleaned(endpoint: str, p256dh: str, auth: str) -> tuple[str, str, str]:
    endpoint, p256dh, auth = (str(value or "").strip() for value in (endpoint, p256dh, auth))
    if not endpoint or len(endpoint) > MOST_ENDPOINT or not push_service_allowed(endpoint):
        raise ValidationError(_("This browser's push service is not supported."))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url(p256dh))
        if len(_b64url(auth)) != 16:
            raise ValueError("auth secret")
    except (ValueError, binascii.Error) as exc:
        raise ValidationError(_("The browser sent keys that cannot be used.")) from exc
    return endpoint, p256dh, auth


def device_label(user_agent: str) -> str:
    """A short name for the member's list of browsers: "Chrome · Android"."""
    ua = user_agent or ""
    browser = next((name for pattern, name in (
        (r"EdgA?/", "Edge"), (r"SamsungBrowser/", "Samsung Internet"), (r"OPR/|Opera", "Opera"),
        (r"Firefox/|FxiOS/", "Firefox"), (r"CriOS/|Chrome/|Chromium/", "Chrome"), (r"Safari/", "Safari"),
    ) if re.search(pattern, ua)), "")
    system = next((name for pattern, name in (
        (r"Android", "Android"), (r"iPhone|iPad|iPod", "iOS"), (r"Windows", "Windows"),
        (r"Mac OS X|Macintosh", "macOS"), (r"CrOS", "ChromeOS"), (r"Linux", "Linux"),
    ) if re.search(pattern, ua)), "")
    return " · ".join(part for part in (browser, system) if part)[:100]


@transaction.atomic
def push_subscription_save(*, user: User, endpoint: str, p256dh: str, auth: str,
                           user_agent: str = "") -> PushSubscription:
    """Turn push on in this browser for `user`, and the push channel on for them.

    The endpoint names the browser: one that was subscribed for someone else (a phone
    passed on, or shared) now pushes to `user` only. Subscribing is the member's choice of
    the channel, so a push turned off earlier in the settings is turned on again (their
    "only reminders" stays as it was).
    """
    endpoint, p256dh, auth = _cleaned(endpoint, p256dh, auth)
    with connection.cursor() as cursor:
        # Two subscribes of one new endpoint at once (a double tap) take turns: the second finds
        # the first's row instead of breaking the unique endpoint. Transaction-level: pooler-safe.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('push:' || %s))", [endpoint])
    with audit_context(user):
        existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if existing and (existing.user_id, existing.p256dh, existing.auth) != (user.pk, p256dh, auth):
            existing.delete()  # recorded as ended, then subscribed anew, with its new owner
            existing = None
        subscription = existing or PushSubscription.objects.create(
            user=user, endpoint=endpoint, p256dh=p256dh, auth=auth, device=device_label(user_agent),
        )
        ChannelPreference.objects.update_or_create(user=user, channel="push", defaults={"enabled": True})
    return subscription


@transaction.atomic
def push_subscription_delete(*, user: User, subscription: PushSubscription) -> None:
    """Turn push off in one browser (the caller found it through the owner's selector)."""
    with audit_context(user):
        PushSubscription.objects.filter(pk=subscription.pk, user_id=user.pk).delete()


def push_subscriptions_gone(*, subscription_ids: list[int]) -> None:
    """A push service answered 404 or 410: those browsers' subscriptions have ended."""
    if subscription_ids:
        PushSubscription.objects.filter(pk__in=subscription_ids).delete()


def push_subscriptions_delivered(*, subscription_ids: list[int]) -> None:
    PushSubscription.objects.filter(pk__in=subscription_ids).update(last_success_at=timezone.now())
