"""Scoped reads of meetings and roll calls. Every caller passes the user's Scope."""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from cells.models import Organization
from cells.selectors import organization_settings
from common.months import add_months, current_month, month_start, quarter_start
from common.rows import model_row
from meetings import page_cache, rules
from meetings.models import (
    AbsenceExcuse,
    Attendance,
    CalendarFeed,
    DraftComment,
    DraftResolution,
    Meeting,
    MeetingDocument,
    MeetingSeries,
    Minutes,
    ReminderChoice,
)
from meetings.rules import documents_due_at, minutes_due_at
from members.access import Scope, can_manage_cell, get_cell_for_viewer
from members.models import CellMembership, Member, MemberStatus, User, current_sql
from members.rules import probation_ends


def meetings_visible(scope: Scope) -> QuerySet[Meeting]:
    qs = Meeting.objects.all()
    if scope.is_superuser:
        return qs
    condition = Q(cell_id__in=scope.member_cell_ids | scope.managed_cell_ids)
    for path in scope.oversight_paths:
        condition |= Q(cell__path__startswith=path)
    return qs.filter(condition)


def meetings_managed(scope: Scope) -> QuerySet[Meeting]:
    qs = Meeting.objects.all()
    return qs if scope.is_superuser else qs.filter(cell_id__in=scope.managed_cell_ids)


def get_meeting_for_viewer(scope: Scope, public_id) -> Meeting:
    meeting = meetings_visible(scope).select_related("cell").filter(public_id=public_id).first()
    if meeting is None:
        raise Http404
    return meeting


def get_meeting_for_manager(scope: Scope, public_id) -> Meeting:
    meeting = meetings_managed(scope).select_related("cell").filter(public_id=public_id).first()
    if meeting is None or not can_manage_cell(scope, meeting.cell):
        raise Http404
    return meeting


