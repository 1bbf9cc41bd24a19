"""The secretary of another cell can see, change and download nothing of this cell: 404, nothing written."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import (
    AbsenceExcuse,
    CalendarFeed,
    DraftComment,
    DraftResolution,
    Meeting,
    MeetingDocument,
    MeetingSeries,
)
from meetings.services.discussion import draft_publish
from meetings.services.documents import document_add
from meetings.services.series import series_set_up
from tests.meetings.conftest import pdf

CELL_PAGES = ["cell_home", "cell_meetings", "meeting_new", "meeting_series", "series_generate", "series_stop"]
MEETING_PAGES = ["meeting_detail", "meeting_edit", "meeting_postpone", "meeting_cancel", "document_upload",
                 "draft_edit", "draft_comment", "meeting_excuse", "meeting_excuse_withdraw", "meeting_ics"]
DOCUMENT_PAGES = ["document_download", "document_delete"]
POST = {"kind": "extraordinary", "date": "2030-01-10", "start_time": "19:00", "end_time": "21:00", "reason": "x",
        "text": "x", "title": "x", "day_of_month": 5, "duration_minutes": 90, "place": "x"}


def snapshot():
    return [
        list(model.objects.order_by("pk").values()) for model in
        (Meeting, MeetingSeries, MeetingDocument, DraftResolution, DraftComment, AbsenceExcuse, CalendarFeed)
    ]


@pytest.fixture
def targets(cast):
    series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30))
    meeting = Meeting.objects.filter(cell=cast.tree.a1).order_by("starts_at").first()
    document = document_add(meeting=meeting, upload=pdf())
    draft_publish(meeting=meeting, text="Dự thảo")
    return (
        [reverse(name, args=[cast.tree.a1.public_id]) for name in CELL_PAGES]
        + [reverse(name, args=[meeting.public_id]) for name in MEETING_PAGES]
        + [reverse(name, args=[document.public_id]) for name in DOCUMENT_PAGES]
    )


def test_another_cells_secretary_gets_404_everywhere_and_nothing_changes(cast, login, targets):
    client = login(cast.outsider)
    before = snapshot()
    for url in targets:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {**POST, "file": pdf()}).status_code in (404, 405), url
    assert snapshot() == before


def test_a_signed_out_visitor_is_sent_to_sign_in_everywhere(cast, client, targets):
    for url in targets:
        response = client.get(url)
        assert response.status_code in (302, 405) and "/accounts/login/" in response.get("Location", "/accounts/login/")
