"""Finished minutes never change in place: a numbered amendment records who, when, why and what."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Minutes
from meetings.services.minutes import minutes_amend, minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from tests.rollcall.conftest import pdf_text


@pytest.fixture
def finished(cast, meeting):
    """The secretary and Hoa present (both official), minutes finished with 2 for."""
    attendance_record(meeting=meeting, entries={cast.secretary.pk: ("present", ""), cast.member.pk: ("present", "")})
    meeting.refresh_from_db()
    minutes_save(meeting=meeting, number="12", chair=cast.secretary, minute_taker=cast.member,
                 contents="Kiểm điểm tháng", votes_for=2, resolution="Thu đảng phí đúng hạn.")
    minutes_finalize(meeting=meeting)
    return meeting


def test_saving_finished_minutes_is_refused_and_changes_nothing(cast, finished):
    with pytest.raises(ValidationError, match="amendment|đính chính|sửa đổi|bổ sung"):
        minutes_save(meeting=finished, chair=cast.secretary, minute_taker=cast.member, contents="Sửa trộm")
    assert Minutes.objects.get().contents == "Kiểm điểm tháng"


def test_an_amendment_is_numbered_and_records_old_and_new_as_printed(cast, finished, django_capture_on_commit_callbacks):
    user = cast.secretary.user
    with mock.patch("rollups.tasks.rollups_refresh_meeting.delay") as refresh:
        with django_capture_on_commit_callbacks(execute=True):
            first = minutes_amend(meeting=finished, actor=user, reason="Ghi nhầm số phiếu",
                                  votes_for=1, votes_against=1, contents="Kiểm điểm tháng")
    refresh.assert_called_once_with(finished.pk)
    second = minutes_amend(meeting=finished, actor=user, reason="Đổi chủ trì", chair=cast.member,
                           minute_taker=cast.secretary)
    assert (first.number, second.number) == (1, 2)
    assert [(c["field"], c["old"], c["new"]) for c in first.changes] == [("votes_for", "2", "1"),
                                                                          ("votes_against", "0", "1")]
    assert [(c["field"], c["old"], c["new"]) for c in second.changes] == [
        ("chair", "Trần Văn Bí", "Lê Thị Hoa"), ("minute_taker", "Lê Thị Hoa", "Trần Văn Bí")]
    minutes = Minutes.objects.get()
    assert (minutes.votes_for, minutes.chair, minutes.minute_taker) == (1, cast.member, cast.secretary)
    assert second.made_by == user and second.made_at is not None
    last = minutes.events.order_by("-pgh_id").first()
    assert last.updated_by_id == user.pk  # the change itself is audited too


def test_an_amendment_needs_a_reason_a_change_and_finished_minutes(cast, meeting, finished):
    user = cast.secretary.user
    with pytest.raises(ValidationError):
        minutes_amend(meeting=finished, actor=user, reason="  ", contents="Khác")
    with pytest.raises(ValidationError):
        minutes_amend(meeting=finished, actor=user, reason="Không đổi gì", contents="Kiểm điểm tháng")
    with pytest.raises(ValidationError):
        minutes_amend(meeting=finished, actor=user, reason="Chủ trì vắng", chair=None, votes_for=5)
    assert not Minutes.objects.get().amendments.exists()


def test_the_print_and_the_pdf_list_the_amendments(cast, login, finished):
    minutes_amend(meeting=finished, actor=cast.secretary.user, reason="Ghi nhầm số phiếu", votes_for=1)
    client = login(cast.secretary)
    page = client.get(reverse("minutes_print", kwargs={"meeting_id": finished.public_id})).content.decode()
    assert 'data-amendment="1"' in page and "Ghi nhầm số phiếu" in page and "“2” → “1”" in page
    text = pdf_text(client.get(reverse("minutes_pdf", kwargs={"meeting_id": finished.public_id})))
    assert "Ghi nhầm số phiếu" in text and "“2” → “1”" in text


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_someone_not_an_officer_of_the_cell_gets_a_404_on_amend(cast, login, finished, who):
    response = login(getattr(cast, who)).post(reverse("minutes_edit", kwargs={"meeting_id": finished.public_id}), {
        "chair": str(cast.secretary.public_id), "minute_taker": str(cast.member.public_id), "contents": "Xâm nhập",
        "votes_for": "2", "votes_against": "0", "votes_abstain": "0", "reason": "Sửa trộm",
    })
    assert response.status_code == 404
    minutes = Minutes.objects.get()
    assert minutes.contents == "Kiểm điểm tháng" and not minutes.amendments.exists()
