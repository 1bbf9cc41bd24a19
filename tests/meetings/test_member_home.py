"""The member's home on a phone: next meeting, excuse, draft, attendance, resolutions, shortcuts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.services.discussion import draft_publish
from meetings.services.documents import document_add
from meetings.services.excuses import excuse_submit
from meetings.services.schedule import meeting_schedule
from members.models import MemberStatus
from members.services import member_change_status
from tests import factories as f
from tests.meetings.conftest import finish_minutes, grow, hold, pdf


def test_the_next_meeting_at_a_glance(meeting, cast, login):
    document_add(meeting=meeting, upload=pdf(), title="Báo cáo tháng")
    draft_publish(meeting=meeting, text="Dự thảo")
    page = login(cast.member).get(reverse("home")).content.decode()
    local = timezone.localtime(meeting.starts_at)
    for text in (local.strftime("%d/%m/%Y"), "19:30 – 21:00", "còn 3 ngày", "Nhà văn hóa thôn Đông",
                 "1. Kiểm điểm tháng", "Báo cáo tháng", "Đọc và góp ý dự thảo nghị quyết",
                 reverse("meeting_ics", args=[meeting.public_id]), reverse("calendar_settings"),
                 "Tôi không dự được: xin vắng"):
        assert text in page, text


def test_tomorrow_and_today_read_naturally(cast, login):
    meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(minutes=30), kind="committee")
    page = login(cast.member).get(reverse("home")).content.decode()
    assert "hôm nay lúc" in page or "ngày mai lúc" in page  # near midnight it is already tomorrow


def test_an_excused_member_sees_the_excuse_and_can_withdraw(meeting, cast, login):
    excuse_submit(meeting=meeting, member=cast.member, reason="Ốm")
    page = login(cast.member).get(reverse("home")).content.decode()
    assert "Đồng chí đã xin vắng: “Ốm”." in page and "Tôi vẫn dự được" in page


def test_later_meetings_of_both_cells_for_a_member_on_temporary_transfer(cast, login):
    member_change_status(member=cast.member, status=MemberStatus.TEMPORARY_TRANSFER,
                         effective_date=timezone.localdate() - dt.timedelta(days=3), temporary_cell=cast.tree.a2)
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(4), agenda="Việc thôn Đông")
    meeting_schedule(cell=cast.tree.a2, starts_at=f.at(6), agenda="Việc thôn Đoài")
    meeting_schedule(cell=cast.tree.b1, starts_at=f.at(5), agenda="Việc thôn Nam")
    page = login(cast.member).get(reverse("home")).content.decode()
    assert "Chi bộ thôn Đông" in page and "Chi bộ thôn Đoài" in page and "Chi bộ thôn Nam" not in page


def test_my_attendance_this_year_and_the_cells_resolutions(cast, login, frozen):
    last_year = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-140), kind="extraordinary")
    hold(last_year, {cast.member: "unexcused"})  # December 2025: not this year
    for i, outcome in enumerate(["present", "excused", "unexcused", "present"]):
        meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1 - i * 20), kind="extraordinary")
        hold(meeting, {cast.member: outcome})
        if i == 0:
            finish_minutes(meeting, resolution="Tập trung thu hoạch vụ mùa.")
    other = meeting_schedule(cell=cast.tree.b1, starts_at=f.at(-2), kind="extraordinary")
    hold(other, {})
    finish_minutes(other, resolution="Nghị quyết của chi bộ khác")
    page = login(cast.member).get(reverse("home")).content.decode()
    assert "Chuyên cần của tôi năm" in page and "50,0 %" in page
    assert page.count("Vắng có lý do") == 1 and page.count("Vắng không lý do") == 1
    assert "Tập trung thu hoạch vụ mùa." in page and "Nghị quyết của chi bộ khác" not in page


def test_my_attendance_rate_is_the_rules_rate_rounded_half_up(cast, login, frozen):
    for i, outcome in enumerate(["present", "present", "unexcused"]):
        hold(meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1 - i * 3), kind="extraordinary"),
             {cast.member: outcome})
    committee = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-12), kind="committee")
    hold(committee, {cast.member: "unexcused"})  # a cell-committee meeting is not a cell meeting
    page = login(cast.member).get(reverse("home")).content.decode()
    assert "66,7 %" in page  # 2 of 3, as the dashboards count it (it used to say 67% or 50%)


def test_an_unfinished_resolution_is_not_shown(cast, login):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1), kind="extraordinary")
    hold(meeting, {})
    from meetings.models import Minutes
    Minutes.objects.create(meeting=meeting, resolution="Bản nháp chưa hoàn thành")
    assert "Bản nháp chưa hoàn thành" not in login(cast.member).get(reverse("home")).content.decode()


def test_officers_get_shortcuts_to_their_cells(cast, login):
    page = login(cast.secretary).get(reverse("home")).content.decode()
    assert reverse("cell_home", args=[cast.tree.a1.public_id]) in page
    assert reverse("meeting_new", args=[cast.tree.a1.public_id]) in page
    plain = login(cast.member).get(reverse("home")).content.decode()
    assert reverse("cell_home", args=[cast.tree.a1.public_id]) not in plain


def test_the_home_speaks_english(meeting, cast, login):
    client = login(cast.member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Next meeting" in page and "in 3 days" in page and "I cannot attend: excuse myself" in page


@pytest.mark.parametrize("who", ["member", "secretary"])
def test_the_home_keeps_a_constant_number_of_queries(cast, login, constant_queries, who):
    def populate(count):
        members = grow(cast.tree.a1, count)
        for days in range(1, 5):
            upcoming = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days) + dt.timedelta(minutes=count),
                                        kind="extraordinary")
            document_add(meeting=upcoming, upload=pdf(size=100))
            draft_publish(meeting=upcoming, text="Dự thảo")
        for days in (1, 2):
            past = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-days) - dt.timedelta(minutes=count),
                                    kind="extraordinary")
            hold(past, {m: "unexcused" for m in members})
            finish_minutes(past, resolution="Nghị quyết")
    populate(8)
    client = login(getattr(cast, who))
    constant_queries(lambda: client.get(reverse("home")), lambda: populate(90), ceiling=10)