def meetings_upcoming_for_member(scope: Scope, *, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """The meetings of the member's own cells (home and temporary) that have not ended."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(cell_id__in=scope.member_cell_ids)
        .upcoming(now)
        .select_related("cell")
    )


def minutes_of(meeting: Meeting) -> Minutes | None:
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def draft_of(meeting: Meeting) -> DraftResolution | None:
    try:
        return meeting.draft_resolution
    except DraftResolution.DoesNotExist:
        return None


# --- Cells: pages for officers and the committees above ----------------------------------

def get_cell_for_officer_pages(scope: Scope, public_id) -> Organization:
    """A cell whose officer pages (cell home, series) the user may read: its officers, the
    committees above it (read-only) and superusers. Plain members and outsiders get 404."""
    cell = get_cell_for_viewer(scope, public_id)
    if not (can_manage_cell(scope, cell) or scope.oversees_path(cell.path)):
        raise Http404
    return cell


def _with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.annotate(
        document_count=Count("documents", distinct=True),
        excuse_count=Count("excuses", filter=Q(excuses__withdrawn_at__isnull=True), distinct=True),
    )


@dataclass
class LastRegularMeeting:
    meeting: Meeting
    minutes: Minutes | None
    now: dt.datetime

    @property
    def held(self) -> bool:
        return self.meeting.status == Meeting.Status.HELD

    @property
    def held_on_schedule(self) -> bool:
        return self.held and timezone.localdate(self.meeting.starts_at) <= self.meeting.scheduled_date

    @property
    def minutes_due(self) -> dt.datetime:
        return minutes_due_at(self.meeting)

    @property
    def minutes_completed(self) -> bool:
        return bool(self.minutes and self.minutes.finalized_at)

    @property
    def minutes_on_time(self) -> bool:
        return self.minutes_completed and self.minutes.finalized_at <= self.minutes_due

    @property
    def minutes_overdue(self) -> bool:
        return self.held and rules.minutes_state(
            self.meeting, finalized_at=self.minutes.finalized_at if self.minutes else None, now=self.now,
        ) == rules.MISSING


@dataclass
class Todo:
    """One thing the cell's officers should do, with what the page needs to say it."""

    # documents | roll_call | minutes | absences | fees | probation | regular_next_month | thematic_quarter
    kind: str
    overdue: bool = False
    meeting: Meeting | None = None
    due: dt.datetime | dt.date | None = None
    member_name: str = ""
    member_public_id: uuid.UUID | None = None
    count: int = 0  # absences, fees: months of the year with an absence without reason, or unpaid
    period: dt.date | None = None


@dataclass
class CellHome:
    cell: Organization
    next_meeting: Meeting | None
    last_regular: LastRegularMeeting | None
    todos: list[Todo]
    members_summoned: int  # as meetings.rules summons them today (transfers where they attend)
    active_series: MeetingSeries | None
    # The next moment the page reads differently with no write: a meeting starts or ends, a
    # deadline passes, the next midnight (what is counted from today), a meeting leaves the
    # year looked back on. The page cache keeps the rendered home no longer.
    changes_at: dt.datetime | None = None


PROBATION_WARNING_DAYS = 60
RECENT_DAYS = 366  # how far back the cell home looks for missing roll calls and minutes
TODO_MEETINGS = 5  # meetings listed per kind of to-do


def cell_home(cell: Organization, *, now: dt.datetime | None = None) -> CellHome:
    """Everything the cell home shows, in a fixed number of queries whatever the cell's size."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    meetings = Meeting.objects.filter(cell=cell)

    # One read of the cell's meetings of the last year and ahead (a few dozen rows: a year
    # of monthly meetings and the series generated ahead) answers the next meeting, the last
    # regular one, missing roll calls and minutes, and what is planned.
    recent = list(
        _with_counts(meetings.filter(starts_at__gte=now - dt.timedelta(days=RECENT_DAYS)))
        .select_related("draft_resolution", "minutes").order_by("starts_at", "pk")
    )
    next_meeting = next((m for m in recent if m.status in Meeting.OPEN_STATUSES and m.ends_at >= now), None)
    last_candidates = [m for m in recent if m.kind == Meeting.Kind.REGULAR
                       and (m.scheduled_date < today or m.ends_at < now)]
    if last_candidates:
        last = max(last_candidates, key=lambda m: (m.scheduled_date, m.starts_at))
    else:  # no regular meeting in a year: look further back
        last = (
            meetings.filter(kind=Meeting.Kind.REGULAR)
            .filter(Q(scheduled_date__lt=today) | Q(ends_at__lt=now))
            .select_related("minutes").order_by("-scheduled_date", "-starts_at").first()
        )
    latest_first = recent[::-1]
    todos: list[Todo] = []

    if (next_meeting and next_meeting.kind in rules.MEETINGS_WITH_DOCUMENTS
            and not next_meeting.document_count):
        state = rules.documents_state(next_meeting, first_posted_at=None, now=now)
        todos.append(Todo("documents", overdue=state == rules.MISSING, meeting=next_meeting,
                          due=documents_due_at(next_meeting)))

    no_roll_call = [m for m in latest_first if m.status in Meeting.OPEN_STATUSES and m.ends_at < now]
    for meeting in no_roll_call[:TODO_MEETINGS]:
        todos.append(Todo("roll_call", overdue=True, meeting=meeting))

    unfinished = [m for m in latest_first if m.status == Meeting.Status.HELD
                  and not (minutes_of(m) and minutes_of(m).finalized_at)]
    for meeting in unfinished[:TODO_MEETINGS]:
        state = rules.minutes_state(meeting, finalized_at=None, now=now)
        todos.append(Todo("minutes", overdue=state == rules.MISSING, meeting=meeting, due=minutes_due_at(meeting)))

    # Members at risk, as the dashboards count them (meetings.rules.member_risks): months of the
    # year with an absence without reason at this cell's meetings (a member on temporary
    # transfer counts where they attend), or with the party fee unpaid in this cell's ledger;
    # warned one month before the removal threshold, one to-do per reason.
    at_risk = rules.member_risks(cell_id=cell.pk, year=today.year, today=today)
    who = {pk: (name, public_id) for pk, name, public_id in Member.objects.filter(
        pk__in=list(at_risk)).values_list("pk", "full_name", "public_id")} if at_risk else {}
    for reason, months_of in ((rules.ABSENCES, lambda risk: risk.absence_months),
                              (rules.FEES, lambda risk: risk.unpaid_months)):
        flagged = [risk for risk in at_risk.values() if risk.levels[reason]]
        for risk in sorted(flagged, key=lambda risk: (-months_of(risk), who[risk.member_id][0])):
            name, public_id = who[risk.member_id]
            todos.append(Todo(reason, overdue=risk.levels[reason] == rules.REMOVAL, count=months_of(risk),
                              member_name=name, member_public_id=public_id, period=dt.date(today.year, 1, 1)))

    # Probation ends 12 months after admission; list those ending within 60 days, or past.
    months = settings.HANDBOOK_RULES["probation_months"]
    home_members = CellMembership.objects.current(today).filter(cell_id=cell.pk, kind=CellMembership.Kind.HOME)
    probationary = (
        Member.objects.filter(
            pk__in=home_members.values("member_id"),
            status=MemberStatus.PROBATIONARY,
            admission_date__lte=add_months(today + dt.timedelta(days=PROBATION_WARNING_DAYS), -months),
        )
        .order_by("admission_date").values_list("full_name", "public_id", "admission_date")
    )
    for name, public_id, admitted in probationary:
        ends = probation_ends(admitted)
        todos.append(Todo("probation", overdue=ends <= today, due=ends, member_name=name, member_public_id=public_id))

    next_month = add_months(month_start(today), 1)
    quarter = quarter_start(today)
    quarter_end = add_months(quarter, 3)
    planned = {
        m.kind for m in recent if m.status != Meeting.Status.CANCELLED and (
            (m.kind == Meeting.Kind.REGULAR and m.period == next_month)
            or (m.kind == Meeting.Kind.THEMATIC and quarter <= m.period < quarter_end))
    }
    if Meeting.Kind.REGULAR not in planned:
        todos.append(Todo("regular_next_month", period=next_month))
    if Meeting.Kind.THEMATIC not in planned:
        todos.append(Todo("thematic_quarter", period=quarter,
                          overdue=today >= quarter_end - dt.timedelta(days=30)))

    deadlines = [todo.due for todo in todos if todo.kind in ("documents", "minutes")]
    if last is not None:
        deadlines.append(minutes_due_at(last))
    deadlines += [m.starts_at + dt.timedelta(days=RECENT_DAYS) for m in recent]
    return CellHome(
        cell=cell,
        next_meeting=next_meeting,
        last_regular=LastRegularMeeting(last, minutes_of(last), now) if last else None,
        todos=todos,
        members_summoned=len({
            member_id for member_id, status, kind in CellMembership.objects.current(today).filter(cell_id=cell.pk)
            .values_list("member_id", "member__status", "kind")
            if rules.summon_basis(status=status, membership_kind=kind) in rules.SUMMONED_BASES
        }),
        active_series=MeetingSeries.objects.filter(cell=cell, is_active=True).first(),
        changes_at=page_cache.next_change(recent, now=now, daily=True, moments=deadlines),
    )


def cell_meetings(cell: Organization, *, now: dt.datetime | None = None) -> tuple[list[Meeting], QuerySet[Meeting]]:
    """(upcoming meetings, past meetings queryset to paginate), each with document and excuse counts."""
    now = now or timezone.now()
    meetings = _with_counts(Meeting.objects.filter(cell=cell))
    upcoming = list(meetings.filter(ends_at__gte=now).order_by("starts_at"))
    past = meetings.filter(ends_at__lt=now).order_by("-starts_at")
    return upcoming, past


def series_meetings(cell: Organization, *, now: dt.datetime | None = None) -> list[Meeting]:
    """The cell's regular meetings from this month on (what a series generates), in order."""
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(cell=cell, kind=Meeting.Kind.REGULAR,
                               period__gte=current_month(now))
        .order_by("period", "starts_at")[:24]
    )


