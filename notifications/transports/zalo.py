"""Zalo Official Account template messages (ZNS) over Zalo's HTTP API.

One POST per message to `HANDBOOK_ZALO_URL` with the OA's `access_token` header and a JSON
body: the phone number (84…), the `template_id` Zalo approved for the message's kind
(`HANDBOOK_ZALO_TEMPLATES`, kind=id), `template_data` and a `tracking_id` stable per ledger
row. A ZNS template is registered with Zalo with these parameters: `name` (the recipient),
`subject`, `content` (the short text an SMS would carry) and `link`. A kind without an
approved template is not sent on this channel (no ledger row), and the channel exists only
when an access token and at least one template are configured.

Zalo answers HTTP 200 with `{"error": 0, "data": {"msg_id": …}}`, or a negative error code,
mapped below (Zalo's ZNS error table): an invalid number, or one without a Zalo account that
may receive ZNS, is a bad address (remembered, not tried again); a template or its data
refused is permanent without blaming the number; limits, quotas, the night-time ban and a
busy server are tried again later. The access token expires (about a day): it is read from
the stored credential and renewed with the refresh token (notifications.services.zalo_token,
every 30 minutes from beat); a token Zalo calls expired or invalid is renewed once at once
and the message tried again. When that fails too, the error is temporary and holds the rest
of the batch, and the operator page shows why the renewal failed.
"""

import hashlib
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members.phone import display, to_e164_or_none
from notifications.services import zalo_token
from notifications.transports.base import Message, Transport, TransportError

logger = logging.getLogger(__name__)

INVALID_NUMBER = "invalid_number"
REJECTED = "rejected"
RATE_LIMITED = "rate_limited"
TEMPORARY = "temporary"
UNAVAILABLE = "unavailable"  # the channel itself cannot send now: the batch waits

ZALO_KINDS = {
    "-108": INVALID_NUMBER,  # the phone number is not valid
    "-118": INVALID_NUMBER,  # no Zalo account for this number, or it is disabled
    "-119": INVALID_NUMBER,  # the account may not receive template messages
    "-139": INVALID_NUMBER,  # the user refused template messages from this OA
    "-109": REJECTED,  # template id not valid
    "-111": REJECTED,  # template data empty
    "-112": REJECTED,  # template data not valid (a parameter missing or too long)
    "-117": REJECTED,  # the OA may not use this template (not approved)
    "-32": RATE_LIMITED,  # too many requests a minute
    "-144": RATE_LIMITED,  # the OA's daily quota is used up
    "-147": RATE_LIMITED,  # the template's daily quota is used up
    "-133": TEMPORARY,  # template messages are not sent at night
    "-100": TEMPORARY,  # unknown error on Zalo's side
    "-115": UNAVAILABLE,  # the OA's balance is too low
    "-124": UNAVAILABLE,  # the access token is not valid (expired)
}
TOKEN_REFUSED = "-124"


class ZaloError(TransportError):
    def __init__(self, message: str, *, kind: str, code: str = ""):
        super().__init__(message, permanent=kind in (INVALID_NUMBER, REJECTED), bad_address=kind == INVALID_NUMBER,
                         unavailable=kind == UNAVAILABLE)
        self.kind = kind
        self.code = code  # Zalo's error code, when Zalo answered one


def tracking_id(message: Message) -> str:
    """Stable per ledger row and site (the message id names both)."""
    return hashlib.sha256(message.message_id.encode()).hexdigest()[:32]


class ZaloTransport(Transport):
    channel = "zalo"
    label = _("Zalo message")
    default_on = False
    short_text = True

    def __init__(self):
        self.url = settings.HANDBOOK_ZALO_URL
        self.token = ""  # read at the first message (pages build transports for their labels)
        self.templates = settings.HANDBOOK_ZALO_TEMPLATES
        self.timeout = settings.HANDBOOK_ZALO_TIMEOUT

    @classmethod
    def configured(cls) -> bool:
        return bool(settings.HANDBOOK_ZALO_ACCESS_TOKEN and settings.HANDBOOK_ZALO_TEMPLATES)

    def carries(self, kind: str) -> bool:
        return kind in self.templates

    def recipients(self, members: QuerySet) -> QuerySet:
        return members.exclude(phone="")

    def address(self, member) -> str:
        return to_e164_or_none(member.phone) or ""

    def shown(self, address: str) -> str:
        return display(address) if address else ""

    def send(self, message: Message) -> None:
        template_id = self.templates.get(message.kind)
        if not template_id:
            raise ZaloError(f"no Zalo template for {message.kind}", kind=REJECTED)
        self.token = self.token or zalo_token.zalo_access_token()
        try:
            self._post(message, template_id)
        except ZaloError as exc:
            if exc.code != TOKEN_REFUSED:
                raise
            # Renewed here, or already by another worker: either way the stored token is newer.
            refused = self.token
            zalo_token.zalo_token_renew(stale_token=refused)
            self.token = zalo_token.zalo_access_token()
            if self.token == refused:
                raise
            self._post(message, template_id)

    def _post(self, message: Message, template_id: str) -> None:
        body = {
            "phone": message.address.removeprefix("+"), "template_id": template_id,
            "template_data": {"name": message.recipient_name, "subject": message.subject,
                              "content": message.text, "link": message.link},
            "tracking_id": tracking_id(message),
        }
        request = urllib.request.Request(
            self.url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json", "access_token": self.token},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 429:
                raise ZaloError("Zalo: too many requests (HTTP 429)", kind=RATE_LIMITED) from exc
            kind = TEMPORARY if exc.code >= 500 else REJECTED
            raise ZaloError(f"Zalo: HTTP {exc.code}", kind=kind) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ZaloError(f"Zalo unreachable: {exc}", kind=UNAVAILABLE) from exc
        try:
            answer = json.loads(raw)
            code = str(answer.get("error", ""))
        except (ValueError, AttributeError) as exc:
            raise ZaloError("Zalo: an answer that is not JSON", kind=TEMPORARY) from exc
        if code == "0":
            logger.info("Zalo accepted message %s", (answer.get("data") or {}).get("msg_id", ""))
            return
        # Zalo's own words, never the message sent.
        raise ZaloError(f"Zalo error {code}: {str(answer.get('message', ''))[:200]}",
                        kind=ZALO_KINDS.get(code, REJECTED), code=code)
