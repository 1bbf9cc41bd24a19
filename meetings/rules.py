"""The meeting rules, each defined once, with its SQL twin beside it where the roll-ups need one.

Every page, export, nudge, PDF and API answer asks these; nothing else decides them:

- who is summoned, and as what (`summon_basis`, `summon_list`, `summoned_members`,
  `exempt_members`; frozen on the attendance rows once the roll call is saved);
- the attendance rate (`attendance_rate`: present summoned members / summoned members);
- a regular meeting on schedule, late, missed or not yet due (`regular_state`);
- documents and minutes on time, late, missing or not yet due (`documents_state`,
  `minutes_state`), and the rates over the meetings that were due (`timely_rate`);
- members at risk (`risk_level`, `unexcused_months`: months of a calendar year with an
  absence without reason; `member_risks`: either that or months with the party fee unpaid,
  fees.rules, one member counted once, DOMAIN.md);
- the vote of a resolution (`vote_passes`);
- an advance excuse that still stands after the meeting moved (`excuse_stands`);
- the lead times a member is reminded at and the one due now (`effective_reminder_offsets`,
  `reminder_offset_due`).

Numbers come from settings.HANDBOOK_RULES (DOMAIN.md: they change every few years). The
SQL twins are fragments over the aliases the roll-ups use: `m` a meeting, `a` an attendance
row; a test checks each twin against its Python rule.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from common.months import month_start
from common.numbers import percent
from fees import rules as fee_rules
from meetings.models import AbsenceExcuse, Attendance, Meeting
from members import rules as members_rules
from members.models import CellMembership, Member, MemberStatus

Basis = Attendance.Basis

# --- Who is summoned ------------------------------------------------------------------------

# Bases of the members summoned (called to the meeting, counted in the rate and the vote base).
SUMMONED_BASES = (Basis.OFFICIAL, Basis.PROBATIONARY, Basis.TEMPORARY_TRANSFER)
# Every basis but "exempt" is a summons (the attendance_known_basis constraint): one comparison a row.
SUMMONED_SQL = "a.basis <> 'exempt'"


def summon_basis(*, status: str, membership_kind: str) -> str | None:
    """Why a member with `status` and a current membership of `membership_kind` in the
    meeting's cell is on its roll call (DOMAIN.md), or None when they are not:

    - home members, official or probationary, are summoned as such;
    - members attending here on temporary transfer are summoned (temporary membership);
    - exempt home members are not summoned, but may come (basis "exempt");
    - members on temporary transfer elsewhere, and members gone, are not on it at all.
    """
    if membership_kind == CellMembership.Kind.HOME:
        if status == MemberStatus.OFFICIAL:
            return Basis.OFFICIAL
        if status == MemberStatus.PROBATIONARY:
            return Basis.PROBATIONARY
        if status == MemberStatus.EXEMPT:
            return Basis.EXEMPT
        return None
    if status == MemberStatus.TEMPORARY_TRANSFER:
        return Basis.TEMPORARY_TRANSFER
    return None


def meeting_day(meeting: Meeting) -> dt.date:
    """The local date the roll is taken on: memberships current that day count."""
    return timezone.localdate(meeting.starts_at)


def summon_list(meeting: Meeting) -> list[tuple[Member, str]]:
    """(member, basis) of everyone on the meeting's roll call as the roster stands today:
    the summoned and the exempt home members. Used until the roll call is first saved; from
    then on the attendance rows are the list (`is_frozen`)."""
    memberships = (
        CellMembership.objects.current(meeting_day(meeting)).filter(cell_id=meeting.cell_id)
        .select_related("member")
    )
    found: dict[int, tuple[Member, str]] = {}
    for membership in memberships:
        basis = summon_basis(status=membership.member.status, membership_kind=membership.kind)
        if basis is not None and membership.member_id not in found:
            found[membership.member_id] = (membership.member, basis)
    return list(found.values())


def meeting_period(starts_at: dt.datetime) -> dt.date:
    """The month a meeting counts for (roll-ups, one regular meeting a month): the local
    month of its date as scheduled; a postponement into the next month keeps it."""
    return month_start(timezone.localdate(starts_at))


def is_frozen(meeting: Meeting) -> bool:
    """Once the roll call is saved, who was summoned is what its rows say, for good."""
    return meeting.roll_call_recorded_at is not None


def summoned_members(meeting: Meeting) -> QuerySet[Member]:
    """The members summoned to the meeting: frozen on the roll call once it is saved, else
    as the roster stands (official and probationary home members, temporary transfers in)."""
    if is_frozen(meeting):
        return Member.objects.filter(
            attendances__meeting=meeting, attendances__basis__in=SUMMONED_BASES
        ).order_by("full_name")
    ids = [member.pk for member, basis in summon_list(meeting) if basis in SUMMONED_BASES]
    return Member.objects.filter(pk__in=ids).order_by("full_name")


def exempt_members(meeting: Meeting) -> QuerySet[Member]:
    """Exempt home members: not summoned, but a roll call may record them as present. Once
    the roll call is saved, only those recorded (present) remain, and members exempt today
    may still be marked present at a correction."""
    ids = [member.pk for member, basis in summon_list(meeting) if basis == Basis.EXEMPT]
    if is_frozen(meeting):
        frozen = set(meeting.attendances.values_list("member_id", flat=True))
        recorded = meeting.attendances.filter(basis=Basis.EXEMPT).values_list("member_id", flat=True)
        ids = [pk for pk in ids if pk not in frozen] + list(recorded)
    return Member.objects.filter(pk__in=ids).order_by("full_name")


# What a roll call may mark; "unmarked" is what a summoned member is until marked.
MARKS = (Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.UNEXCUSED)


# --- Attendance rate --------------------------------------------------------------------------

@dataclass(frozen=True)
class AttendanceCounts:
    """A roll call counted: summoned members by outcome (exempt members who came apart)."""

    summoned: int = 0
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    unmarked: int = 0
    exempt_present: int = 0

    @property
    def rate(self):
        return attendance_rate(self.present, self.summoned)


def attendance_rate(present: int, summoned: int):
    """Share of the summoned members who came, in per cent, rounded half up to one decimal.
    Exempt members who came are welcome but not counted (they were not summoned)."""
    return percent(present, summoned)


# SQL twins over attendance rows `a` (their counts; the rate is common.numbers.percent_sql).
SUMMONED_COUNT_SQL = f"count(*) FILTER (WHERE {SUMMONED_SQL})"
PRESENT_COUNT_SQL = f"count(*) FILTER (WHERE {SUMMONED_SQL} AND a.status = 'present')"
EXCUSED_COUNT_SQL = f"count(*) FILTER (WHERE {SUMMONED_SQL} AND a.status = 'excused')"
UNEXCUSED_COUNT_SQL = f"count(*) FILTER (WHERE {SUMMONED_SQL} AND a.status = 'unexcused')"


def attendance_counts(rows) -> AttendanceCounts:
    """Count attendance rows (objects with `.basis` and `.status`) the one way."""
    counts = dict(summoned=0, present=0, excused=0, unexcused=0, unmarked=0, exempt_present=0)
    for row in rows:
        if row.basis in SUMMONED_BASES:
            counts["summoned"] += 1
            counts[row.status] += 1
        elif row.status == Attendance.Status.PRESENT:
            counts["exempt_present"] += 1
    return AttendanceCounts(**counts)


# --- Which meetings count --------------------------------------------------------------------

# Meetings the roll-ups count: held cell meetings; a cell-committee meeting is not a cell meeting.
COUNTED_KINDS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC, Meeting.Kind.EXTRAORDINARY, Meeting.Kind.YEAR_END)
COUNTED_MEETING_SQL = "(m.status = 'held' AND m.kind <> 'committee')"
# Meetings whose documents must be posted beforehand (DOMAIN.md).
MEETINGS_WITH_DOCUMENTS = (Meeting.Kind.REGULAR, Meeting.Kind.THEMATIC, Meeting.Kind.YEAR_END)
DOCUMENTS_REQUIRED_SQL = "m.kind IN ('regular', 'thematic', 'year_end')"


def counted_meetings_of(prefix: str = "") -> Q:
    """Held cell meetings (a cell-committee meeting is not one), through a relation prefix
    such as "meeting__"; `COUNTED_MEETING_SQL` is the SQL twin."""
    return Q(**{f"{prefix}status": Meeting.Status.HELD}) & ~Q(**{f"{prefix}kind": Meeting.Kind.COMMITTEE})


# --- On schedule, on time -------------------------------------------------------------------

ON_TIME = "on_time"
LATE = "late"
MISSED = "missed"  # a regular meeting: the month is over and none was held
MISSING = "missing"  # documents or minutes: the deadline passed and there are none
NOT_YET_DUE = "not_yet_due"


def regular_state(*, month: dt.date, held_on: dt.date | None, scheduled_date: dt.date | None,
                  today: dt.date) -> str:
    """A cell's regular meeting of `month`: held on (or before) its scheduled date, late,
    missed once the month is over, else not yet due. A postponement keeps the first
    scheduled date, so it shows as late."""
    if held_on is not None:
        return ON_TIME if scheduled_date is None or held_on <= scheduled_date else LATE
    return MISSED if month < month_start(today) else NOT_YET_DUE


def last_owed_month(closed_on: dt.date | None) -> dt.date | None:
    """The last month a cell owes a regular meeting: the month of its last open day (the day
    before `closed_on`, when it was merged, split or closed); None while it is open. A cell
    closed on the 1st owes nothing for that month; one closed on the 15th owes it."""
    return None if closed_on is None else month_start(closed_on - dt.timedelta(days=1))


# Over an organisation `o` (its `closed_on`); NULL while it is open.
LAST_OWED_MONTH_SQL = "date_trunc('month', o.closed_on - 1)::date"

REGULAR_ON_TIME_SQL = "held_on <= scheduled_date"
REGULAR_LATE_SQL = "held_on > scheduled_date"
REGULAR_MISSED_SQL = "(regular_held = 0 AND month < %(current_month)s)"


def documents_due_at(meeting: Meeting) -> dt.datetime:
    """Documents are due HANDBOOK_RULES["documents_days_before"] days before the start."""
    return meeting.starts_at - dt.timedelta(days=settings.HANDBOOK_RULES["documents_days_before"])


def minutes_due_at(meeting: Meeting) -> dt.datetime:
    """Minutes are due HANDBOOK_RULES["minutes_within_days"] days after the end."""
    return meeting.ends_at + dt.timedelta(days=settings.HANDBOOK_RULES["minutes_within_days"])


def _timeliness(done_at: dt.datetime | None, due: dt.datetime, now: dt.datetime) -> str:
    if done_at is not None:
        return ON_TIME if done_at <= due else LATE
    return MISSING if now > due else NOT_YET_DUE


def documents_state(meeting: Meeting, *, first_posted_at: dt.datetime | None, now: dt.datetime) -> str:
    """The meeting's documents: posted by the deadline, late, missing, or not yet due."""
    return _timeliness(first_posted_at, documents_due_at(meeting), now)


