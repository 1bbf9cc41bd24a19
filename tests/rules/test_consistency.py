"""One figure, one value: a generated history of a few cells over two calendar years, after
which every figure computed live from the rules equals the one read from the roll-ups, the
roll-call summary, the dashboards, the cell home, the exports and the API.

The history is drawn by hypothesis with a fixed seed (derandomize): members joining after a
roll call, exempted, sent on temporary transfer, excused in advance; meetings held on time,
late, missed, cancelled; marks left unmarked; documents and minutes on time, late or never.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from api.selectors import month_figures
from cells.models import Organization
from common.months import months_between
from meetings import rules
from meetings.models import Attendance, Meeting, MeetingDocument, Minutes
from meetings.reminders import absence_nudges_due
from meetings.roll_call_selectors import attendance_summary, roll_call_sheet
from meetings.selectors import cell_home, member_home
from meetings.services.documents import document_add
from meetings.services.minutes import minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule
from members.access import Scope
from members.models import Member, MemberStatus
from members.services import member_change_status
from reports.builders import org_table
from reports.periods import Period
from reports.selectors import UnitQuery, members_at_risk, organization_overview
from rollups import services as rollups
from rollups.models import CellMonth, MemberYear, OrganizationMonth
from tests import factories as f

TZ = timezone.get_fixed_timezone(7 * 60)
# The day after November's meeting: its minutes and the roll-ups' current month are not yet due.
NOW = dt.datetime(2026, 11, 6, 10, 0, tzinfo=TZ)
FIRST_MONTH = dt.date(2025, 1, 1)
LAST_MONTH = dt.date(2026, 11, 1)
MONTHS = months_between(FIRST_MONTH, LAST_MONTH)

FATES = ["on_time", "on_time", "on_time", "late", "missed", "cancelled"]
MARKS = ["present", "present", "present", "present", "excused", "unexcused", "unexcused", "unmarked"]
PAPERS = ["on_time", "late", "never"]


def local(day: dt.date, hour: int = 19, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@dataclass
class MonthPlan:
    fate: str
    marks: list[str]
    documents: str
    minutes: str
    thematic: bool
    joiner_after: bool  # a member added the same evening, dated the meeting's day
    exempt_one: bool  # one member exempted after the meeting


def month_plans(cells: int, people: int):
    month = st.builds(
        MonthPlan,
        fate=st.sampled_from(FATES),
        marks=st.lists(st.sampled_from(MARKS), min_size=people + 4, max_size=people + 4),
        documents=st.sampled_from(PAPERS),
        minutes=st.sampled_from(PAPERS),
        thematic=st.booleans(),
        joiner_after=st.booleans(),
        exempt_one=st.integers(0, 9).map(lambda n: n == 0),
    )
    return st.lists(st.lists(month, min_size=len(MONTHS), max_size=len(MONTHS)), min_size=cells, max_size=cells)


def pdf():
    return SimpleUploadedFile("Tài liệu.pdf", b"%PDF-1.7\n" + b"0" * 500, content_type="application/pdf")


def _hold(cell, month: dt.date, plan: MonthPlan, kind: str, day: int) -> Meeting | None:
    scheduled = month.replace(day=day)
    with time_machine.travel(local(scheduled - dt.timedelta(days=10), 8), tick=False):
        meeting = meeting_schedule(cell=cell, starts_at=local(scheduled), kind=kind)
        if plan.documents == "on_time":
            document_add(meeting=meeting, upload=pdf(), title="Dự thảo")
    if plan.fate == "cancelled":
        with time_machine.travel(local(scheduled - dt.timedelta(days=5), 8), tick=False):
            meeting_cancel(meeting=meeting, reason="Bão")
        return None
    if plan.fate == "missed":
        return None
    held_on = scheduled + dt.timedelta(days=3) if plan.fate == "late" and kind == "regular" else scheduled
    if local(held_on, 21, 5) > NOW:
        return None  # still ahead: planned, not yet due
    if held_on != scheduled:
        with time_machine.travel(local(scheduled - dt.timedelta(days=4), 8), tick=False):
            meeting = meeting_postpone(meeting=meeting, starts_at=local(held_on), reason="Trùng lịch")
    if plan.documents == "late":
        with time_machine.travel(local(held_on, 9), tick=False):
            document_add(meeting=meeting, upload=pdf(), title="Báo cáo")
    with time_machine.travel(local(held_on, 21, 5), tick=False):
        people = [member for member, _basis in rules.summon_list(meeting)]
        entries = {}
        for member, mark in zip(people, plan.marks, strict=False):
            if mark != "unmarked" and (member.status != MemberStatus.EXEMPT or mark == "present"):
                entries[member.pk] = (mark, "Ốm" if mark == "excused" else "")
        attendance_record(meeting=meeting, entries=entries)
    meeting.refresh_from_db()
    if plan.minutes != "never":
        finish = local(held_on, 22) if plan.minutes == "on_time" else local(held_on + dt.timedelta(days=5), 9)
        chair = next((row.member for row in attendance_summary(roll_call_sheet(meeting)).attendees), None)
        if chair is not None:  # nobody came: no chair, the minutes stay unfinished
            with time_machine.travel(finish, tick=False):
                minutes_save(meeting=meeting, contents="Nội dung sinh hoạt", chair=chair, minute_taker=chair)
                minutes_finalize(meeting=meeting)
    return meeting


def build_history(plans: list[list[MonthPlan]], people: int):
    with time_machine.travel(local(dt.date(2024, 12, 1), 8), tick=False):
        province = f.org("Đảng bộ tỉnh Thử", kind=Organization.Kind.PROVINCE, regular_meeting_day=5)
        commune = f.org("Đảng bộ xã Thử", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=province)
        cells = [f.org(f"Chi bộ {i}", parent=commune) for i in range(len(plans))]
        rosters = [[f.member(cell, official=i % 4 != 0, admitted=dt.date(2010 + i, 3, 1),
                             start_date=dt.date(2024, 1, 1)) for i in range(people)] for cell in cells]
    # One member attends the second cell on temporary transfer from March 2025.
    if len(cells) > 1:
        with time_machine.travel(local(dt.date(2025, 3, 1), 8), tick=False):
            member_change_status(member=rosters[0][1], status=MemberStatus.TEMPORARY_TRANSFER,
                                 effective_date=dt.date(2025, 3, 1), temporary_cell=cells[1])
    for month_index, month in enumerate(MONTHS):
        for cell, roster, cell_plans in zip(cells, rosters, plans, strict=True):
            plan = cell_plans[month_index]
            meeting = _hold(cell, month, plan, "regular", 5)
            if plan.thematic and month.month % 3 == 0:
                _hold(cell, month, MonthPlan("on_time", plan.marks[::-1], "on_time", "on_time", False, False, False),
                      "thematic", 20)
            if meeting is None:
                continue
            day = timezone.localdate(meeting.starts_at)
            if plan.joiner_after:
                with time_machine.travel(local(day, 22, 30), tick=False):
                    roster.append(f.member(cell, start_date=day))
            if plan.exempt_one:
                candidate = next((m for m in roster if m.status == MemberStatus.OFFICIAL), None)
                if candidate is not None:
                    with time_machine.travel(local(day + dt.timedelta(days=1), 9), tick=False):
                        member_change_status(member=candidate, status=MemberStatus.EXEMPT,
                                             effective_date=day + dt.timedelta(days=1))
                    candidate.refresh_from_db()
    return commune, cells


# --- The figures computed live, from the rules over the source rows --------------------------

def live_cell_month(cell, month: dt.date, now: dt.datetime) -> dict:
    meetings = list(Meeting.objects.filter(rules.counted_meetings_of(), cell=cell, period=month))
    rows = list(Attendance.objects.filter(meeting__in=meetings))
    counts = rules.attendance_counts(rows)
    regular = next((m for m in meetings if m.kind == Meeting.Kind.REGULAR), None)
    state = rules.regular_state(
        month=month, held_on=timezone.localdate(regular.starts_at) if regular else None,
        scheduled_date=regular.scheduled_date if regular else None, today=timezone.localdate(now))
    documents = []
    minutes = []
    for meeting in meetings:
        if meeting.kind in rules.MEETINGS_WITH_DOCUMENTS:
            first = MeetingDocument.objects.filter(meeting=meeting).order_by("uploaded_at").first()
            documents.append(rules.documents_state(meeting, first_posted_at=first and first.uploaded_at, now=now))
        finished = Minutes.objects.filter(meeting=meeting).values_list("finalized_at", flat=True).first()
        minutes.append(rules.minutes_state(meeting, finalized_at=finished, now=now))
    return {
        "summoned": counts.summoned, "present": counts.present, "excused": counts.excused,
        "unexcused": counts.unexcused,
        "regular_on_time": int(state == rules.ON_TIME), "regular_late": int(state == rules.LATE),
        "regular_missed": int(state == rules.MISSED),
        "documents_on_time": documents.count(rules.ON_TIME),
        "documents_due": sum(1 for s in documents if s != rules.NOT_YET_DUE),
        "minutes_on_time": minutes.count(rules.ON_TIME),
        "minutes_due": sum(1 for s in minutes if s != rules.NOT_YET_DUE),
    }


FIELDS = ["summoned", "present", "excused", "unexcused", "regular_on_time", "regular_late", "regular_missed",
          "documents_on_time", "documents_due", "minutes_on_time", "minutes_due"]


def check_everything_agrees(commune, cells):
    now = timezone.now()
    rollups.rollups_rebuild(years=[2025, 2026])
    stored = {(row.cell_id, row.month): row for row in CellMonth.objects.filter(cell__in=cells)}
    org_rows = {row.month: row for row in OrganizationMonth.objects.filter(organization=commune)}
    for month in MONTHS:
        totals = dict.fromkeys(FIELDS, 0)
        for cell in cells:
            live = live_cell_month(cell, month, now)
            row = stored[(cell.pk, month)]
            assert {name: getattr(row, name) for name in FIELDS} == live, (cell.name, month)
            for name in FIELDS:
                totals[name] += live[name]
        assert {name: getattr(org_rows[month], name) for name in FIELDS} == totals, month
    # Every held meeting: the roll-call summary of the minutes equals the rule's count of its rows.
    for meeting in Meeting.objects.filter(cell__in=cells, status=Meeting.Status.HELD):
        summary = attendance_summary(roll_call_sheet(meeting))
        counts = rules.attendance_counts(meeting.attendances.all())
        assert (summary.summoned, len(summary.present), len(summary.excused), len(summary.unexcused)) == (
            counts.summoned, counts.present, counts.excused, counts.unexcused), meeting
        assert summary.rate == counts.rate
    # Members at risk: the roll-ups' member years are the rule's months, cell by cell.
    for cell in cells:
        for year in (2025, 2026):
            live = {member_id: absence.months for member_id, absence in
                    rules.unexcused_months(cell_id=cell.pk, year=year).items() if absence.level}
            stored_years = dict(MemberYear.objects.filter(cell=cell, year=year)
                                .values_list("member_id", "unexcused_months"))
            assert stored_years == live, (cell.name, year)
            year_end = min(dt.date(year, 12, 1), LAST_MONTH)
            assert stored[(cell.pk, year_end)].members_at_risk == len(live), (cell.name, year)
    check_the_pages_and_exports(commune, cells, now)
    seen = Counter({name: sum(getattr(row, name) for row in stored.values()) for name in FIELDS})
    seen["members_at_risk"] = MemberYear.objects.filter(cell__in=cells).count()
    return seen


def live_year(cells, year: int, now: dt.datetime) -> dict:
    """Live sums of the year's months up to the current one, per cell id and in total."""
    months = [m for m in MONTHS if m.year == year]
    per_cell = {}
    for cell in cells:
        sums = dict.fromkeys(FIELDS, 0)
        for month in months:
            for name, value in live_cell_month(cell, month, now).items():
                sums[name] += value
        per_cell[cell.pk] = sums
    total = {name: sum(sums[name] for sums in per_cell.values()) for name in FIELDS}
    return {"cells": per_cell, "total": total}


