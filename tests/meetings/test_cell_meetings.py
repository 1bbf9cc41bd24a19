"""The list of a cell's meetings: upcoming and past, with their status pills."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule
from tests import factories as f
from tests.meetings.conftest import FROZEN_NOW, grow, hold


def url(cell):
    return reverse("cell_meetings", args=[cell.public_id])


def test_upcoming_and_past_meetings_carry_their_status(cast, login, frozen):
    frozen(dt.datetime(2026, 5, 4, 9, tzinfo=FROZEN_NOW.tzinfo))
    late = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(1))
    meeting_postpone(meeting=late, starts_at=f.at(4), reason="Mưa bão")
    frozen(FROZEN_NOW)
    hold(late, {})
    forgotten = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-3), kind="committee")
    cancelled = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5), kind="extraordinary")
    meeting_cancel(meeting=cancelled, reason="Bão")
    postponed = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(10), kind="thematic", title="Chuyên đề")
    meeting_postpone(meeting=postponed, starts_at=f.at(12), reason="Trùng lịch")
    page = login(cast.secretary).get(url(cast.tree.a1)).content.decode()
    upcoming, past = page.split('id="past"')
    assert "Đã hủy" in upcoming and "Hoãn" in upcoming and "Sinh hoạt chuyên đề: Chuyên đề" in upcoming
    assert "Họp muộn" in past and "theo lịch 05/05/2026" in past
    assert "Chưa điểm danh" in past and "Sinh hoạt chi ủy" in past
    assert reverse("meeting_detail", args=[forgotten.public_id]) in past


def test_a_member_of_the_cell_sees_the_list_without_the_officer_tabs(cast, login, meeting):
    page = login(cast.member).get(url(cast.tree.a1)).content.decode()
    assert reverse("meeting_detail", args=[meeting.public_id]) in page
    assert reverse("meeting_new", args=[cast.tree.a1.public_id]) not in page
    assert f'href="{reverse("cell_home", args=[cast.tree.a1.public_id])}"' not in page


def test_the_committee_above_sees_the_list_read_only(cast, login, meeting):
    page = login(cast.committee).get(url(cast.tree.a1)).content.decode()
    assert reverse("meeting_detail", args=[meeting.public_id]) in page
    assert reverse("meeting_new", args=[cast.tree.a1.public_id]) not in page


def test_an_outsider_gets_404(cast, login, meeting):
    assert login(cast.outsider).get(url(cast.tree.a1)).status_code == 404


def test_past_meetings_are_paged(cast, login):
    for days in range(1, 26):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-days * 3), kind="extraordinary")
    client = login(cast.secretary)
    assert "Trang 1/2" in client.get(url(cast.tree.a1)).content.decode()
    assert "Trang 2/2" in client.get(url(cast.tree.a1) + "?page=2").content.decode()
    assert client.get(url(cast.tree.a1) + "?page=zzz").status_code == 200


@pytest.mark.parametrize("who", ["secretary", "member"])
def test_the_page_keeps_a_constant_number_of_queries(cast, login, constant_queries, who):
    def populate(count):
        members = grow(cast.tree.a1, count)
        for days in range(1, 4):
            meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days * 2) + dt.timedelta(minutes=count),
                             kind="extraordinary")
        past = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-count), kind="extraordinary")
        hold(past, {m: "unexcused" for m in members})
    populate(8)
    client = login(getattr(cast, who))
    constant_queries(lambda: client.get(url(cast.tree.a1)), lambda: populate(90), ceiling=12)