def minutes_state(meeting: Meeting, *, finalized_at: dt.datetime | None, now: dt.datetime) -> str:
    """The minutes of a held meeting: finished by the deadline, late, missing, or not yet due."""
    return _timeliness(finalized_at, minutes_due_at(meeting), now)


def timely_rate(on_time: int, due: int):
    """On time among those due: what was still before its deadline counts neither way."""
    return percent(on_time, due)


# SQL twins over a meeting `m`, the first document time `d.first_at`, the minutes `mi`, at
# the moment %(now)s.
DOCUMENTS_DUE_AT_SQL = "(m.starts_at - %(doc_days)s * interval '1 day')"
MINUTES_DUE_AT_SQL = "(m.ends_at + %(minutes_days)s * interval '1 day')"
DOCUMENTS_ON_TIME_SQL = f"coalesce(d.first_at <= {DOCUMENTS_DUE_AT_SQL}, false)"
DOCUMENTS_DUE_SQL = f"(d.first_at IS NOT NULL OR %(now)s > {DOCUMENTS_DUE_AT_SQL})"
MINUTES_ON_TIME_SQL = f"coalesce(mi.finalized_at <= {MINUTES_DUE_AT_SQL}, false)"
MINUTES_DUE_SQL = f"(mi.finalized_at IS NOT NULL OR %(now)s > {MINUTES_DUE_AT_SQL})"


