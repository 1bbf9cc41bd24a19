"""API test helpers: clients signed in with a bearer token, a meeting with papers, a clean cache."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from api.services import token_issue
from meetings.models import DraftComment, DraftResolution, MeetingDocument
from meetings.services.schedule import meeting_schedule
from tests import factories as f


@pytest.fixture(autouse=True)
def clean_cache():
    # Throttle counters and used challenges live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """api(member_or_user) → an APIClient sending that account's bearer token; api() → anonymous."""
    def _client(who=None, *, language=None):
        client = APIClient()
        headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
        if who is not None:
            _token, raw = token_issue(user=getattr(who, "user", None) or who, name="Test phone")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        client.credentials(**headers)
        return client
    return _client


@pytest.fixture
def meeting(cast, settings, tmp_path):
    """A meeting of cell A1 in three days, with a document, a draft and a comment."""
    settings.MEDIA_ROOT = tmp_path
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), agenda="Kiểm điểm công tác quý",
                               title="Sinh hoạt tháng")
    document = MeetingDocument(meeting=meeting, title="Dự thảo báo cáo", content_type="text/plain", size=11)
    document.file.save("bao-cao.txt", ContentFile(b"noi dung 11"), save=False)
    document.save()
    draft = DraftResolution.objects.create(meeting=meeting, text="Nghị quyết tháng: tăng cường đoàn kết.")
    DraftComment.objects.create(draft=draft, member=cast.member, text="Đề nghị bổ sung nhiệm vụ.")
    return SimpleNamespace(meeting=meeting, document=document, draft=draft)

