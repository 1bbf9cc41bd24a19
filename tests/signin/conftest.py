"""Sign-in tests: a fake SMS gateway on 127.0.0.1, and members with phone numbers."""

import pytest
from django.core.cache import cache

import handbook.settings as production


@pytest.fixture
def rate_limits(settings):
    """The production limits (the test settings turn them off), counted from zero."""
    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()
