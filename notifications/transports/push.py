"""Web push to the installed app and the browsers where a member turned it on (VAPID).

A member turns push on per browser (*Thông báo đẩy trên máy này*, static/js/pwa.js): the
browser's subscription (`notifications.models.PushSubscription`) names its push service's
endpoint and the keys the payload is encrypted with (aes128gcm, RFC 8291); each request is
signed with the site's VAPID key (RFC 8292, `HANDBOOK_VAPID_*`). Without both keys the
channel is not offered, and a member with no subscribed browser is not a recipient.

The ledger row is per member, the push per browser. One message goes to every browser of
the member, and the delivery succeeds when at least one push service accepted it; the other
browsers' failures are only logged (trying again would push a second copy to the one that
accepted). When none accepted: any "busy" answer (429, 5xx, no connection) makes the whole
delivery temporary, retried after the ledger's backoff or the service's Retry-After,
whichever is longer; otherwise it fails for good (413: too large for every service). A 404
or 410 means that browser's subscription has ended: it is deleted at once, whatever the rest
of the delivery does, and nothing is pushed there again (the endpoint is the address the
service refused for good). No address is blamed on the member's record: their other
channels and a new subscription are untouched.

The payload is a small JSON object the service worker (templates/sw.js) shows as it is:
`{"title", "body", "url", "tag"}`, the text rendered for the member like an SMS (the kind's
`-sms.txt`, else its subject). Each request carries a `Topic` and the notification a `tag`,
both stable per ledger row: a copy pushed again replaces the first, at the push service
while undelivered and on the phone once shown.
"""

import email.utils
import hashlib
import json
import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from py_vapid import Vapid

from notifications import kinds
from notifications.models import PushSubscription
from notifications.services.push import push_subscriptions_delivered, push_subscriptions_gone
from notifications.transports.base import Message, Transport, TransportError

logger = logging.getLogger(__name__)

# How long a push service keeps a message for a phone that is off (seconds).
TTL = 24 * 3600
# Payload limits: a push service accepts at least 4 KB once encrypted.
MOST_TITLE = 120
MOST_BODY = 600
# A Retry-After longer than this is read as this (an hour): the ledger gives up on its own clock.
MOST_RETRY_AFTER = 3600

ACCEPTED = "accepted"
GONE = "gone"
BUSY = "busy"
REFUSED = "refused"


@dataclass(frozen=True)
class Answer:
    subscription_id: int
    outcome: str
    detail: str
    retry_after: int = 0
    uncertain: bool = False


def payload(message: Message) -> str:
    """What the service worker shows: small (well under 3 KB), the server's own words."""
    title = message.subject[:MOST_TITLE]
    body = "" if message.text.strip() == message.subject.strip() else message.text.strip()[:MOST_BODY]
    return json.dumps({
        "title": title, "body": body, "url": message.link or settings.SITE_URL + "/inbox/",
        "tag": topic(message),
    }, ensure_ascii=False, separators=(",", ":"))


def topic(message: Message) -> str:
    """Stable per ledger row and site; 32 characters of the URL-safe alphabet (RFC 8030)."""
    return hashlib.sha256(message.message_id.encode()).hexdigest()[:32]


def _retry_after(response) -> int:
    value = (response.headers.get("Retry-After") or "").strip() if response is not None else ""
    if not value:
        return 0
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            seconds = int((email.utils.parsedate_to_datetime(value) - timezone.now()).total_seconds())
        except (TypeError, ValueError):
            return 0
    return max(0, min(seconds, MOST_RETRY_AFTER))


def classify(status: int, response=None) -> tuple[str, int]:
    """A push service's HTTP answer: (outcome, seconds to wait)."""
    if 200 <= status < 300:
        return ACCEPTED, 0
    if status in (404, 410):
        return GONE, 0
    if status == 429 or status >= 500:
        return BUSY, _retry_after(response)
    return REFUSED, 0  # 400, 403 (VAPID refused), 413 (too large): trying again cannot help