# --- Members at risk --------------------------------------------------------------------------

WARNING = "warning"
REMOVAL = "removal"
# DOMAIN.md: three months of a calendar year with an absence without reason, or with the party
# fee unpaid (fees.rules.is_unpaid), lead the cell to propose removal; each reason is counted
# on its own and a member at risk for both is one member at risk.
ABSENCES = "absences"
FEES = "fees"
RISK_REASONS = (ABSENCES, FEES)
_RISK_SETTINGS = {ABSENCES: "unexcused_months_for_removal", FEES: "unpaid_fee_months_for_removal"}


def risk_thresholds(reason: str = ABSENCES) -> tuple[int, int]:
    """(warning, removal) in months of a calendar year with an absence without reason (or an
    unpaid fee): DOMAIN.md's three months lead to a proposal of removal; the warning comes
    one before."""
    numbers = settings.HANDBOOK_RULES
    # DOMAIN.md gives both reasons the same three months: a site sets the fee figure apart
    # only if its rule differs.
    removal = numbers.get(_RISK_SETTINGS[reason], numbers["unexcused_months_for_removal"])
    return max(1, removal - 1), removal


def risk_level(months: int, reason: str = ABSENCES) -> str | None:
    """None, "warning" or "removal" for a member with `months` months of absence without
    reason (or, for reason "fees", of unpaid fees) in one calendar year (in one cell)."""
    warning, removal = risk_thresholds(reason)
    if months >= removal:
        return REMOVAL
    if months >= warning:
        return WARNING
    return None


