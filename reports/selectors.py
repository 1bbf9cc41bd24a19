"""Scoped reads of the dashboards. They read the roll-up tables, never raw attendance in bulk.

Scope (members.access): a seat on a committee opens that organisation's whole subtree;
superusers see everything; anything else is a 404.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, DecimalField, F, Func, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from common.months import add_months, current_month
from common.numbers import percent_sql
from meetings import rules
from meetings.models import Attendance, Meeting
from members.access import Scope, organizations_overseen
from reports.figures import COUNTS, Figures, band_range, figures_from
from reports.periods import Period
from rollups.models import CellMonth, MemberYear, OrganizationMonth, RegisterYear

# Levels whose dashboard lists grassroots organisations; below them it lists cells.
UPPER_KINDS = (Organization.Kind.CENTRAL, Organization.Kind.PROVINCE, Organization.Kind.DISTRICT)
PAGE_SIZE = 50


# --- What the user may open ---------------------------------------------------------------

def dashboard_home(scope: Scope):
    """The public id of the organisation the user's dashboard opens on, or None."""
    if scope.is_superuser:
        return Organization.objects.filter(parent__isnull=True).order_by("path").values_list("public_id", flat=True).first()
    if not scope.oversight:
        return None
    org_id, _path = min(scope.oversight, key=lambda seat: (seat[1].count("/"), seat[1]))
    return Organization.objects.filter(pk=org_id).values_list("public_id", flat=True).first()


def get_organization_for_reports(scope: Scope, public_id) -> Organization:
    org = organizations_overseen(scope).select_related("parent").filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def get_cell_for_reports(scope: Scope, public_id) -> Organization:
    cell = organizations_overseen(scope).cells().select_related("parent").filter(public_id=public_id).first()
    if cell is None:
        raise Http404
    return cell


def breadcrumbs(scope: Scope, org: Organization) -> list[Organization]:
    """The organisation's ancestors that the user may open, from the top down (one query)."""
    ids = org.ancestor_ids
    if not ids:
        return []
    ancestors = Organization.objects.filter(pk__in=ids).order_by("path")
    return [a for a in ancestors if scope.is_superuser or scope.oversees_path(a.path)]


# --- The table of units -----------------------------------------------------------------------

def unit_level(org: Organization) -> str:
    """"grassroots" above the grassroots organisations (province, district), else "cells"."""
    return "grassroots" if org.kind in UPPER_KINDS else "cells"


@dataclass(frozen=True)
class UnitQuery:
    sort: str = "name"
    status: str = ""
    band: int | None = None
    risk: bool = False
    q: str = ""


SORTS = {
    "name": "unit_name",
    "status": "f_regular_missed",
    "on_time": "on_time_rate",
    "late": "f_regular_late",
    "missed": "f_regular_missed",
    "thematic": "f_thematic",
    "documents": "documents_rate",
    "minutes": "minutes_rate",
    "attendance": "attendance_rate",
    "last_meeting": "f_last_meeting_at",
    "risk": "f_members_at_risk",
    "accounts": "account_rate",
    "signed_in": "signed_in_rate",
}
STATUSES = (rules.ON_TIME, rules.LATE, rules.MISSED, rules.NOT_YET_DUE)


class Percent(Func):
    """common.numbers.percent_sql over two expressions: the rate the page shows, in SQL, so
    that sorting and the attendance band filter agree with the figures to the decimal."""

    output_field = DecimalField(max_digits=6, decimal_places=1)

    def as_sql(self, compiler, connection, **extra_context):
        (part_sql, part_params), (whole_sql, whole_params) = (
            compiler.compile(expression) for expression in self.source_expressions)
        return percent_sql(part_sql, whole_sql), (*part_params, *whole_params)


def _ratio(part: str, whole: str) -> Percent:
    return Percent(F(part), F(whole))


