"""Scoped reads for the roll call and the minutes: the sheet, the attendance summary, access."""

from dataclasses import dataclass, field

from django.db.models import Q, Subquery
from django.http import Http404
from django.utils import timezone

from meetings.models import AbsenceExcuse, Attendance, Meeting, Minutes
from meetings.selectors import exempt_members, get_meeting_for_viewer, summoned_members
from members.access import Scope, can_manage_cell
from members.models import CellMembership, Member, Role


@dataclass
class RollCallRow:
    """One member on the roll call: what was recorded, and the excuse sent in advance."""

    member: Member
    attendance: Attendance | None = None
    excuse: AbsenceExcuse | None = None
    exempt: bool = False
    # What the secretary chose on a form the server refused: shown again, nothing lost.
    typed: tuple[str, str] | None = None

    @property
    def saved_status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def saved_reason(self) -> str:
        return self.attendance.reason if self.attendance else ""

    @property
    def status(self) -> str:
        """What the roll call shows: what was typed, what was recorded, else the advance excuse."""
        if self.typed is not None:
            return self.typed[0]
        if self.attendance:
            return self.attendance.status
        return Attendance.Status.EXCUSED if self.excuse and not self.exempt else ""

    @property
    def reason(self) -> str:
        if self.typed is not None:
            return self.typed[1]
        if self.attendance:
            return self.attendance.reason
        return self.excuse.reason if self.excuse else ""

    @property
    def is_official(self) -> bool:
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


def roll_call_sheet(meeting: Meeting) -> RollCallSheet:
    """The summoned members (and, apart, the exempt ones) with their marks: four queries.

    A member recorded at the meeting who has left the roll since (moved, exempted later)
    stays on the sheet among the summoned: they were summoned on the day. (Attendance keeps
    no "was summoned" snapshot, so a member recorded present and exempted later counts as
    an exempt visitor.)
    """
    attendances = {a.member_id: a for a in meeting.attendances.select_related("member")}
    excuses = {e.member_id: e for e in AbsenceExcuse.objects.filter(meeting=meeting, withdrawn_at__isnull=True)}
    summoned = [RollCallRow(m, attendances.get(m.pk), excuses.get(m.pk)) for m in summoned_members(meeting)]
    # An exempt member can only have been recorded present; any other mark means they were
    # exempted after the meeting, when they were still summoned.
    exempt = [RollCallRow(m, attendances.get(m.pk), excuses.get(m.pk), exempt=True) for m in exempt_members(meeting)
              if attendances.get(m.pk) is None or attendances[m.pk].status == Attendance.Status.PRESENT]
    listed = {row.member.pk for row in summoned} | {row.member.pk for row in exempt}
    summoned += [RollCallRow(a.member, a, excuses.get(a.member_id)) for a in attendances.values()
                 if a.member_id not in listed]
    summoned.sort(key=lambda row: row.member.full_name)
    return RollCallSheet(meeting, summoned, exempt)


@dataclass
class AttendanceSummary:
    """The attendance summary of the minutes, computed from the roll call, never typed in."""

    summoned: int = 0
    present: list[RollCallRow] = field(default_factory=list)
    excused: list[RollCallRow] = field(default_factory=list)
    unexcused: list[RollCallRow] = field(default_factory=list)
    unmarked: list[RollCallRow] = field(default_factory=list)
    exempt_present: list[RollCallRow] = field(default_factory=list)
    official_summoned: int = 0
    official_present: int = 0

    @property
    def rate(self) -> float | None:
        """Share of the summoned members who came, in per cent (exempt visitors not counted)."""
        return 100 * len(self.present) / self.summoned if self.summoned else None

    @property
    def absent(self) -> int:
        return len(self.excused) + len(self.unexcused)

    @property
    def attendees(self) -> list[RollCallRow]:
        return sorted([*self.present, *self.exempt_present], key=lambda row: row.member.full_name)


def attendance_summary(sheet: RollCallSheet, *, as_shown: bool = False) -> AttendanceSummary:
    """Count the roll call. With `as_shown`, count what the roll-call page shows (advance
    excuses not yet confirmed included); otherwise only what was recorded."""
    summary = AttendanceSummary(summoned=len(sheet.summoned))
    buckets = {
        Attendance.Status.PRESENT: summary.present,
        Attendance.Status.EXCUSED: summary.excused,
        Attendance.Status.UNEXCUSED: summary.unexcused,
    }
    for row in sheet.summoned:
        status = row.status if as_shown else row.saved_status
        buckets.get(status, summary.unmarked).append(row)
        summary.official_summoned += row.is_official
    for row in sheet.exempt:
        if (row.status if as_shown else row.saved_status) == Attendance.Status.PRESENT:
            summary.exempt_present.append(row)
    # Exempt members who come may vote: they count among the official members present.
    summary.official_present = sum(row.is_official for row in summary.attendees)
    return summary


def roll_call_signers(meeting: Meeting) -> list[tuple[int, str, str]]:
    """(member id, role, name) of the cell's secretary and deputies on the day of the meeting:
    who may sign the minutes on behalf of the cell."""
    on = timezone.localdate(meeting.starts_at)
    rows = (
        CellMembership.objects.filter(cell_id=meeting.cell_id, role__in=(Role.SECRETARY, Role.DEPUTY_SECRETARY))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)
        .values_list("member_id", "role", "member__full_name")
    )
    return sorted(rows, key=lambda row: row[1] != Role.SECRETARY)  # the secretary first


def minutes_changes_after_completion(minutes: Minutes | None, *, limit: int = 20) -> list:
    """The audited edits made to complete minutes (django-pghistory events), newest first."""
    if minutes is None or minutes.finalized_at is None:
        return []
    # The first event that carries a completion time is the marking itself; every later one
    # is a change. (Event ids, not times: PostgreSQL's NOW() is the transaction's start.)
    marking = minutes.events.filter(finalized_at__isnull=False).order_by("pgh_id").values("pgh_id")[:1]
    return list(
        minutes.events.filter(pgh_label="update", pgh_id__gt=Subquery(marking))
        .select_related("updated_by__member").order_by("-pgh_id")[:limit]
    )


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