@dataclass(frozen=True)
class AbsenceYear:
    member_id: int
    months: int  # months of the year with an absence without reason
    total: int  # absences without reason
    last_on: dt.date

    @property
    def level(self) -> str | None:
        return risk_level(self.months)


@dataclass(frozen=True)
class MemberRisk:
    """A member at risk in one cell and year, for one reason or both (counted once)."""

    member_id: int
    absence_months: int = 0
    unpaid_months: int = 0

    @property
    def levels(self) -> dict[str, str | None]:
        return {ABSENCES: risk_level(self.absence_months, ABSENCES), FEES: risk_level(self.unpaid_months, FEES)}

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(reason for reason, level in self.levels.items() if level)

    @property
    def level(self) -> str | None:
        levels = self.levels.values()
        return REMOVAL if REMOVAL in levels else WARNING if any(levels) else None


def member_risk_of(absence_months: int, unpaid_months: int, member_id: int = 0) -> MemberRisk:
    return MemberRisk(member_id, absence_months=absence_months, unpaid_months=unpaid_months)


def member_risks(*, cell_id: int, year: int, today: dt.date, member_ids=None) -> dict[int, MemberRisk]:
    """Members at risk in the cell for the calendar year, for either reason, each once: two
    queries (`unexcused_months`, fees.rules.unpaid_months as of `today`)."""
    absences = unexcused_months(cell_id=cell_id, year=year, member_ids=member_ids)
    unpaid = fee_rules.unpaid_months(cell_id=cell_id, year=year, today=today, member_ids=member_ids)
    risks = {
        member_id: MemberRisk(
            member_id,
            absence_months=absences[member_id].months if member_id in absences else 0,
            unpaid_months=unpaid[member_id].months if member_id in unpaid else 0,
        )
        for member_id in absences.keys() | unpaid.keys()
    }
    return {member_id: risk for member_id, risk in risks.items() if risk.level}