def grassroots_name(path_field: str) -> Subquery:
    """The name of the grassroots organisation (commune) a cell belongs to, read off the
    materialized path; a grassroots cell is its own. For lists spanning several communes."""
    within = Func(OuterRef(path_field), F("path"), function="starts_with", output_field=BooleanField())
    return Subquery(
        Organization.objects.filter(within, kind__in=Organization.GRASSROOTS_KINDS)
        .order_by("-path").values("name")[:1]
    )


def _units(org: Organization, period: Period, level: str, query: UnitQuery, *, with_grassroots: bool = False):
    month = current_month()
    end = period.end(month)
    if level == "cells":
        model, key, kinds = CellMonth, "cell", Organization.CELL_KINDS
    else:
        model, key, kinds = OrganizationMonth, "organization", Organization.GRASSROOTS_KINDS
    # The rows read run from the period's start to the current month (whose row holds adoption):
    # the period's sums leave out only the months after its end, when it has ended.
    in_period = Q(month__lte=end) if end < month else None
    at_end, now = Q(month=end), Q(month=month)
    checkpoints = Q(month__in=period.checkpoints(month))
    aggregates = {f"f_{name}": Sum(name, filter=in_period) for name in COUNTS}
    aggregates |= {
        "f_thematic": Sum("thematic_quarter", filter=checkpoints),
        "f_thematic_due": Sum("cells_due", filter=checkpoints),
        "f_members_at_risk": Sum("members_at_risk", filter=at_end),
        "f_members_to_remove": Sum("members_to_remove", filter=at_end),
        "f_members_at_risk_fees": Sum("members_at_risk_fees", filter=at_end),
        "f_last_meeting_at": Max("last_meeting_at", filter=in_period),
        "f_members": Sum("members", filter=now),
        "f_members_with_account": Sum("members_with_account", filter=now),
        "f_members_signed_in": Sum("members_signed_in", filter=now),
        "f_members_opened_notices": Sum("members_opened_notices", filter=now),
    }
    if level == "cells":
        aggregates |= {
            "regular_held_on": Max("regular_held_on", filter=at_end),
            "regular_scheduled_date": Max("regular_scheduled_date", filter=at_end),
        }
    qs = (
        model.objects.filter(**{f"{key}__path__startswith": org.path, f"{key}__kind__in": kinds,
                                f"{key}__is_active": True})
        # One month range (the period up to the current month, whose row holds adoption), so
        # the (cell, month) unique index serves each unit.
        .filter(month__gte=period.start, month__lte=month)
        .values(unit_id=F(f"{key}_id"), unit_name=F(f"{key}__name"), unit_public_id=F(f"{key}__public_id"),
                unit_kind=F(f"{key}__kind"))
        .annotate(**aggregates)
        .annotate(
            attendance_rate=_ratio("f_present", "f_summoned"),
            on_time_rate=_ratio("f_regular_on_time", "f_cells_due"),
            documents_rate=_ratio("f_documents_on_time", "f_documents_due"),
            minutes_rate=_ratio("f_minutes_on_time", "f_minutes_due"),
            account_rate=_ratio("f_members_with_account", "f_members"),
            signed_in_rate=_ratio("f_members_signed_in", "f_members"),
        )
    )
    if with_grassroots:
        qs = qs.annotate(grassroots_name=grassroots_name(f"{key}__path"))
    if query.q:
        qs = qs.filter(**{f"{key}__name__icontains": query.q})
    if query.status == "missed":
        qs = qs.filter(f_regular_missed__gt=0)
    elif query.status == "late":
        qs = qs.filter(f_regular_late__gt=0)
    elif query.status == "on_time":
        qs = qs.filter(f_cells_due__gt=0, f_regular_on_time=F("f_cells_due"))
    elif query.status == rules.NOT_YET_DUE:
        qs = qs.filter(f_cells_due__gt=F("f_regular_held") + F("f_regular_missed"))
    if query.band:
        low, high = band_range(query.band)
        qs = qs.filter(attendance_rate__isnull=False)
        if low is not None:
            qs = qs.filter(attendance_rate__gte=low)
        if high is not None:
            qs = qs.filter(attendance_rate__lt=high)
    if query.risk:
        qs = qs.filter(f_members_at_risk__gt=0)
    descending = query.sort.startswith("-")
    column = SORTS.get(query.sort.lstrip("-"), "unit_name")
    order = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return qs.order_by(order, "unit_name", "unit_id")