# --- One meeting --------------------------------------------------------------------------

@dataclass
class MeetingPage:
    meeting: Meeting
    draft: DraftResolution | None
    is_member: bool  # the viewer belongs to the meeting's cell (may excuse and comment)
    can_manage: bool
    my_excuse: AbsenceExcuse | None
    excuses: list[AbsenceExcuse]  # for officers and the committees above

    # Read when first asked for: the page finds them rendered in the cache most of the time.
    @cached_property
    def documents(self) -> list[MeetingDocument]:
        return list(self.meeting.documents.order_by("uploaded_at"))

    @cached_property
    def comments(self) -> list[DraftComment]:
        return list(self.draft.comments.select_related("member").order_by("created_at")) if self.draft else []


def get_meeting_page(scope: Scope, public_id, *, now: dt.datetime | None = None) -> MeetingPage:
    meeting = (
        meetings_visible(scope).select_related("cell", "draft_resolution", "minutes")
        .filter(public_id=public_id).first()
    )
    if meeting is None:
        raise Http404
    draft = draft_of(meeting)
    is_member = bool(scope.member_id) and meeting.cell_id in scope.member_cell_ids
    can_manage = can_manage_cell(scope, meeting.cell)
    excuses = []
    if can_manage or scope.oversees_path(meeting.cell.path) or scope.is_superuser:
        excuses = list(meeting.excuses.filter(withdrawn_at__isnull=True).select_related("member").order_by("created_at"))
    my_excuse = AbsenceExcuse.objects.filter(meeting=meeting, member_id=scope.member_id).first() if is_member else None
    return MeetingPage(
        meeting=meeting,
        draft=draft,
        is_member=is_member,
        can_manage=can_manage,
        my_excuse=my_excuse,
        excuses=excuses,
    )


