"""A client for an HTTP SMS gateway: eSMS.vn's JSON API (SendMultipleMessage_V4_post_json).

Settings (`HANDBOOK_SMS_*`, from the environment, see .env.example): the URL, the API key and
secret key, the sender name (a registered brandname), the message type and whether the
account may send Unicode. With Unicode Vietnamese keeps its diacritics (70 characters a
segment); without, they are stripped to plain Latin letters (160 a segment). `sms_length`
tells how many segments a text takes, so that a caller keeps a reminder to one or two.

A refusal is a `SmsError` (the transports' `TransportError`) with a `kind`:
rate limited and temporary (try later), invalid number (permanent, the address is bad),
rejected (permanent: credentials, brandname or template refused — the content or the
account, not the number). The text is never logged: it may carry a sign-in code.

`HANDBOOK_SMS_BACKEND` names the class that sends (settings map "gateway" and "console"):
`EsmsGateway` in production, `ConsoleSms` (prints to the terminal) in DEBUG and the demo.
"""

import json
import logging
import math
import sys
import unicodedata
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings

from notifications.transports.base import TransportError

logger = logging.getLogger(__name__)

# GSM 03.38: the basic set counts 1, the extension table 2 (escape + character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (gsm7) or UTF-16 code units (ucs2)
    segments: int


def sms_length(text: str) -> SmsLength:
    """Segments of `text` as sent: one of 160 GSM-7 septets or 70 UCS-2 units; a longer
    message is split in parts of 153 or 67 (the rest carries the concatenation header)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        units = len(text) + sum(ch in GSM7_EXTENDED for ch in text)
        single, part, encoding = 160, 153, "gsm7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "ucs2"
    segments = 1 if units <= single else math.ceil(units / part)
    return SmsLength(encoding=encoding, units=units, segments=segments)


def strip_diacritics(text: str) -> str:
    """"Đảng viên" -> "Dang vien"; what GSM-7 still cannot carry becomes "?"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    plain = unicodedata.normalize("NFC", plain)
    return "".join(ch if ch in GSM7_BASIC or ch in GSM7_EXTENDED else "?" for ch in plain)


def sms_text(text: str, *, unicode: bool) -> str:
    """The text as the gateway will carry it."""
    text = unicodedata.normalize("NFC", text)
    return text if unicode else strip_diacritics(text)


class SmsError(TransportError):
    RATE_LIMITED = "rate_limited"
    INVALID_NUMBER = "invalid_number"
    REJECTED = "rejected"
    TEMPORARY = "temporary"

    def __init__(self, message: str, *, kind: str, unavailable: bool = False):
        super().__init__(message, permanent=kind in (self.INVALID_NUMBER, self.REJECTED),
                         bad_address=kind == self.INVALID_NUMBER, unavailable=unavailable)
        self.kind = kind


# eSMS's table of error codes (developers' documentation, "Table of error codes").
ESMS_ACCEPTED = "100"
ESMS_DUPLICATE_REQUEST = "124"  # this RequestId was accepted before: the message is on its way
ESMS_KINDS = {
    "99": SmsError.INVALID_NUMBER,  # the number is blocked
    "108": SmsError.INVALID_NUMBER,  # the number is not in a correct format
    "177": SmsError.INVALID_NUMBER,  # the number's network is not registered for the brandname
    "101": SmsError.REJECTED,  # wrong ApiKey or SecretKey
    "102": SmsError.REJECTED,  # no price list
    "104": SmsError.REJECTED,  # brandname does not exist
    "140": SmsError.REJECTED,  # our IP is not allowed
    "146": SmsError.REJECTED,  # the text does not match a registered customer-care template
    "300": SmsError.REJECTED,  # message type missing
    "103": SmsError.TEMPORARY,  # balance too low: sendable again once topped up
}


class EsmsGateway:
    """One message per request; `request_id` (eSMS's RequestId) makes a retry of the same
    message a duplicate the gateway recognises instead of a second text."""

    Error = SmsError  # what send() raises, for callers that name no class of this floor

    def __init__(self, *, url: str, api_key: str, secret_key: str, sender: str, sms_type: str = "2",
                 unicode: bool = True, timeout: float = 10.0):
        self.url, self.api_key, self.secret_key, self.sender = url, api_key, secret_key, sender
        self.sms_type, self.unicode, self.timeout = sms_type, unicode, timeout

    @classmethod
    def from_settings(cls) -> "EsmsGateway":
        return cls(url=settings.HANDBOOK_SMS_URL, api_key=settings.HANDBOOK_SMS_API_KEY,
                   secret_key=settings.HANDBOOK_SMS_SECRET_KEY, sender=settings.HANDBOOK_SMS_SENDER,
                   sms_type=settings.HANDBOOK_SMS_TYPE, unicode=settings.HANDBOOK_SMS_UNICODE,
                   timeout=settings.HANDBOOK_SMS_TIMEOUT)

    def send(self, *, phone: str, text: str, request_id: str = "") -> str:
        """Send `text` to `phone` (E.164); returns the gateway's message id."""
        request_id = request_id or uuid.uuid4().hex
        body = {
            "ApiKey": self.api_key, "SecretKey": self.secret_key, "Brandname": self.sender,
            "SmsType": self.sms_type, "IsUnicode": "1" if self.unicode else "0",
            # eSMS takes the national form of Vietnamese numbers (84…), without "+".
            "Phone": phone.removeprefix("+"), "Content": sms_text(text, unicode=self.unicode),
            "RequestId": request_id,
        }
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 429:
                raise SmsError("gateway: too many requests (HTTP 429)", kind=SmsError.RATE_LIMITED) from exc
            if exc.code >= 500:
                raise SmsError(f"gateway: HTTP {exc.code}", kind=SmsError.TEMPORARY) from exc
            raise SmsError(f"gateway: HTTP {exc.code}", kind=SmsError.REJECTED) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}", kind=SmsError.TEMPORARY, unavailable=True) from exc
        try:
            answer = json.loads(raw)
            code = str(answer.get("CodeResult", ""))
        except (ValueError, AttributeError) as exc:
            raise SmsError("gateway: an answer that is not JSON", kind=SmsError.TEMPORARY) from exc
        if code in (ESMS_ACCEPTED, ESMS_DUPLICATE_REQUEST):
            message_id = str(answer.get("SMSID", ""))
            logger.info("SMS accepted by the gateway: id %s, request %s", message_id, request_id)
            return message_id
        kind = ESMS_KINDS.get(code, SmsError.REJECTED)
        # The gateway's own words, never the text sent.
        raise SmsError(f"gateway code {code}: {str(answer.get('ErrorMessage', ''))[:200]}", kind=kind)


class ConsoleSms:
    """DEBUG and the demo: the text goes to the terminal that runs the site, as Django's
    console email backend does, so that the demo shows sign-in by SMS without a gateway."""

    Error = SmsError

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    @classmethod
    def from_settings(cls) -> "ConsoleSms":
        return cls()

    def send(self, *, phone: str, text: str, request_id: str = "") -> str:
        self.stream.write(f"SMS to {phone}: {sms_text(text, unicode=settings.HANDBOOK_SMS_UNICODE)}\n")
        self.stream.flush()
        return request_id or "console"
