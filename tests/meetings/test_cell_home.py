"""The cell home: the next meeting, whether the last regular one was on time, and the to-do list."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Meeting
from meetings.selectors import cell_home
from meetings.services.documents import document_add
from meetings.services.schedule import meeting_postpone, meeting_schedule
from tests import factories as f
from tests.meetings.conftest import FROZEN_NOW, finish_minutes, grow, hold, pdf

TZ = FROZEN_NOW.tzinfo


def kinds(home):
    return [todo.kind for todo in home.todos]


@pytest.fixture
def tidy(cast, frozen):
    """Cell A1 with everything done: May's regular meeting held on the 5th with minutes the
    next day, a thematic meeting next week with its documents, June's regular meeting planned."""
    may = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-8))
    hold(may, {})
    finish_minutes(may)
    thematic = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(7), kind="thematic", title="Nghị quyết")
    document_add(meeting=thematic, upload=pdf())
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(23))  # 5 June
    return may, thematic


def test_a_tidy_cell_has_nothing_to_do(cast, tidy):
    may, thematic = tidy
    home = cell_home(cast.tree.a1)
    assert home.todos == []
    assert home.next_meeting == thematic and home.next_meeting.document_count == 1
    last = home.last_regular
    assert last.meeting == may and last.held_on_schedule and last.meeting.roll_call_recorded_at
    assert last.minutes_completed and last.minutes_on_time


def test_documents_are_due_a_day_before_the_next_meeting(cast, frozen):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(1, hour=9))
    (todo,) = [t for t in cell_home(cast.tree.a1).todos if t.kind == "documents"]
    assert todo.overdue and todo.due == dt.datetime(2026, 5, 13, 9, 30, tzinfo=TZ)


def test_a_past_meeting_without_roll_call_is_listed(cast, frozen):
    forgotten = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-8))
    home = cell_home(cast.tree.a1)
    assert [t.meeting for t in home.todos if t.kind == "roll_call"] == [forgotten]
    assert not home.last_regular.held


def test_minutes_are_due_within_two_days_and_late_ones_show(cast, frozen):
    old = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-8), kind="extraordinary")
    hold(old, {})
    recent = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1), kind="committee")
    hold(recent, {})
    todos = {t.meeting: t for t in cell_home(cast.tree.a1).todos if t.kind == "minutes"}
    assert todos[old].overdue and not todos[recent].overdue
    assert todos[recent].due == recent.ends_at + dt.timedelta(days=2)


def test_minutes_completed_late_are_marked_late(cast, frozen):
    may = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-8))
    hold(may, {})
    finish_minutes(may, after=dt.timedelta(days=3))
    last = cell_home(cast.tree.a1).last_regular
    assert last.minutes_completed and not last.minutes_on_time


def test_a_postponed_regular_meeting_counts_as_held_late(cast, frozen):
    frozen(dt.datetime(2026, 5, 4, 9, tzinfo=TZ))
    may = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(1))  # due 5 May
    meeting_postpone(meeting=may, starts_at=f.at(4), reason="Mưa bão")  # held 8 May
    frozen(dt.datetime(2026, 5, 9, 9, tzinfo=TZ))
    hold(may, {})
    frozen(FROZEN_NOW)
    last = cell_home(cast.tree.a1).last_regular
    assert last.meeting == may and last.held and not last.held_on_schedule


def test_two_unexcused_absences_warn_and_three_call_for_action(cast, frozen):
    absent_twice, absent_thrice = f.member(cast.tree.a1, name="Hai Lần"), f.member(cast.tree.a1, name="Ba Lần")
    frozen(dt.datetime(2025, 12, 20, 9, tzinfo=TZ))
    last_year = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-3), kind="extraordinary")
    hold(last_year, {absent_twice: "unexcused"})  # last year's absence does not count
    frozen(FROZEN_NOW)
    for days in (-100, -70, -40):
        meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days), kind="extraordinary")
        hold(meeting, {absent_thrice: "unexcused", absent_twice: "unexcused" if days != -40 else "excused"})
    todos = {t.member_name: t for t in cell_home(cast.tree.a1).todos if t.kind == "absences"}
    assert todos["Hai Lần"].count == 2 and not todos["Hai Lần"].overdue
    assert todos["Ba Lần"].count == 3 and todos["Ba Lần"].overdue
    assert set(todos) == {"Hai Lần", "Ba Lần"}


