"""Rate limits backed by the cache (Redis in production): sign-in, second factor, writes.

Rates come from settings.HANDBOOK_API_THROTTLE_RATES at each request and may span several
units ("5/5m": five in five minutes). An address is the client's as handbook.security.client_ip
reads it (X-Forwarded-For only from the proxies HANDBOOK_TRUSTED_PROXIES trusts, as Django and
allauth read it); an account is counted as one, whatever spelling of its login is sent.
"""

import re

from django.conf import settings
from django.core import signing
from rest_framework.throttling import SimpleRateThrottle

from api.services import MFA_SALT
from common.text import control_characters, normalize_text
from handbook.security import client_ip
from members.selectors import user_id_for_login

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class _ConfiguredThrottle(SimpleRateThrottle):
    def get_rate(self):
        return settings.HANDBOOK_API_THROTTLE_RATES[self.scope]

    def parse_rate(self, rate):
        match = _RATE.match(rate.strip())
        if match is None:
            raise ValueError(f"Bad throttle rate {rate!r}: use N/<count><unit> with unit s, m, h or d.")
        count, multiple, unit = match.groups()
        return int(count), int(multiple or 1) * _SECONDS[unit]

    def key(self, ident) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request):
        # DRF's own reading believes any X-Forwarded-For a client writes.
        return client_ip(request)


class WriteThrottle(_ConfiguredThrottle):
    """Every change (POST, PUT, PATCH, DELETE) counts against the account, or the address."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.user and request.user.is_authenticated:
            return self.key(f"user-{request.user.pk}")
        return self.key(self.get_ident(request))


class SignInThrottle(_ConfiguredThrottle):
    """Password attempts from one address."""

    scope = "sign_in"

    def get_cache_key(self, request, view):
        return self.key(self.get_ident(request))


def _login(value) -> str | None:
    """The login as the accounts are looked up by it, or None for what SignInSerializer refuses
    anyway (the throttle runs first, and a NUL or a lone surrogate would break the query)."""
    if not isinstance(value, str) or control_characters(value) or len(value) > 254:
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        return None
    return normalize_text(value).strip().casefold() or None


class SignInLoginThrottle(_ConfiguredThrottle):
    """Password attempts on one account, from anywhere (spread-out guessing): its username and
    its email, in any case, count together. A login that names no account is counted by its
    spelling, in one case and one Unicode form, so probing it costs the same."""

    scope = "sign_in_login"

    def get_cache_key(self, request, view):
        data = request.data
        login = _login(data.get("login") if isinstance(data, dict) else None)
        if login is None:
            return None  # the serializer refuses it before any password is checked
        user_id = user_id_for_login(login)
        if user_id is not None:
            return self.key(f"user-{user_id}")
        return self.key("login-" + signing.Signer(salt="api.throttle").signature(login))


class MfaThrottle(_ConfiguredThrottle):
    """Second-factor attempts on one account (read from the signed challenge), else one address."""

    scope = "mfa"

    def get_cache_key(self, request, view):
        data = request.data
        challenge = data.get("challenge") if isinstance(data, dict) else None
        if isinstance(challenge, str):
            try:
                return self.key(f"user-{int(signing.loads(challenge, salt=MFA_SALT)['u'])}")
            except (signing.BadSignature, KeyError, TypeError, ValueError):
                pass
        return self.key(self.get_ident(request))
