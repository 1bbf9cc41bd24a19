"""Fixtures for the meeting pages: uploaded files in a temporary folder, sample files, growing a cell."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.services.schedule import meeting_schedule
from tests import factories as f


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name="Báo cáo tháng.pdf", size=2000):
    body = b"%PDF-1.7\n" + b"0" * max(size - 9, 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def office(name, member):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<xml/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def docx(name="Dự thảo nghị quyết.docx"):
    return office(name, "word/document.xml")


def xlsx(name="Danh sách.xlsx"):
    return office(name, "xl/workbook.xml")


def png(name="Ảnh.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")


def jpeg(name="Ảnh.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"\0" * 100, content_type="image/jpeg")


def grow(cell, count):
    """Add `count` ordinary members to a cell (through the services)."""
    return [f.member(cell) for _ in range(count)]


@pytest.fixture
def meeting(cast):
    """A regular meeting of cell A1 in three days."""
    return meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), agenda="1. Kiểm điểm tháng\n2. Phương hướng")


@pytest.fixture
def constant_queries(django_assert_max_num_queries, settings):
    """check(fetch, grow, ceiling): the page's queries at the small size stay under `ceiling`,
    and after `grow()` the same page needs no more queries than before. Pages are rendered in
    full, as when nothing is kept in the cache (meetings/page_cache.py; tests/pages/test_page_cache.py
    checks that a kept page needs fewer)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.HANDBOOK_PAGE_CACHE = False

    def check(fetch, grow_data, ceiling):
        fetch()  # warm up: first-request work (session, caches) is not what we measure
        with CaptureQueriesContext(connection) as small:
            response = fetch()
        assert response.status_code == 200
        assert len(small) <= ceiling, [q["sql"] for q in small.captured_queries]
        grow_data()
        with django_assert_max_num_queries(len(small)):
            assert fetch().status_code == 200
        return len(small)
    return check


# Wednesday 13 May 2026, 10:00 in Hanoi: mid-quarter, mid-month, a fixed "now" for rules by date.
FROZEN_NOW = dt.datetime(2026, 5, 13, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def frozen():
    """Travel to FROZEN_NOW; `frozen(moment)` moves again within the test."""
    traveller = time_machine.travel(FROZEN_NOW, tick=False)
    traveller.start()

    def move(moment):
        nonlocal traveller
        traveller.stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()

    yield move
    traveller.stop()


def hold(meeting, statuses: dict):
    """Record the roll call {member: status}, everyone else present."""
    from meetings.rules import summoned_members
    from meetings.services.roll_call import attendance_record

    entries = {m.pk: (statuses.get(m, "present"), "Ốm" if statuses.get(m) == "excused" else "")
               for m in summoned_members(meeting)}
    return attendance_record(meeting=meeting, entries=entries)


def finish_minutes(meeting, *, after=dt.timedelta(hours=20), resolution=""):
    """Minutes completed `after` the meeting's end (the minutes pages belong to another branch)."""
    from meetings.models import Minutes

    return Minutes.objects.create(meeting=meeting, resolution=resolution, finalized_at=meeting.ends_at + after)
