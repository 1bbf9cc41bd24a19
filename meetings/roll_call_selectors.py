"""Scoped reads for the roll call and the minutes: the sheet, the attendance summary, access."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404

from common.text import vietnamese_sort_key
from meetings import rules
from meetings.models import AbsenceExcuse, Attendance, Meeting, Minutes, MinutesAmendment
from meetings.rules import MARKS
from meetings.selectors import get_meeting_for_viewer
from members.access import Scope, can_manage_cell
from members.models import CellMembership, Member, Role

Status = Attendance.Status


@dataclass
class RollCallRow:
    """One member on the roll call: why they are on it, what was recorded, the advance excuse."""

    member: Member
    basis: str
    attendance: Attendance | None = None
    excuse: AbsenceExcuse | None = None  # sent in advance and not withdrawn
    # meetings.rules: the excuse counts for the meeting as it is now, or the meeting moved
    # since and the member has to confirm it again (shown to the secretary as such).
    excuse_stands: bool = False
    excuse_needs_confirmation: bool = False
    # What the secretary chose on a form the server refused: shown again, nothing lost.
    typed: tuple[str, str] | None = None

    @property
    def exempt(self) -> bool:
        return self.basis == Attendance.Basis.EXEMPT

    @property
    def saved_status(self) -> str:
        """The recorded mark; "" when none (no row yet, or a summoned member still unmarked)."""
        status = self.attendance.status if self.attendance else ""
        return status if status in MARKS else ""

    @property
    def saved_reason(self) -> str:
        return self.attendance.reason if self.saved_status else ""

    @property
    def status(self) -> str:
        """What the roll call shows: what was typed, what was recorded, else the advance
        excuse if it still stands (given for the meeting's current start)."""
        if self.typed is not None:
            return self.typed[0]
        if self.saved_status:
            return self.saved_status
        return Status.EXCUSED if not self.exempt and self.excuse_stands else ""

    @property
    def reason(self) -> str:
        if self.typed is not None:
            return self.typed[1]
        if self.saved_status:
            return self.saved_reason
        return self.excuse.reason if self.excuse_stands else ""

    @property
    def is_official(self) -> bool:
        """Official on the day: frozen on the row once the roll call is saved."""
        return self.attendance.was_official if self.attendance else self.member.is_official


@dataclass
class RollCallSheet:
    meeting: Meeting
    summoned: list[RollCallRow]
    exempt: list[RollCallRow]

    def rows(self):
        return [*self.summoned, *self.exempt]

    def by_public_id(self) -> dict[str, RollCallRow]:
        return {str(row.member.public_id): row for row in self.rows()}


def _by_name(rows: list[RollCallRow]) -> list[RollCallRow]:
    return sorted(rows, key=lambda row: vietnamese_sort_key(row.member.full_name))


def roll_call_sheet(meeting: Meeting) -> RollCallSheet:
    """The summoned members (and, apart, the exempt ones) with their marks, in Vietnamese
    name order: a handful of queries whatever the size of the cell.

    Once the roll call is saved (`rules.is_frozen`) the attendance rows are the list: a
    member imported, added, backdated or exempted later changes nothing. Before, the list is
    the roster as it stands (`rules.summon_list`).
    """
    if not rules.is_frozen(meeting):
        # A copy read before the roll call was saved must not show the live list after it.
        meeting.refresh_from_db(fields=["roll_call_recorded_at"])
    excuses = {e.member_id: e for e in AbsenceExcuse.objects.filter(meeting=meeting, withdrawn_at__isnull=True)}

    def row(member, basis, attendance=None):
        excuse = excuses.get(member.pk)
        return RollCallRow(member, basis, attendance, excuse, rules.excuse_stands(excuse, meeting),
                           rules.excuse_needs_confirmation(excuse, meeting))

    if rules.is_frozen(meeting):
        attendances = list(meeting.attendances.select_related("member"))
        rows = [row(a.member, a.basis, a) for a in attendances]
        # Exempt members who may still be recorded present at a correction (not counted).
        frozen = {a.member_id for a in attendances}
        rows += [row(m, Attendance.Basis.EXEMPT) for m in rules.exempt_members(meeting) if m.pk not in frozen]
    else:
        rows = [row(member, basis) for member, basis in rules.summon_list(meeting)]
    return RollCallSheet(
        meeting,
        summoned=_by_name([r for r in rows if r.basis in rules.SUMMONED_BASES]),
        exempt=_by_name([r for r in rows if r.exempt]),
    )


class _Counted(NamedTuple):
    """A row as meetings.rules counts it."""

    basis: str
    status: str
    was_official: bool


@dataclass
class AttendanceSummary:
    """The attendance summary of the minutes, computed from the roll call, never typed in.
    The figures are meetings.rules' (`counts`, `official_summoned`); the lists name the people."""

    counts: rules.AttendanceCounts = field(default_factory=rules.AttendanceCounts)
    official_summoned: int = 0
    present: list[RollCallRow] = field(default_factory=list)
    excused: list[RollCallRow] = field(default_factory=list)
    unexcused: list[RollCallRow] = field(default_factory=list)
    unmarked: list[RollCallRow] = field(default_factory=list)
    exempt_present: list[RollCallRow] = field(default_factory=list)

    @property
    def summoned(self) -> int:
        return self.counts.summoned

    @property
    def rate(self):
        """Share of the summoned members who came, in per cent (exempt visitors not counted)."""
        return self.counts.rate

    @property
    def absent(self) -> int:
        return self.counts.excused + self.counts.unexcused

    @property
    def attendees(self) -> list[RollCallRow]:
        return _by_name([*self.present, *self.exempt_present])

    @property
    def official_present(self) -> int:
        """Official members present, exempt members who came included: they may vote."""
        return sum(row.is_official for row in self.attendees)


def attendance_summary(sheet: RollCallSheet, *, as_shown: bool = False) -> AttendanceSummary:
    """Count the roll call. With `as_shown`, count what the roll-call page shows (advance
    excuses not yet confirmed included); otherwise only what was recorded."""
    summary = AttendanceSummary()
    lists = {Status.PRESENT: summary.present, Status.EXCUSED: summary.excused,
             Status.UNEXCUSED: summary.unexcused, Status.UNMARKED: summary.unmarked}
    counted = []
    for row in sheet.rows():
        status = row.status if as_shown else row.saved_status
        status = status if status in MARKS else Status.UNMARKED
        counted.append(_Counted(row.basis, status, row.is_official))
        if not row.exempt:
            lists[status].append(row)
        elif status == Status.PRESENT:
            summary.exempt_present.append(row)
    summary.counts = rules.attendance_counts(counted)
    summary.official_summoned = rules.official_summoned(counted)
    return summary


def minutes_amendments(minutes: Minutes | None) -> list[MinutesAmendment]:
    """The numbered amendments made to finished minutes, in order, with who made them."""
    if minutes is None:
        return []
    amendments = list(minutes.amendments.select_related("made_by__member").order_by("number"))
    for amendment in amendments:
        # The field's name in the reader's language; the stored label if the field is gone.
        amendment.lines = [
            {**change, "label": _field_label(change["field"]) or change["label"]} for change in amendment.changes
        ]
    return amendments


def _field_label(name: str) -> str:
    try:
        return str(Minutes._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return ""


def roll_call_signers(meeting: Meeting) -> list[tuple[int, str, str]]:
    """(member id, role, name) of the cell's secretary and deputies on the day of the meeting:
    who may sign the minutes on behalf of the cell."""
    rows = (
        CellMembership.objects.current(rules.meeting_day(meeting))
        .filter(cell_id=meeting.cell_id, role__in=(Role.SECRETARY, Role.DEPUTY_SECRETARY))
        .values_list("member_id", "role", "member__full_name")
    )
    return sorted(rows, key=lambda row: row[1] != Role.SECRETARY)  # the secretary first


# --- Access ---------------------------------------------------------------------------------

def meeting_for_roll_call(scope: Scope, public_id) -> tuple[Meeting, bool]:
    """The meeting and whether the user may take its roll call; committees above only read.
    Anyone else, a plain member included, gets a 404."""
    meeting = get_meeting_for_viewer(scope, public_id)
    if can_manage_cell(scope, meeting.cell):
        return meeting, True
    if scope.oversees_path(meeting.cell.path):
        return meeting, False
    raise Http404


def reads_absence_reasons(scope: Scope, meeting: Meeting) -> bool:
    """Why a member was absent is for the cell's officers, the committees above and superusers.
    The cell's other members, reading the finished minutes, learn only that the absence was
    excused (the member reads their own excuse on the meeting page)."""
    return can_manage_cell(scope, meeting.cell) or scope.oversees_path(meeting.cell.path)


def meeting_for_minutes(scope: Scope, public_id) -> tuple[Meeting, Minutes | None, bool]:
    """The meeting, its minutes and whether the user may change them.

    Officers of the cell (and superusers) write; committees above read; the cell's members
    read the minutes once they are complete. Anyone else gets a 404.
    """
    meeting = get_meeting_for_viewer(scope, public_id)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("chair", "minute_taker").first()
    if can_manage_cell(scope, meeting.cell):
        return meeting, minutes, True
    if scope.oversees_path(meeting.cell.path) or (minutes is not None and minutes.finalized_at is not None):
        return meeting, minutes, False
    raise Http404
