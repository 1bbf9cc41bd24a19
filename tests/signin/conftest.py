"""Sign-in tests: a fake SMS gateway on 127.0.0.1, and members with phone numbers."""

import pytest
from django.core.cache import cache

import handbook.settings as production
from tests.signin.fake_esms import FakeEsms, use_fake_gateway


@pytest.fixture
def gateway(settings):
    fake = FakeEsms().start()
    use_fake_gateway(settings, fake)
    yield fake
    fake.stop()


@pytest.fixture
def rate_limits(settings):
    """The production limits (the test settings turn them off), counted from zero."""
    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()
