"""Petition tests reuse the standing cast (tests/conftest.py): cell A1 with `secretary` (an officer)
and `member`, `committee` on commune A's standing committee, `orgcom` on the province's organisation
committee, `outsider` secretary of B1 in commune B."""

import importlib

import pytest

from petitions.models import PetitionCategory
from petitions.services import petition_raise

DEFAULTS = importlib.import_module("petitions.migrations.0002_default_categories").DEFAULTS


def ensure_categories() -> dict[str, PetitionCategory]:
    """The migration's categories (a transactional test flushes them: made again here)."""
    for code, name, name_en, due_days, position in DEFAULTS:
        PetitionCategory.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "due_days": due_days, "position": position})
    return {c.code: c for c in PetitionCategory.objects.all()}


@pytest.fixture
def categories(db):
    return ensure_categories()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def raise_petition(sender, actor, category, **fields):
    values = {"title": "Đề nghị nâng cấp đường liên thôn", "text": "Đường xuống cấp, mùa mưa ngập lầy."}
    return petition_raise(sender=sender, category=category, actor=actor.user, **{**values, **fields})


@pytest.fixture
def petition(cast, categories):
    """Raised by cell A1's secretary to commune A."""
    return raise_petition(cast.tree.a1, cast.secretary, categories["petition"])


@pytest.fixture
def api(db):
    """api(member) → an APIClient sending that member's bearer token (throttle counters cleared)."""
    from django.core.cache import cache
    from rest_framework.test import APIClient

    from api.services import token_issue

    cache.clear()

    def _client(who, *, language=None):
        client = APIClient()
        _token, raw = token_issue(user=getattr(who, "user", None) or who, name="Test phone")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if language:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        client.credentials(**headers)
        return client
    yield _client
    cache.clear()