def test_probation_ending_within_sixty_days_or_already_ended_is_listed(cast, frozen):
    f.member(cast.tree.a1, name="Sắp Hết", official=False, admitted=dt.date(2025, 6, 20))
    f.member(cast.tree.a1, name="Đã Hết", official=False, admitted=dt.date(2025, 4, 1))
    f.member(cast.tree.a1, name="Còn Lâu", official=False, admitted=dt.date(2025, 9, 1))
    todos = {t.member_name: t for t in cell_home(cast.tree.a1).todos if t.kind == "probation"}
    assert set(todos) == {"Sắp Hết", "Đã Hết"}
    assert todos["Sắp Hết"].due == dt.date(2026, 6, 20) and not todos["Sắp Hết"].overdue
    assert todos["Đã Hết"].overdue


def test_a_missing_regular_meeting_next_month_and_thematic_this_quarter_are_listed(cast, frozen):
    home = cell_home(cast.tree.a1)
    todos = {t.kind: t for t in home.todos}
    assert todos["regular_next_month"].period == dt.date(2026, 6, 1)
    assert todos["thematic_quarter"].period == dt.date(2026, 4, 1) and not todos["thematic_quarter"].overdue
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-20), kind="thematic", title="Chuyên đề quý II")
    assert "thematic_quarter" not in kinds(cell_home(cast.tree.a1))


# --- The page -------------------------------------------------------------------------------

def url(cell):
    return reverse("cell_home", args=[cell.public_id])


def test_the_secretary_sees_the_summary_and_the_to_do_list(cast, login, tidy):
    f.member(cast.tree.a1, name="Sắp Hết", official=False, admitted=dt.date(2025, 6, 20))
    page = login(cast.secretary).get(url(cast.tree.a1)).content.decode()
    assert "Chi bộ thôn Đông" in page and "Việc cần làm" in page
    assert "Họp đúng ngày theo lịch" in page and "Biên bản hoàn thành đúng hạn" in page
    assert "Đồng chí Sắp Hết hết thời gian dự bị ngày 20/06/2026" in page
    assert reverse("meeting_new", args=[cast.tree.a1.public_id]) in page


def test_an_empty_to_do_list_says_so(cast, login, tidy):
    page = login(cast.secretary).get(url(cast.tree.a1)).content.decode()
    assert "Không có việc tồn đọng" in page


@pytest.mark.parametrize("who", ["committee", "orgcom", "admin"])
def test_committees_above_read_the_cell_home_without_controls(cast, login, tidy, who):
    page = login(getattr(cast, who)).get(url(cast.tree.a1)).content.decode()
    assert "Việc cần làm" in page
    if who != "admin":
        assert "chỉ xem, không sửa" in page
        assert reverse("meeting_new", args=[cast.tree.a1.public_id]) not in page


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_members_and_outsiders_get_404(cast, login, who):
    assert login(getattr(cast, who)).get(url(cast.tree.a1)).status_code == 404


def test_the_page_keeps_a_constant_number_of_queries(cast, login, tidy, constant_queries):
    def populate(count):
        members = grow(cast.tree.a1, count)
        for _ in range(count // 3):
            f.member(cast.tree.a1, official=False, admitted=dt.date(2025, 6, 1))
        for days in (-100, -70):
            meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days) + dt.timedelta(minutes=count),
                                       kind="extraordinary")
            hold(meeting, {m: "unexcused" for m in members})
    populate(5)
    client = login(cast.secretary)
    assert Meeting.objects.filter(cell=cast.tree.a1).count() > 3
    # 12: the members at risk come from meetings.rules.member_risks (absences, then unpaid
    # fees), then their names.
    constant_queries(lambda: client.get(url(cast.tree.a1)), lambda: populate(60), ceiling=12)


def test_members_at_risk_count_months_as_the_rules_and_dashboards_do(cast, frozen):
    from meetings import rules

    often = f.member(cast.tree.a1, name="Vắng Nhiều")
    for days in (-10, -9, -8, -100):  # three absences in May, one in February: two months
        meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days), kind="extraordinary")
        hold(meeting, {often: "unexcused"})
    (todo,) = [t for t in cell_home(cast.tree.a1).todos if t.kind == "absences"]
    months = rules.unexcused_months(cell_id=cast.tree.a1.pk, year=2026)[often.pk].months
    assert todo.member_name == "Vắng Nhiều" and todo.count == months == 2
    assert not todo.overdue  # a warning, not yet the proposal of removal (that is three months)


def test_a_cell_committee_meeting_owes_no_documents(cast, frozen):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(1, hour=9), kind="committee")
    assert "documents" not in kinds(cell_home(cast.tree.a1))


def test_minutes_not_yet_due_are_not_overdue_and_become_so_after_the_deadline(cast, frozen):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1), kind="extraordinary")
    hold(meeting, {})
    (todo,) = [t for t in cell_home(cast.tree.a1).todos if t.kind == "minutes"]
    assert not todo.overdue
    later = todo.due + dt.timedelta(minutes=1)
    (todo,) = [t for t in cell_home(cast.tree.a1, now=later).todos if t.kind == "minutes"]
    assert todo.overdue