def unexcused_months(*, cell_id: int, year: int, member_ids=None) -> dict[int, AbsenceYear]:
    """Absences without reason at the cell's counted meetings of the calendar year (by the
    month the meeting counts for), per member: one query. The roll-ups' SQL twin is
    `UNEXCUSED_MONTHS_SQL`."""
    rows = Attendance.objects.filter(
        counted_meetings_of("meeting__"), meeting__cell_id=cell_id, meeting__period__year=year,
        year=year,  # the partition (ATTENDANCE_YEARS_SQL)
        status=Attendance.Status.UNEXCUSED, basis__in=SUMMONED_BASES,
    )
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    grouped = rows.values("member_id").annotate(
        months=Count("meeting__period", distinct=True), total=Count("id"), last_at=Max("meeting__starts_at"),
    )
    return {
        row["member_id"]: AbsenceYear(row["member_id"], row["months"], row["total"],
                                      timezone.localdate(row["last_at"]))
        for row in grouped
    }


# Absences without reason per member, cell and month (the roll-ups rank the months of a year).
UNEXCUSED_MONTHS_SQL = f"a.status = 'unexcused' AND {SUMMONED_SQL} AND {COUNTED_MEETING_SQL}"

# Attendance rows are partitioned by the year of their meeting's period (Attendance.year): a
# read of some years says so on the rows too, so that PostgreSQL reads only those partitions.
# The roll-ups' twin, over `a` and the years %(year_first)s to %(year_last)s:
ATTENDANCE_YEARS_SQL = "a.year BETWEEN %(year_first)s AND %(year_last)s"


# --- The vote ------------------------------------------------------------------------------------

def vote_passes(*, votes_for: int, official_summoned: int) -> bool:
    """DOMAIN.md: a resolution passes with more than half of the official members summoned
    (the rule of every vote of a cell: members.rules.vote_passes)."""
    return members_rules.vote_passes(votes_for=votes_for, official_members=official_summoned)


def official_summoned(rows) -> int:
    """The vote base: official members summoned (frozen rows with `.basis`, `.was_official`)."""
    return sum(1 for row in rows if row.basis in SUMMONED_BASES and row.was_official)


# --- Advance excuses ----------------------------------------------------------------------------

def excuse_stands(excuse: AbsenceExcuse | None, meeting: Meeting) -> bool:
    """An advance excuse counts for the meeting as it is now: not withdrawn, and given (or
    confirmed) for its current start. After a change of date or time it needs confirming."""
    return (excuse is not None and excuse.withdrawn_at is None
            and excuse.confirmed_for == meeting.starts_at)


def excuse_needs_confirmation(excuse: AbsenceExcuse | None, meeting: Meeting) -> bool:
    return (excuse is not None and excuse.withdrawn_at is None
            and excuse.confirmed_for != meeting.starts_at)


# --- Reminders ------------------------------------------------------------------------------

def effective_reminder_offsets(chosen, *, allowed, default) -> tuple[int, ...]:
    """The lead times (minutes) a member is reminded at before a meeting of a cell: those the
    member chose (meetings.ReminderChoice) that the cell allows, else the cell's default. An
    organisation narrowing its list so drops the choices it no longer allows."""
    kept = set(chosen or ()) & set(allowed)
    return tuple(sorted(kept or default, reverse=True))


def reminder_offset_due(offsets, *, meeting: Meeting, now: dt.datetime) -> int | None:
    """Of the lead times `offsets`, the one whose reminder is due at `now`: the nearest that
    has passed, so that when several have (a meeting called at short notice, a scan after an
    outage) one reminder goes out, not a burst. After a postponement, lead times that had
    passed when members were told are skipped."""
    due = [
        offset for offset in offsets
        if meeting.starts_at - dt.timedelta(minutes=offset) <= now
        and not (meeting.status == Meeting.Status.POSTPONED
                 and meeting.starts_at - dt.timedelta(minutes=offset) < meeting.updated_at)
    ]
    return min(due, default=None)
