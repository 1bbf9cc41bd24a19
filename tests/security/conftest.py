"""Helpers for the security tests: sign-in through the real pages, TOTP codes, a clean cache."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

PASSWORD = "pw-12345-test"
PRODUCTION_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "reset_password": "20/m/ip,5/m/key"}


def totp_now(secret) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, username, password=PASSWORD, *, secret=None):
    response = client.post(reverse("account_login"), {"login": username, "password": password})
    if secret is not None:
        response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    return response


@pytest.fixture
def rate_limits(settings):
    """allauth's production limits, counted in a cache emptied before and after."""
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()