def _unit(values: dict) -> Figures:
    plain = {key.removeprefix("f_"): value for key, value in values.items()}
    return figures_from(plain)


@dataclass
class UnitPage:
    level: str
    units: list[Figures]
    page: int
    has_next: bool


def unit_page(org: Organization, period: Period, query: UnitQuery, *, page: int = 1, level: str | None = None,
              page_size: int = PAGE_SIZE) -> UnitPage:
    """One page of the units under `org` (one query: a page and one more row tells if there is a next)."""
    level = level or unit_level(org)
    page = max(1, page)
    offset = (page - 1) * page_size
    rows = list(_units(org, period, level, query)[offset:offset + page_size + 1])
    return UnitPage(level, [_unit(row) for row in rows[:page_size]], page, len(rows) > page_size)


def spans_communes(org: Organization, level: str) -> bool:
    """Whether a list of `level` units under `org` mixes grassroots organisations, so each row
    must name its own (two communes may each have a "Chi bộ thôn Đông")."""
    return level == "cells" and org.kind in UPPER_KINDS


def unit_rows_iter(org: Organization, period: Period, query: UnitQuery, *, level: str, chunk: int = 2000):
    """Every unit, in chunks (exports): yields Figures; cells above a commune name their commune."""
    qs = _units(org, period, level, query, with_grassroots=spans_communes(org, level))
    offset = 0
    while True:
        rows = list(qs[offset:offset + chunk])
        yield from (_unit(row) for row in rows)
        if len(rows) < chunk:
            return
        offset += chunk


def unit_count(org: Organization, level: str) -> int:
    kinds = Organization.CELL_KINDS if level == "cells" else Organization.GRASSROOTS_KINDS
    return Organization.objects.subtree(org).filter(kind__in=kinds, is_active=True).count()


# --- One organisation (or cell) over time ------------------------------------------------------

@dataclass
class MonthPoint:
    month: dt.date
    figures: Figures


@dataclass
class Overview:
    totals: Figures
    trend: list[MonthPoint]  # the 12 months ending with the period
    first_month: dt.date | None = None  # the first month with figures (the period picker's start)


def _overview(rows: list, period: Period) -> Overview:
    month = current_month()
    end = period.end(month)
    by_month = {row.month: row for row in rows}
    totals = Figures()
    for row in rows:
        if period.start <= row.month <= end:
            for name in COUNTS:
                setattr(totals, name, getattr(totals, name) + getattr(row, name))
            if row.last_meeting_at and (totals.last_meeting_at is None or row.last_meeting_at > totals.last_meeting_at):
                totals.last_meeting_at = row.last_meeting_at
    for point in period.checkpoints(month):
        if point in by_month:
            totals.thematic += by_month[point].thematic_quarter
            totals.thematic_due += by_month[point].cells_due
    if end in by_month:
        totals.members_at_risk = by_month[end].members_at_risk
        totals.members_to_remove = by_month[end].members_to_remove
        totals.members_at_risk_fees = by_month[end].members_at_risk_fees
    if month in by_month:
        now = by_month[month]
        totals.members, totals.members_with_account = now.members, now.members_with_account
        totals.members_signed_in, totals.members_opened_notices = now.members_signed_in, now.members_opened_notices
    trend = []
    for i in range(11, -1, -1):
        day = add_months(end, -i)
        row = by_month.get(day)
        figures = figures_from({name: getattr(row, name) for name in COUNTS} | {
            "thematic": row.thematic_quarter, "thematic_due": row.cells_due,
        }) if row else Figures()
        trend.append(MonthPoint(day, figures))
    first = rows[0].first_month if rows else None
    return Overview(totals, trend, first)


def _window(period: Period) -> Q:
    month = current_month()
    end = period.end(month)
    return Q(month__gte=min(add_months(end, -11), period.start), month__lte=month)


