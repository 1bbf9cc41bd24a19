"""A meeting of cell A1 (conftest `cast`) that started half an hour ago, ready for its roll call."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import timezone, translation
from pypdf import PdfReader

from meetings.services.schedule import meeting_schedule
from tests import factories as f


@pytest.fixture(autouse=True)
def _vietnamese():
    """A request switched to English leaves English active in the thread; start and end in Vietnamese."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def meeting(cast):
    return meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() - dt.timedelta(minutes=30),
                            agenda="1. Kiểm điểm công tác tháng\n2. Triển khai nhiệm vụ tháng tới")


def grow(cell, count):
    """Add `count` official members to `cell`."""
    return [f.member(cell, name=f"Đảng viên Số {i:03d}") for i in range(count)]


def pdf_text(response) -> str:
    """The text of a PDF answer, its spacing collapsed."""
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
