"""Rate limits backed by the cache (Redis in production): sign-in, second factor, writes.

Rates come from settings.HANDBOOK_API_THROTTLE_RATES at each request and may span several
units ("5/5m": five in five minutes).
"""

import re

from django.conf import settings
from django.core import signing
from rest_framework.throttling import SimpleRateThrottle

from api.services import MFA_SALT

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


class SignInLoginThrottle(_ConfiguredThrottle):
    """Password attempts on one login, from anywhere (spread-out guessing)."""

    scope = "sign_in_login"

    def get_cache_key(self, request, view):
        data = request.data
        login = data.get("login") if isinstance(data, dict) else None
        if not isinstance(login, str) or not login.strip():
            return None
        return self.key("login-" + signing.Signer(salt="api.throttle").signature(login.strip().lower()))


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