def _first_month(rows):
    """The rows' first month, read in the same query (an uncorrelated subquery on the index)."""
    return Subquery(rows.order_by("month").values("month")[:1])


def organization_overview(org: Organization, period: Period) -> Overview:
    mine = OrganizationMonth.objects.filter(organization=org)
    rows = list(mine.filter(_window(period)).annotate(first_month=_first_month(mine)).order_by("month"))
    return _overview(rows, period)


def cell_overview(cell: Organization, period: Period) -> tuple[Overview, list[CellMonth]]:
    """The cell's figures and its month rows of the period (for the month-by-month table)."""
    mine = CellMonth.objects.filter(cell=cell)
    rows = list(mine.filter(_window(period)).annotate(first_month=_first_month(mine)).order_by("month"))
    end = period.end(current_month())
    return _overview(rows, period), [row for row in rows if period.start <= row.month <= end]


def first_figures_month(org: Organization) -> dt.date | None:
    """The organisation's (or cell's) first month with roll-up figures, or None (when the
    overview's window held no row to tell it)."""
    if org.is_cell:
        rows = CellMonth.objects.filter(cell=org)
    else:
        rows = OrganizationMonth.objects.filter(organization=org)
    return rows.aggregate(first=Min("month"))["first"]


def register_year(org: Organization, year: int) -> RegisterYear | None:
    """The organisation's registers of the year (admissions against plan, conduct, badges), summed
    over its subtree; None when nothing is recorded. One query."""
    return RegisterYear.objects.filter(organization=org, year=year).first()


# --- Members at risk ----------------------------------------------------------------------------

def members_at_risk(org: Organization, period: Period):
    """Members of the subtree whose absences without reason or unpaid fee months this year
    reached a warning, once each, with why (`.reasons`) and the commune of their cell
    (`grassroots_name`)."""
    end = period.end(current_month())
    return (
        MemberYear.objects.filter(cell__path__startswith=org.path, year=end.year, at_risk_from__lte=end)
        .select_related("member", "cell")
        .annotate(grassroots_name=grassroots_name("cell__path"),
                  worst_months=Greatest("unexcused_months", "unpaid_months"))
        .order_by("-worst_months", "cell__name", "member__full_name")
    )


# --- A cell's meetings and roll calls --------------------------------------------------------

def cell_meetings(cell: Organization, period: Period) -> list[Meeting]:
    """The cell's meetings of the period (two queries), each with `.roll` (its roll-call rows),
    `.counts` (meetings.rules.attendance_counts) and `.documents_state` / `.minutes_state`
    (meetings.rules; None where the rule does not apply). The figures of the period come from
    the roll-ups (`cell_overview`), never from these rows."""
    meetings = list(
        Meeting.objects.filter(cell=cell, period__gte=period.start, period__lte=period.last)
        .select_related("minutes")
        .annotate(first_document_at=Min("documents__uploaded_at"))
        .order_by("starts_at")
    )
    rolls: dict[int, list[Attendance]] = {m.pk: [] for m in meetings}
    attendance = (
        Attendance.objects.filter(meeting__cell=cell, meeting__period__gte=period.start,
                                  meeting__period__lte=period.last,
                                  year__range=(period.start.year, period.last.year))  # prunes partitions
        .select_related("member")
        .order_by("member__full_name")
    )
    for row in attendance:
        rolls.setdefault(row.meeting_id, []).append(row)
    now = timezone.now()
    for meeting in meetings:
        minutes = getattr(meeting, "minutes", None)  # no minutes yet: the reverse accessor raises
        meeting.roll = rolls.get(meeting.pk, [])
        meeting.counts = rules.attendance_counts(meeting.roll)
        meeting.documents_state = (
            rules.documents_state(meeting, first_posted_at=meeting.first_document_at, now=now)
            if meeting.kind in rules.MEETINGS_WITH_DOCUMENTS else None)
        meeting.minutes_state = (
            rules.minutes_state(meeting, finalized_at=minutes.finalized_at if minutes else None, now=now)
            if meeting.status == Meeting.Status.HELD else None)
    return meetings