def get_document_for_viewer(scope: Scope, public_id) -> MeetingDocument:
    """A document of a meeting the user may see (the cell's members and officers, the
    committees above, superusers); anything else is a 404."""
    document = (
        MeetingDocument.objects.select_related("meeting")
        .filter(public_id=public_id, meeting__in=meetings_visible(scope)).first()
    )
    if document is None:
        raise Http404
    return document


def get_document_for_manager(scope: Scope, public_id) -> MeetingDocument:
    document = (
        MeetingDocument.objects.select_related("meeting")
        .filter(public_id=public_id, meeting__in=meetings_managed(scope)).first()
    )
    if document is None:
        raise Http404
    return document


def get_member_for_scope(scope: Scope) -> Member | None:
    """The signed-in user's own member record (None for an account without one)."""
    return Member.objects.filter(pk=scope.member_id).first() if scope.member_id else None


# --- The member's home --------------------------------------------------------------------

@dataclass
class AttendanceYear:
    """The member's roll-call rows of the year's counted meetings, counted by the rules."""

    year: int
    rows: list[Attendance]

    @property
    def counts(self) -> rules.AttendanceCounts:
        return rules.attendance_counts(self.rows)

    @property
    def present(self) -> int:
        return self.counts.present

    @property
    def excused(self) -> int:
        return self.counts.excused

    @property
    def unexcused(self) -> int:
        return self.counts.unexcused

    @property
    def rate(self):
        """Per cent of the meetings the member was summoned to and attended (None if none)."""
        return self.counts.rate


@dataclass
class MemberHome:
    upcoming: list[Meeting]
    excuses: dict[int, AbsenceExcuse]  # meeting id -> the member's excuse (withdrawn ones included)
    attendance: AttendanceYear
    resolutions: list[Minutes]


