"""Advance excuses: a member of the cell, with a reason, before the meeting starts; withdrawable."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.models import AbsenceExcuse
from meetings.services.excuses import excuse_submit, excuse_withdraw
from meetings.services.schedule import meeting_cancel, meeting_schedule
from tests import factories as f


def test_a_member_excuses_changes_withdraws_and_excuses_again_on_one_row(meeting, cast):
    excuse_submit(meeting=meeting, member=cast.member, reason="Đi công tác")
    excuse_submit(meeting=meeting, member=cast.member, reason="Ốm")
    assert AbsenceExcuse.objects.get().reason == "Ốm"
    excuse_withdraw(meeting=meeting, member=cast.member)
    assert AbsenceExcuse.objects.get().withdrawn_at is not None
    excuse_submit(meeting=meeting, member=cast.member, reason="Chăm con ốm")
    excuse = AbsenceExcuse.objects.get()
    assert excuse.withdrawn_at is None and excuse.reason == "Chăm con ốm"


def test_an_excuse_for_a_past_meeting_is_refused_with_a_clear_message(cast):
    past = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-2))
    with pytest.raises(ValidationError) as error:
        excuse_submit(meeting=past, member=cast.member, reason="Quên")
    assert "không thể xin vắng trước được nữa" in " ".join(error.value.messages)
    assert not AbsenceExcuse.objects.exists()


def test_an_excuse_needs_a_reason_an_open_meeting_and_a_member_of_the_cell(meeting, cast):
    with pytest.raises(ValidationError):
        excuse_submit(meeting=meeting, member=cast.member, reason="   ")
    with pytest.raises(ValidationError):
        excuse_submit(meeting=meeting, member=cast.outsider, reason="Người ngoài")
    meeting_cancel(meeting=meeting, reason="Bão")
    with pytest.raises(ValidationError):
        excuse_submit(meeting=meeting, member=cast.member, reason="Ốm")
    assert not AbsenceExcuse.objects.exists()


def test_a_member_on_temporary_transfer_may_excuse_in_the_cell_they_attend(cast):
    from members.models import MemberStatus
    from members.services import member_change_status

    member_change_status(member=cast.member, status=MemberStatus.TEMPORARY_TRANSFER,
                         effective_date=timezone.localdate() - dt.timedelta(days=10), temporary_cell=cast.tree.a2)
    there = meeting_schedule(cell=cast.tree.a2, starts_at=f.at(4))
    assert excuse_submit(meeting=there, member=cast.member, reason="Đi xa").pk


# --- Pages ----------------------------------------------------------------------------------

def test_a_member_excuses_from_home_and_goes_back_there(meeting, cast, login):
    client = login(cast.member)
    response = client.post(reverse("meeting_excuse", args=[meeting.public_id]),
                           {"reason": "Đi công tác Hà Nội", "next": "/#excuse"})
    assert response.status_code == 302 and response["Location"] == "/#excuse"
    page = client.get(reverse("home")).content.decode()
    assert "Đồng chí đã xin vắng: “Đi công tác Hà Nội”." in page


def test_a_foreign_next_address_is_ignored(meeting, cast, login):
    response = login(cast.member).post(reverse("meeting_excuse", args=[meeting.public_id]),
                                       {"reason": "Ốm", "next": "https://evil.example/"})
    assert response["Location"] == reverse("meeting_detail", args=[meeting.public_id]) + "#excuse"


def test_an_excuse_for_a_past_meeting_on_the_page_explains_and_writes_nothing(cast, login):
    past = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-2))
    response = login(cast.member).post(reverse("meeting_excuse", args=[past.public_id]), {"reason": "Quên"})
    page = response.content.decode()
    assert response.status_code == 200 and "không thể xin vắng trước được nữa" in page
    assert not AbsenceExcuse.objects.exists()


def test_an_empty_reason_is_explained(meeting, cast, login):
    response = login(cast.member).post(reverse("meeting_excuse", args=[meeting.public_id]), {"reason": ""})
    assert response.status_code == 200 and "Trường này là bắt buộc." in response.content.decode()
    assert not AbsenceExcuse.objects.exists()


def test_a_member_withdraws_the_excuse(meeting, cast, login):
    excuse_submit(meeting=meeting, member=cast.member, reason="Ốm")
    response = login(cast.member).post(reverse("meeting_excuse_withdraw", args=[meeting.public_id]), follow=True)
    assert "Đã rút xin vắng" in response.content.decode()
    assert AbsenceExcuse.objects.get().withdrawn_at is not None


def test_the_secretary_and_the_committee_see_the_excuses(meeting, cast, login):
    excuse_submit(meeting=meeting, member=cast.member, reason="Đi công tác")
    for who in (cast.secretary, cast.committee):
        page = login(who).get(reverse("meeting_detail", args=[meeting.public_id])).content.decode()
        assert "Lê Thị Hoa</strong>: Đi công tác" in page


@pytest.mark.parametrize("who", ["outsider", "committee"])
def test_people_outside_the_cell_cannot_excuse_or_withdraw(meeting, cast, login, who):
    excuse_submit(meeting=meeting, member=cast.member, reason="Ốm")
    client = login(getattr(cast, who))
    assert client.post(reverse("meeting_excuse", args=[meeting.public_id]), {"reason": "X"}).status_code == 404
    assert client.post(reverse("meeting_excuse_withdraw", args=[meeting.public_id])).status_code == 404
    excuse = AbsenceExcuse.objects.get()
    assert excuse.member == cast.member and excuse.withdrawn_at is None