class PushTransport(Transport):
    channel = "push"
    label = _("Push notification on your phone or computer")
    short_text = True

    def __init__(self):
        self.session = None
        self.vapid = None

    @classmethod
    def configured(cls) -> bool:
        return bool(settings.HANDBOOK_VAPID_PUBLIC_KEY and settings.HANDBOOK_VAPID_PRIVATE_KEY)

    def recipients(self, members: QuerySet) -> QuerySet:
        return members.filter(Exists(PushSubscription.objects.filter(user_id=OuterRef("user_id"))))

    def address(self, member) -> str:
        """The member's browsers, named by their account ("" with none)."""
        if not member.user_id or not PushSubscription.objects.filter(user_id=member.user_id).exists():
            return ""
        return f"user:{member.user_id}"

    def shown(self, address: str) -> str:
        if address:
            return _("On the phones and computers where you turned it on (below).")
        return _("Turn it on below on this phone or computer first.")

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def send(self, message: Message) -> None:
        subscriptions = list(PushSubscription.objects.filter(user_id=message.user_id).order_by("pk"))
        if not subscriptions:
            raise TransportError("push: no browser is subscribed any more", permanent=True, bad_address=False)
        if self.session is None:
            self.session = requests.Session()
            self.vapid = Vapid.from_string(settings.HANDBOOK_VAPID_PRIVATE_KEY)
        data = payload(message)
        headers = {"Topic": topic(message), "Urgency": "high" if kinds.is_reminder(message.kind) else "normal"}
        answers = [self._push(subscription, data, headers) for subscription in subscriptions]
        push_subscriptions_gone(subscription_ids=[a.subscription_id for a in answers if a.outcome == GONE])
        accepted = [a.subscription_id for a in answers if a.outcome == ACCEPTED]
        summary = "; ".join(f"#{a.subscription_id} {a.detail}" for a in answers)
        if accepted:
            push_subscriptions_delivered(subscription_ids=accepted)
            if len(accepted) < len(answers):
                logger.info("push %s reached %d of %d browsers: %s", message.delivery_id, len(accepted),
                            len(answers), summary)
            return
        busy = [a for a in answers if a.outcome == BUSY]
        if busy:
            raise TransportError(f"push: {summary}", permanent=False, retry_after=max(a.retry_after for a in busy),
                                 uncertain=any(a.uncertain for a in busy))
        raise TransportError(f"push: {summary}", permanent=True, bad_address=False)

    def _push(self, subscription, data: str, headers: dict) -> Answer:
        # Imported here: pywebpush loads aiohttp (most of a second), which only a pushing worker needs.
        from pywebpush import WebPushException, webpush

        info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
        try:
            response = webpush(
                info, data=data, vapid_private_key=self.vapid, vapid_claims={"sub": settings.HANDBOOK_VAPID_SUBJECT},
                ttl=TTL, headers=headers, timeout=settings.HANDBOOK_PUSH_TIMEOUT, requests_session=self.session,
            )
        except ValueError as exc:  # the subscription's keys cannot be used: they never will
            return Answer(subscription.pk, GONE, f"unusable keys: {exc}"[:200])
        except WebPushException as exc:
            if exc.response is None:
                return Answer(subscription.pk, GONE, f"unusable subscription: {exc.message}"[:200])
            status = exc.response.status_code
            outcome, wait = classify(status, exc.response)
            return Answer(subscription.pk, outcome, f"HTTP {status}", retry_after=wait)
        except requests.exceptions.ReadTimeout:
            # Written but not answered: it may have arrived (the Topic and the tag keep a
            # second copy from showing twice).
            return Answer(subscription.pk, BUSY, "no answer", uncertain=True)
        except requests.exceptions.RequestException as exc:
            return Answer(subscription.pk, BUSY, f"unreachable: {type(exc).__name__}")
        return Answer(subscription.pk, ACCEPTED, f"HTTP {response.status_code}")