def member_home(scope: Scope, *, now: dt.datetime | None = None, upcoming_limit: int = 6) -> MemberHome:
    """The member's next meetings (home and temporary cells), their own excuses, this year's
    attendance and the cells' recent resolutions, in a fixed number of queries."""
    now = now or timezone.now()
    # The member's own excuse (one per meeting) rides along in the same query.
    mine = AbsenceExcuse.objects.filter(meeting=OuterRef("pk"), member_id=scope.member_id)
    upcoming = list(
        meetings_upcoming_for_member(scope, now=now)
        .select_related("draft_resolution")
        .annotate(comment_count=Count("draft_resolution__comments"),
                  my_excuse_id=Subquery(mine.values("pk")[:1]),
                  my_excuse_reason=Subquery(mine.values("reason")[:1]),
                  my_excuse_withdrawn_at=Subquery(mine.values("withdrawn_at")[:1]),
                  my_excuse_confirmed_for=Subquery(mine.values("confirmed_for")[:1]))
        .prefetch_related(Prefetch("documents", queryset=MeetingDocument.objects.order_by("uploaded_at")))
        [:upcoming_limit]
    )
    excuses = {
        m.pk: AbsenceExcuse(pk=m.my_excuse_id, meeting=m, member_id=scope.member_id, reason=m.my_excuse_reason,
                            withdrawn_at=m.my_excuse_withdrawn_at, confirmed_for=m.my_excuse_confirmed_for)
        for m in upcoming if m.my_excuse_id is not None
    }
    resolutions = []
    if scope.member_cell_ids:
        resolutions = list(
            Minutes.objects.filter(meeting__cell_id__in=scope.member_cell_ids, meeting__status=Meeting.Status.HELD,
                                   finalized_at__isnull=False)
            .exclude(resolution="").select_related("meeting__cell").order_by("-meeting__starts_at")[:3]
        )
    return MemberHome(upcoming=upcoming, excuses=excuses, attendance=member_attendance(scope, now=now),
                      resolutions=resolutions)


# The member's roll-call rows of a year's counted meetings (`rules.COUNTED_MEETING_SQL`), read on
# every visit of the home: plain statements, because building them with the ORM cost several times
# what PostgreSQL spends on them. The year is the partition key (the meeting's period year).
_MEMBER_ATTENDANCE_FROM = f"""
      FROM "{Attendance._meta.db_table}" a
      JOIN {Meeting._meta.db_table} m ON m.id = a.meeting_id
      JOIN {Organization._meta.db_table} c ON c.id = m.cell_id
     WHERE a.member_id = %(member)s AND a.year = %(year)s AND {rules.COUNTED_MEETING_SQL}
"""
_MEMBER_ATTENDANCE_SQL = f"""
    SELECT a.id, a.status, a.basis, m.id, m.public_id, m.starts_at, m.kind, m.cell_id, c.name
    {_MEMBER_ATTENDANCE_FROM} ORDER BY m.starts_at, a.id
"""
# A hash of every field of those rows that the member's attendance shows, to find it rendered.
_MEMBER_ATTENDANCE_FINGERPRINT_SQL = f"""
    SELECT md5(coalesce(string_agg(concat_ws('|', a.id, a.status, a.basis, m.public_id, m.starts_at, m.kind, c.name),
                                   E'\\n' ORDER BY m.starts_at, a.id), ''))
    {_MEMBER_ATTENDANCE_FROM}
"""


def _attendance_year(now: dt.datetime | None) -> int:
    return timezone.localdate(now or timezone.now()).year