def check_the_pages_and_exports(commune, cells, now):
    """The dashboards' selectors, the export tables and the cell home say what the rules say."""
    names = {cell.name: cell.pk for cell in cells}
    for year in (2025, 2026):
        period = Period.parse(str(year))
        live = live_year(cells, year, now)
        totals = organization_overview(commune, period).totals
        expected = live["total"]
        assert totals.attendance_rate == rules.attendance_rate(expected["present"], expected["summoned"])
        assert totals.documents_rate == rules.timely_rate(expected["documents_on_time"], expected["documents_due"])
        assert totals.minutes_rate == rules.timely_rate(expected["minutes_on_time"], expected["minutes_due"])
        table = org_table(commune, "units", period, UnitQuery())
        keys = [column.key for column in table.columns]
        for row in table.rows:
            values = dict(zip(keys, row, strict=True))
            cell_live = live["cells"][names[values["name"]]]
            assert (values["summoned"], values["present"], values["unexcused"]) == (
                cell_live["summoned"], cell_live["present"], cell_live["unexcused"]), values["name"]
            assert values["attendance_rate"] == rules.attendance_rate(cell_live["present"], cell_live["summoned"])
            assert values["minutes_rate"] == rules.timely_rate(cell_live["minutes_on_time"], cell_live["minutes_due"])
        at_risk = {(row.member_id, row.cell_id) for row in members_at_risk(commune, period)}
        assert at_risk == {(member_id, cell.pk) for cell in cells
                           for member_id, absence in rules.unexcused_months(cell_id=cell.pk, year=year).items()
                           if absence.level}
    # The API's months are the dashboard's, the rules' rates.
    for month in (m for m in MONTHS if m.year == now.year):
        live = {name: sum(live_cell_month(cell, month, now)[name] for cell in cells) for name in FIELDS}
        figures = month_figures(commune, month)
        assert figures.attendance_rate == rules.attendance_rate(live["present"], live["summoned"]), month
        assert figures.minutes_rate == rules.timely_rate(live["minutes_on_time"], live["minutes_due"]), month
    # The absence nudges go to the members the dashboard counts at risk this year.
    nudged = set()
    for meeting in Meeting.objects.filter(cell__in=cells, status=Meeting.Status.HELD, period__year=now.year):
        nudged |= {(r.params["cell_id"], r.params["member_id"]) for r in absence_nudges_due(now, meeting_id=meeting.pk)}
    assert nudged == {(cell.pk, member_id) for cell in cells
                      for member_id, absence in rules.unexcused_months(cell_id=cell.pk, year=now.year).items()
                      if absence.level}
    # Each member's own page counts their year as the rules do.
    for member in Member.objects.filter(memberships__cell__in=cells).distinct():
        scope = Scope(user_id=None, is_superuser=False, member_id=member.pk, member_cell_ids=frozenset(),
                      home_cell_id=None, managed_cell_ids=frozenset(), oversight=())
        rows = Attendance.objects.filter(rules.counted_meetings_of("meeting__"), member=member,
                                         meeting__period__year=now.year)
        assert member_home(scope, now=now).attendance.rate == rules.attendance_counts(rows).rate, member
    # The cell home warns about the same members, with the same months, as the dashboard.
    for cell in cells:
        home = cell_home(cell, now=now)
        today = Meeting(cell=cell, starts_at=now)  # who a meeting today would summon
        assert home.members_summoned == sum(
            1 for _member, basis in rules.summon_list(today) if basis in rules.SUMMONED_BASES), cell.name
        warned = {todo.member_public_id: todo.count for todo in home.todos if todo.kind == "absences"}
        live = {absence.member_id: absence.months
                for absence in rules.unexcused_months(cell_id=cell.pk, year=now.year).values() if absence.level}
        public_ids = dict(MemberYear.objects.filter(cell=cell, year=now.year)
                          .values_list("member__public_id", "unexcused_months"))
        assert warned == public_ids and sorted(warned.values()) == sorted(live.values()), cell.name


def test_every_figure_is_the_same_wherever_it_is_read(db, settings_media):
    seen = Counter()

    @settings(max_examples=4, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(plans=month_plans(cells=2, people=6))
    def one_history(plans):
        with time_machine.travel(NOW, tick=False), transaction.atomic():
            commune, cells = build_history(plans, people=6)
            seen.update(check_everything_agrees(commune, cells))
            transaction.set_rollback(True)

    one_history()
    # The histories were not vacuous: they held every case the figures tell apart.
    cases = ("summoned", "present", "excused", "unexcused", "regular_on_time", "regular_late", "regular_missed",
             "documents_on_time", "documents_due", "minutes_on_time", "minutes_due", "members_at_risk")
    assert all(seen[name] for name in cases), seen


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
