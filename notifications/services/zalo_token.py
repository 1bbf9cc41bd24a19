"""The Zalo OA access token, renewed with the refresh token before it expires.

Zalo's access token lasts about 25 hours; the refresh token lasts about 3 months, may be
used once, and comes back new with every renewal (POST to HANDBOOK_ZALO_OAUTH_URL with the
app id and the `secret_key` header). So the pair lives in one `ChannelCredential` row, seeded
from the environment the first time, and a renewal holds that row's lock (SELECT … FOR
UPDATE) from reading the refresh token to storing its successor: a second worker waits, then
finds the token fresh and spends nothing.

Beat checks every 30 minutes and renews when less than an hour is left; the transport renews
at once when Zalo calls the token expired or invalid (`stale_token`: only if nobody renewed
it meanwhile). A refusal is recorded on the row (the operator page shows it) and the old
token is kept: it may still work until it expires.

Call it outside a transaction (beat's task and the transport do): the new pair must be
committed as soon as Zalo has issued it, since the old refresh token is spent by then.
"""

import datetime as dt
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import ChannelCredential

logger = logging.getLogger(__name__)

CHANNEL = "zalo"
RENEW_BEFORE = dt.timedelta(hours=1)


class RenewalRefused(Exception):
    pass


def zalo_credential() -> ChannelCredential:
    """The stored token pair, copied from the environment the first time."""
    row, _created = ChannelCredential.objects.get_or_create(channel=CHANNEL, defaults={
        "access_token": settings.HANDBOOK_ZALO_ACCESS_TOKEN, "refresh_token": settings.HANDBOOK_ZALO_REFRESH_TOKEN,
    })
    return row


def zalo_access_token() -> str:
    """The token to send with. The transport keeps it for its batch (one read per batch) and
    reads it again only when Zalo refuses it."""
    return zalo_credential().access_token


def _ask_zalo(refresh_token: str) -> dict:
    form = urllib.parse.urlencode({"refresh_token": refresh_token, "app_id": settings.HANDBOOK_ZALO_APP_ID,
                                   "grant_type": "refresh_token"}).encode()
    request = urllib.request.Request(settings.HANDBOOK_ZALO_OAUTH_URL, data=form, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        "secret_key": settings.HANDBOOK_ZALO_SECRET_KEY,
    })
    try:
        with urllib.request.urlopen(request, timeout=settings.HANDBOOK_ZALO_TIMEOUT) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise RenewalRefused(f"Zalo OAuth: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RenewalRefused(f"Zalo OAuth unreachable: {exc}") from exc
    except ValueError as exc:
        raise RenewalRefused("Zalo OAuth: an answer that is not JSON") from exc
    if not isinstance(answer, dict) or not answer.get("access_token") or not answer.get("refresh_token"):
        answer = answer if isinstance(answer, dict) else {}
        # Zalo's own words, never the tokens sent.
        reason = answer.get("error_reason") or answer.get("error_name") or answer.get("message") or ""
        raise RenewalRefused(f"Zalo OAuth error {answer.get('error', '')}: {str(reason)[:200]}".strip())
    return answer


def zalo_token_renew(*, stale_token: str | None = None, now: dt.datetime | None = None) -> bool:
    """Renew the access token when less than RENEW_BEFORE is left (or its expiry is unknown);
    with `stale_token`, when the stored token is still the one Zalo refused. True when renewed."""
    if not settings.HANDBOOK_ZALO_ACCESS_TOKEN and not settings.HANDBOOK_ZALO_REFRESH_TOKEN:
        return False  # no Zalo on this site
    pk = zalo_credential().pk
    with transaction.atomic():
        row = ChannelCredential.objects.select_for_update().get(pk=pk)
        now = now or timezone.now()
        if stale_token is not None:
            if row.access_token != stale_token:
                return False  # renewed meanwhile by another worker: the caller reads it again
        elif row.expires_at is not None and row.expires_at - now > RENEW_BEFORE:
            return False
        if not (row.refresh_token and settings.HANDBOOK_ZALO_APP_ID and settings.HANDBOOK_ZALO_SECRET_KEY):
            return _failed(row, now, "no refresh token, app id or secret key to renew the access token with")
        try:
            answer = _ask_zalo(row.refresh_token)
        except RenewalRefused as exc:
            return _failed(row, now, str(exc))
        try:
            lifetime = dt.timedelta(seconds=int(answer.get("expires_in") or 0))
        except (TypeError, ValueError):
            lifetime = dt.timedelta(0)
        row.access_token, row.refresh_token = answer["access_token"], answer["refresh_token"]
        row.expires_at = now + lifetime if lifetime else None
        row.renewed_at, row.last_error, row.failed_at = now, "", None
        row.save(update_fields=["access_token", "refresh_token", "expires_at", "renewed_at", "last_error", "failed_at"])
    logger.info("Zalo access token renewed, valid until %s", row.expires_at)
    return True


def _failed(row: ChannelCredential, now: dt.datetime, error: str) -> bool:
    row.last_error, row.failed_at = error, now
    row.save(update_fields=["last_error", "failed_at"])
    logger.error("Zalo access token not renewed: %s", error)
    return False