def member_attendance(scope: Scope, *, now: dt.datetime | None = None) -> AttendanceYear:
    """The member's roll-call rows of this year's counted meetings, by the month each counts for
    (each row with its meeting's date, kind and cell's name)."""
    year = _attendance_year(now)
    if not scope.member_id:
        return AttendanceYear(year, [])
    with connection.cursor() as cursor:
        cursor.execute(_MEMBER_ATTENDANCE_SQL, {"member": scope.member_id, "year": year})
        rows = cursor.fetchall()
    db = connection.alias
    attendance = []
    for pk, status, basis, meeting_id, public_id, starts_at, kind, cell_id, cell_name in rows:
        row = model_row(Attendance, db, id=pk, status=status, basis=basis, member_id=scope.member_id, year=year,
                        meeting_id=meeting_id)
        row.meeting = model_row(Meeting, db, id=meeting_id, public_id=public_id, starts_at=starts_at, kind=kind,
                                cell_id=cell_id)
        row.meeting.cell = model_row(Organization, db, id=cell_id, name=cell_name)
        attendance.append(row)
    return AttendanceYear(year, attendance)


def member_attendance_fingerprint(scope: Scope, *, now: dt.datetime | None = None) -> str:
    """What `member_attendance` would return, as a short hash (year included): equal hashes, equal rows."""
    year = _attendance_year(now)
    if not scope.member_id:
        return f"{year}:none"
    with connection.cursor() as cursor:
        cursor.execute(_MEMBER_ATTENDANCE_FINGERPRINT_SQL, {"member": scope.member_id, "year": year})
        return f"{year}:{cursor.fetchone()[0]}"


def member_excuse(scope: Scope, meeting_id: int) -> AbsenceExcuse | None:
    """The signed-in member's own excuse for a meeting of their cells (withdrawn ones included)."""
    if not scope.member_id:
        return None
    return AbsenceExcuse.objects.filter(meeting_id=meeting_id, member_id=scope.member_id,
                                        meeting__cell_id__in=scope.member_cell_ids).first()


# --- The calendar feed ----------------------------------------------------------------------

# The feed's window: the past `HANDBOOK_FEED_PAST_MONTHS` months (12) and everything ahead.
FEED_MAX_EVENTS = 500


# Phones poll their feeds every few minutes: the feed, its member and account in one plain statement
# (through the ORM, building it cost more than the rest of a 304 answer).
_FEED_BY_LOOKUP_SQL = f"""
    SELECT f.id, f.secret, m.id, m.full_name, u.id, u.is_active, u.language
      FROM {CalendarFeed._meta.db_table} f
      JOIN {Member._meta.db_table} m ON m.id = f.member_id
      LEFT JOIN {User._meta.db_table} u ON u.id = m.user_id
     WHERE f.lookup = %s
"""


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed behind a secret address, or None. The secret is compared in constant time;
    a deactivated account's feed answers nothing. The feed comes with its member (id, name) and
    the member's account (id, active, language) loaded; their other fields load when asked for."""
    lookup, secret = token[:CalendarFeed.LOOKUP_LENGTH], token[CalendarFeed.LOOKUP_LENGTH:]
    if len(lookup) != CalendarFeed.LOOKUP_LENGTH or not secret:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_FEED_BY_LOOKUP_SQL, [lookup])
        row = cursor.fetchone()
    if row is None or not constant_time_compare(row[1], secret):
        return None
    feed_id, feed_secret, member_id, full_name, user_id, is_active, language = row
    if user_id is not None and not is_active:
        return None
    db = connection.alias
    member = model_row(Member, db, id=member_id, full_name=full_name, user_id=user_id)
    member.user = model_row(User, db, id=user_id, is_active=is_active, language=language) if user_id else None
    feed = model_row(CalendarFeed, db, id=feed_id, member_id=member_id, lookup=lookup, secret=feed_secret)
    feed.member = member
    return feed


def _feed_meetings(member: Member, now: dt.datetime) -> QuerySet[Meeting]:
    """The meetings of the member's current cells (home and temporary) in the feed's window."""
    cells = CellMembership.objects.current(timezone.localdate(now)).filter(member=member).values("cell_id")
    since = add_months(timezone.localdate(now), -settings.HANDBOOK_FEED_PAST_MONTHS)
    since_at = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    return Meeting.objects.filter(cell_id__in=cells, starts_at__gte=since_at).order_by("starts_at", "id")


