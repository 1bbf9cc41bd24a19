"""Nudges to secretaries and the upper level fire once each, at the right moment (frozen clock)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from meetings import reminders
from meetings.models import MeetingDocument, Minutes
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from members.models import CommitteeSeat, Role
from members.services import membership_set_role
from notifications.models import Dispatch
from notifications.services.dispatch import dispatches_create
from tests import factories as f


def _at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _nudges(moment: dt.datetime, kind: str | None = None) -> list[str]:
    with time_machine.travel(moment, tick=False):
        found = reminders.nudges_due(timezone.now())
    return sorted(r.key for r in found if kind is None or r.kind == kind)


def _fire(moment: dt.datetime) -> list[int]:
    with time_machine.travel(moment, tick=False):
        return dispatches_create(requests=reminders.nudges_due(timezone.now()))


@pytest.fixture
def people(tree):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bi")
    member = f.member(tree.a1, name="Lê Thị Hoa", username="hoa")
    committee = f.member(tree.a2, name="Phạm Đức Ủy", username="uy")
    f.seat(committee, tree.commune_a, CommitteeSeat.Body.STANDING_COMMITTEE)
    outsider = f.member(tree.b1, name="Vũ Văn Ngoài", role=Role.SECRETARY, username="ngoai")
    outside_committee = f.member(tree.b1, name="Đào Thị Khác", username="khac")
    f.seat(outside_committee, tree.commune_b, CommitteeSeat.Body.STANDING_COMMITTEE)
    return secretary, member, committee, outsider, outside_committee


# --- No regular meeting scheduled for next month by the 25th ----------------------------------

def test_cells_without_next_months_regular_meeting_are_nudged_from_the_25th_at_the_nudge_hour(tree, people):
    day = dt.date(2031, 3, 25)
    meeting_schedule(cell=tree.a2, starts_at=_at(dt.date(2031, 4, 5), 19, 30))  # a2 has April's meeting
    kind = reminders.NUDGE_SCHEDULE
    assert _nudges(_at(day - dt.timedelta(days=1), 23, 59), kind) == []
    assert _nudges(_at(day, 7, 59), kind) == []
    assert _nudges(_at(day, 8), kind) == sorted(
        f"cell:{cell.pk}:no-regular-meeting:2031-04" for cell in (tree.a1, tree.b1))
    assert len(_fire(_at(day, 8))) == 2
    assert _fire(_at(day + dt.timedelta(days=3), 9)) == []  # once
    assert _nudges(_at(dt.date(2031, 4, 2), 9), kind) == []  # a new month: from its 25th again


# --- Documents not posted one day before --------------------------------------------------------

def test_a_meeting_without_documents_is_nudged_one_day_before(tree, people):
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() + dt.timedelta(days=5))
    deadline = meeting.starts_at - dt.timedelta(days=1)
    kind = reminders.NUDGE_DOCUMENTS
    assert _nudges(deadline - dt.timedelta(minutes=1), kind) == []
    assert _nudges(deadline, kind) == [f"meeting:{meeting.pk}:documents-missing"]
    MeetingDocument.objects.create(meeting=meeting, title="Dự thảo nghị quyết", file="meetings/x/du-thao.pdf",
                                   content_type="application/pdf", size=1024)
    assert _nudges(deadline, kind) == []


def test_a_meeting_called_at_shorter_notice_is_not_nudged_about_documents(tree, people):
    meeting_schedule(cell=tree.a1, starts_at=timezone.now() + dt.timedelta(hours=20), kind="regular")
    assert _nudges(timezone.now() + dt.timedelta(hours=1), reminders.NUDGE_DOCUMENTS) == []


# --- Roll call not recorded 24 hours after ------------------------------------------------------

def test_a_missing_roll_call_is_nudged_a_day_after_the_meeting_and_not_for_ever(tree, people):
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() - dt.timedelta(hours=3))
    due = meeting.ends_at + dt.timedelta(hours=24)
    kind = reminders.NUDGE_ROLL_CALL
    assert _nudges(due - dt.timedelta(minutes=1), kind) == []
    assert _nudges(due, kind) == [f"meeting:{meeting.pk}:roll-call-missing"]
    assert _nudges(due + dt.timedelta(days=8), kind) == []  # beyond the catch-up window


def test_a_recorded_roll_call_is_not_nudged(tree, people):
    secretary, member, *_ = people
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() - dt.timedelta(hours=3))
    attendance_record(meeting=meeting, entries={secretary.pk: ("present", ""), member.pk: ("present", "")})
    assert _nudges(meeting.ends_at + dt.timedelta(hours=25), reminders.NUDGE_ROLL_CALL) == []


# --- Minutes not completed within 2 days --------------------------------------------------------

def test_minutes_not_completed_two_days_after_a_held_meeting_are_nudged(tree, people):
    secretary, member, *_ = people
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() - dt.timedelta(hours=3))
    attendance_record(meeting=meeting, entries={secretary.pk: ("present", ""), member.pk: ("present", "")})
    due = meeting.ends_at + dt.timedelta(days=2)
    kind = reminders.NUDGE_MINUTES
    assert _nudges(due - dt.timedelta(minutes=1), kind) == []
    assert _nudges(due, kind) == [f"meeting:{meeting.pk}:minutes-missing"]
    Minutes.objects.create(meeting=meeting, finalized_at=timezone.now())
    assert _nudges(due, kind) == []


# --- Absences without reason: months of the year, as the dashboards count them ---------------------

ABSENCE_NOW = dt.datetime(2031, 6, 15, 10, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _meeting_on(cell, month: int, day: int = 10):
    return meeting_schedule(cell=cell, starts_at=_at(dt.date(2031, month, day), 19, 30), kind="extraordinary")


def test_a_member_is_flagged_at_the_second_month_with_an_unexcused_absence_once(tree, people):
    secretary, member, *_ = people
    kind = reminders.NUDGE_ABSENCES
    with time_machine.travel(ABSENCE_NOW, tick=False):
        april, may, june = (_meeting_on(tree.a1, month) for month in (4, 5, 6))
        attendance_record(meeting=april, entries={member.pk: ("unexcused", "")})
        attendance_record(meeting=may, entries={member.pk: ("excused", "Ốm")})
    assert _nudges(ABSENCE_NOW, kind) == []
    with time_machine.travel(ABSENCE_NOW, tick=False):
        attendance_record(meeting=june, entries={member.pk: ("unexcused", "")})
    assert _nudges(ABSENCE_NOW, kind) == [f"member:{member.pk}:unexcused:2031"]
    assert len(_fire(ABSENCE_NOW)) >= 1
    assert Dispatch.objects.filter(kind=kind).count() == 1
    assert not _fire(ABSENCE_NOW)  # once a year


def test_two_absences_in_one_month_are_one_month_for_the_nudge_as_for_the_dashboard(tree, people):
    from meetings import rules

    _, member, *_ = people
    with time_machine.travel(ABSENCE_NOW, tick=False):
        for day in (3, 10):
            attendance_record(meeting=_meeting_on(tree.a1, 6, day), entries={member.pk: ("unexcused", "")})
    assert rules.unexcused_months(cell_id=tree.a1.pk, year=2031)[member.pk].months == 1
    assert _nudges(ABSENCE_NOW, reminders.NUDGE_ABSENCES) == []


def test_the_absence_notice_counts_the_same_months_as_the_rules(tree, people):
    from meetings import rules

    _, member, *_ = people
    with time_machine.travel(ABSENCE_NOW, tick=False):
        for month, day in ((4, 3), (4, 10), (6, 10)):
            attendance_record(meeting=_meeting_on(tree.a1, month, day), entries={member.pk: ("unexcused", "")})
        (request,) = [r for r in reminders.nudges_due(timezone.now()) if r.kind == reminders.NUDGE_ABSENCES]
        context = reminders._absences_context(request.params)
    assert (context["months"], context["count"]) == (2, 3)
    assert context["months"] == rules.unexcused_months(cell_id=tree.a1.pk, year=2031)[member.pk].months
    assert context["cell"] == tree.a1 and len(context["meetings"]) == 3


def test_a_saved_roll_call_checks_its_members_at_once(tree, people, django_capture_on_commit_callbacks):
    _, member, *_ = people
    with time_machine.travel(ABSENCE_NOW, tick=False):
        first, second = _meeting_on(tree.a1, 5), _meeting_on(tree.a1, 6)
        attendance_record(meeting=first, entries={member.pk: ("unexcused", "")})
        with django_capture_on_commit_callbacks(execute=True):
            attendance_record(meeting=second, entries={member.pk: ("unexcused", "")})
    assert Dispatch.objects.filter(kind=reminders.NUDGE_ABSENCES, params__member_id=member.pk).count() == 1


# --- Probation ending within 30 days ------------------------------------------------------------

def test_a_probation_ending_within_30_days_is_nudged_from_30_days_before(tree, people):
    ends = dt.date(2031, 6, 20)
    admitted = dt.date(2030, 6, 20)
    recruit = f.member(tree.a1, name="Nguyễn Văn Mới", official=False, admitted=admitted)
    kind = reminders.NUDGE_PROBATION
    key = f"member:{recruit.pk}:probation-end:2031-06-20"
    assert _nudges(_at(ends - dt.timedelta(days=31), 9), kind) == []
    assert _nudges(_at(ends - dt.timedelta(days=30), 7), kind) == []
    assert _nudges(_at(ends - dt.timedelta(days=30), 8), kind) == [key]
    assert _nudges(_at(ends, 9), kind) == [key]
    assert _nudges(_at(ends + dt.timedelta(days=1), 9), kind) == []


# --- Party badges ahead of the presentation dates ------------------------------------------------

@pytest.mark.parametrize(("admitted", "occasion"), [
    (dt.date(2001, 5, 10), dt.date(2031, 5, 19)),  # 30 years on 10 May: presented on 19 May
    (dt.date(1986, 5, 20), dt.date(2031, 9, 2)),  # 45 years on 20 May, just after: on 2 September
    (dt.date(1976, 11, 7), dt.date(2031, 11, 7)),  # 55 years on the day itself
    (dt.date(1971, 2, 1), dt.date(2031, 2, 3)),  # 60 years
])
def test_badge_anniversaries_are_nudged_ahead_of_the_presentation_date(tree, people, admitted, occasion, settings):
    veteran = f.member(tree.a1, name="Hoàng Văn Lão", admitted=admitted)
    kind = reminders.NUDGE_BADGE
    years = occasion.year - admitted.year
    key = f"member:{veteran.pk}:badge:{years}"
    notice = settings.HANDBOOK_RULES["badge_notice_days"]  # 60: the committee's list is ready by then
    assert _nudges(_at(occasion - dt.timedelta(days=notice + 1), 9), kind) == []
    assert _nudges(_at(occasion - dt.timedelta(days=notice), 8), kind) == [key]
    assert _nudges(_at(occasion, 9), kind) == [key]
    assert _nudges(_at(occasion + dt.timedelta(days=1), 9), kind) == []


def test_no_badge_for_years_that_are_not_milestones(tree, people):
    f.member(tree.a1, name="Hoàng Văn Lão", admitted=dt.date(1996, 5, 10))  # 35 years in 2031
    assert _nudges(_at(dt.date(2031, 5, 1), 9), reminders.NUDGE_BADGE) == []


# --- Who is told ----------------------------------------------------------------------------------

def test_the_secretary_and_the_communes_standing_committee_are_told_and_no_outsider(tree, people):
    secretary, member, committee, outsider, outside_committee = people
    told = set(reminders.officers_to_tell(tree.a1, upper_level=True))
    assert told == {secretary, committee}
    assert set(reminders.officers_to_tell(tree.a1, upper_level=False)) == {secretary}
    assert outsider not in told and outside_committee not in told and member not in told


def test_the_deputy_is_told_when_the_cell_has_no_secretary(tree, people):
    secretary, member, *_ = people
    membership_set_role(member=secretary, cell=tree.a1, role=Role.MEMBER)
    membership_set_role(member=member, cell=tree.a1, role=Role.DEPUTY_SECRETARY)
    assert set(reminders.officers_to_tell(tree.a1, upper_level=False)) == {member}
