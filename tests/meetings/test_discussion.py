"""The draft resolution: posted by officers, commented on by the cell's members until the meeting starts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.models import DraftComment, DraftResolution
from meetings.services.discussion import draft_comment_add, draft_publish
from meetings.services.schedule import meeting_cancel, meeting_schedule
from tests import factories as f


def started_meeting(cell):
    """A meeting that began half an hour ago (and is still open: no roll call yet)."""
    return meeting_schedule(cell=cell, starts_at=timezone.now() - dt.timedelta(minutes=30))


def test_posting_twice_changes_the_one_draft(meeting, cast):
    first = draft_publish(meeting=meeting, text="Dự thảo lần 1", actor=cast.secretary.user)
    second = draft_publish(meeting=meeting, text="  Dự thảo lần 2  ", actor=cast.secretary.user)
    assert first.pk == second.pk and DraftResolution.objects.get().text == "Dự thảo lần 2"


def test_an_empty_draft_and_a_draft_for_a_closed_meeting_are_refused(meeting):
    with pytest.raises(ValidationError):
        draft_publish(meeting=meeting, text="   ")
    meeting_cancel(meeting=meeting, reason="Bão")
    with pytest.raises(ValidationError):
        draft_publish(meeting=meeting, text="Dự thảo")
    assert not DraftResolution.objects.exists()


def test_a_member_comments_before_the_meeting(meeting, cast):
    draft_publish(meeting=meeting, text="Dự thảo")
    comment = draft_comment_add(meeting=meeting, member=cast.member, text="Nhất trí")
    assert comment.draft.meeting == meeting and comment.member == cast.member


def test_a_comment_after_the_start_is_refused_and_nothing_is_written(cast):
    meeting = started_meeting(cast.tree.a1)
    draft_publish(meeting=meeting, text="Dự thảo")
    with pytest.raises(ValidationError) as error:
        draft_comment_add(meeting=meeting, member=cast.member, text="Muộn rồi")
    assert "đã hết thời gian góp ý" in " ".join(error.value.messages)
    assert not DraftComment.objects.exists()


def test_comments_need_a_draft_a_text_and_a_member_of_the_cell(meeting, cast):
    with pytest.raises(ValidationError):
        draft_comment_add(meeting=meeting, member=cast.member, text="Chưa có dự thảo")
    draft_publish(meeting=meeting, text="Dự thảo")
    with pytest.raises(ValidationError):
        draft_comment_add(meeting=meeting, member=cast.member, text="   ")
    with pytest.raises(ValidationError):
        draft_comment_add(meeting=meeting, member=cast.outsider, text="Người ngoài")
    assert not DraftComment.objects.exists()


# --- Pages ----------------------------------------------------------------------------------

def test_the_secretary_posts_the_draft_from_the_meeting_page(meeting, cast, login):
    response = login(cast.secretary).post(reverse("draft_edit", args=[meeting.public_id]),
                                          {"text": "Chi bộ thống nhất..."})
    assert response.status_code == 302 and response["Location"].endswith("#draft")
    assert DraftResolution.objects.get().updated_by == cast.secretary.user


def test_an_empty_draft_is_explained_on_the_page(meeting, cast, login):
    response = login(cast.secretary).post(reverse("draft_edit", args=[meeting.public_id]), {"text": ""})
    assert response.status_code == 200 and "Trường này là bắt buộc." in response.content.decode()
    assert not DraftResolution.objects.exists()


@pytest.mark.parametrize("who", ["member", "committee", "outsider"])
def test_only_the_cells_officers_post_the_draft(meeting, cast, login, who):
    response = login(getattr(cast, who)).post(reverse("draft_edit", args=[meeting.public_id]), {"text": "X"})
    assert response.status_code == 404 and not DraftResolution.objects.exists()


def test_a_member_comments_and_sees_the_comment(meeting, cast, login):
    draft_publish(meeting=meeting, text="Dự thảo")
    client = login(cast.member)
    response = client.post(reverse("draft_comment", args=[meeting.public_id]), {"text": "Đề nghị bổ sung"})
    assert response.status_code == 302
    page = client.get(reverse("meeting_detail", args=[meeting.public_id])).content.decode()
    assert "Đề nghị bổ sung" in page and "Lê Thị Hoa" in page


def test_a_comment_after_the_meeting_started_gets_a_clear_message_and_nothing_is_written(cast, login):
    meeting = started_meeting(cast.tree.a1)
    draft_publish(meeting=meeting, text="Dự thảo")
    response = login(cast.member).post(reverse("draft_comment", args=[meeting.public_id]), {"text": "Ý kiến muộn"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Buổi sinh hoạt đã bắt đầu nên đã hết thời gian góp ý dự thảo." in page
    assert not DraftComment.objects.exists()


def test_a_member_of_another_cell_cannot_comment(meeting, cast, login):
    draft_publish(meeting=meeting, text="Dự thảo")
    stranger = f.member(cast.tree.a2, username="stranger")
    for who in (stranger, cast.outsider, cast.committee):
        assert login(who).post(reverse("draft_comment", args=[meeting.public_id]), {"text": "X"}).status_code == 404
    assert not DraftComment.objects.exists()