def meetings_for_feed(member: Member, *, now: dt.datetime | None = None) -> list[Meeting]:
    return list(_feed_meetings(member, now or timezone.now()).select_related("cell")[:FEED_MAX_EVENTS])


# Every value a feed's VEVENT is built from: when one changes, the feed's fingerprint does.
_FEED_EVENT_COLUMNS = ("m.id", "m.public_id", "m.sequence", "m.status", "m.kind", "m.starts_at", "m.ends_at",
                       "m.created_at", "m.updated_at", "m.place", "m.title", "m.agenda", "m.status_reason", "c.name")

# The same meetings as `_feed_meetings`, in SQL written once (a phone polls every few minutes: the
# ORM would spend more time building this query than PostgreSQL spends answering it).
_FEED_FINGERPRINT_SQL = f"""
SELECT md5(concat_ws('|', {", ".join(f"{column}::text" for column in _FEED_EVENT_COLUMNS)},
                     (m.starts_at > %(now)s)::text))
  FROM meetings_meeting m JOIN cells_organization c ON c.id = m.cell_id
 WHERE m.cell_id IN (SELECT cm.cell_id FROM members_cellmembership cm
                      WHERE cm.member_id = %(member_id)s AND {current_sql("cm", "%(today)s")})
   AND m.starts_at >= %(since)s
 ORDER BY m.starts_at, m.id
 LIMIT {FEED_MAX_EVENTS}
"""


def feed_fingerprint(member: Member, *, now: dt.datetime | None = None) -> str:
    """A hash of everything the member's feed shows, from one query (an md5 per meeting, computed by
    PostgreSQL): the meetings in the window, each one's fields, whether it has started (its alarms
    go), the member's name and language and the site's address. The calendar view answers 304 when
    a phone already holds it, and caches the built feed under it, so a change that bumps a meeting's
    SEQUENCE (or anything else in the feed) is a new fingerprint: nothing to invalidate."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = add_months(today, -settings.HANDBOOK_FEED_PAST_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute(_FEED_FINGERPRINT_SQL, {
            "now": now, "member_id": member.pk, "today": today,
            "since": timezone.make_aware(dt.datetime.combine(since, dt.time.min)),
        })
        hashes = [row[0] for row in cursor.fetchall()]
    language = member.user.language if member.user else settings.LANGUAGE_CODE
    head = "|".join([settings.SITE_URL, language, member.full_name, str(settings.HANDBOOK_FEED_PAST_MONTHS)])
    return hashlib.sha256("\n".join([head, *hashes]).encode()).hexdigest()[:32]


# --- Reminder lead times ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReminderChoices:
    """What a member may choose for meeting reminders (the home cell's settings) and has."""

    allowed: tuple[int, ...]  # lead times in minutes, longest first
    default: tuple[int, ...]  # what the member gets without a choice
    chosen: tuple[int, ...] | None  # the member's choice as saved (None: the default)

    @property
    def effective(self) -> tuple[int, ...]:
        return rules.effective_reminder_offsets(self.chosen, allowed=self.allowed, default=self.default)


def reminder_choices_of(member: Member) -> ReminderChoices | None:
    """The signed-in member's reminder lead times, by the settings of the home cell (None
    for a member without one today)."""
    membership = (CellMembership.objects.current().filter(member=member, kind=CellMembership.Kind.HOME)
                  .select_related("cell").first())
    if membership is None:
        return None
    cell = organization_settings(membership.cell)
    chosen = ReminderChoice.objects.filter(member=member).values_list("offsets_minutes", flat=True).first()
    return ReminderChoices(allowed=cell.reminder_choices_minutes, default=cell.reminder_offsets_minutes,
                           chosen=tuple(chosen) if chosen is not None else None)
