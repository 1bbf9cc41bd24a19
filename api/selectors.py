"""Scoped reads for the API, on top of members.access, meetings.selectors and reports.selectors
(same scope and same figures as the pages; the roll call comes from meetings.roll_call_selectors)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from api.models import ApiToken
from cells.models import Organization
from cells.selectors import organization_cells
from common.months import add_months, current_month, months_between
from meetings.models import AbsenceExcuse, DraftComment, DraftResolution, Meeting
from meetings.selectors import get_meeting_for_viewer, meetings_visible
from members.access import Scope, can_manage_cell, organizations_overseen
from members.models import CellMembership, CommitteeSeat
from reports.figures import Figures
from reports.periods import Period
from reports.selectors import UnitQuery, cell_overview, first_figures_month, organization_overview, unit_rows_iter

# --- Tokens ---------------------------------------------------------------------------------


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def get_token_of(user, public_id) -> ApiToken:
    token = tokens_of(user).filter(public_id=public_id).first()
    if token is None:
        raise Http404
    return token


# --- Me ---------------------------------------------------------------------------------------


def my_memberships(scope: Scope) -> list[CellMembership]:
    if not scope.member_id:
        return []
    return list(CellMembership.objects.current().filter(member_id=scope.member_id)
                .select_related("cell").order_by("kind", "cell__name"))


def my_seats(scope: Scope) -> list[CommitteeSeat]:
    if not scope.member_id:
        return []
    return list(CommitteeSeat.objects.current().filter(member_id=scope.member_id)
                .select_related("organization").order_by("organization__path"))


# --- Meetings ----------------------------------------------------------------------------------


def filter_meetings(qs: QuerySet[Meeting], *, when: str = "upcoming", date_from: dt.date | None = None,
                    date_to: dt.date | None = None, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """`upcoming` means what meetings.selectors.meetings_upcoming_for_member means: open and not ended."""
    upcoming = Q(status__in=Meeting.OPEN_STATUSES, ends_at__gte=now or timezone.now())
    if when == "upcoming":
        qs = qs.filter(upcoming).order_by("starts_at", "pk")
    elif when == "past":
        qs = qs.exclude(upcoming).order_by("-starts_at", "-pk")
    else:
        qs = qs.order_by("-starts_at", "-pk")
    # The local day of the start, computed by PostgreSQL: no date arithmetic to overflow.
    if date_from:
        qs = qs.filter(starts_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(starts_at__date__lte=date_to)
    return qs.select_related("cell")


def my_meetings(scope: Scope, **filters) -> QuerySet[Meeting]:
    """The meetings of the cells the member belongs to (home and temporary)."""
    return filter_meetings(meetings_visible(scope).filter(cell_id__in=scope.member_cell_ids), **filters)


def cell_meetings(scope: Scope, cell: Organization, **filters) -> QuerySet[Meeting]:
    return filter_meetings(meetings_visible(scope).filter(cell=cell), **filters)


def meeting_detail(scope: Scope, public_id) -> Meeting:
    """A visible meeting with its documents, draft (and comment count) and the caller's excuse."""
    meeting = get_meeting_for_viewer(scope, public_id)
    meeting.prefetched_documents = list(meeting.documents.order_by("uploaded_at", "pk"))
    for document in meeting.prefetched_documents:
        document.meeting = meeting
    meeting.draft_or_none = (
        DraftResolution.objects.filter(meeting=meeting).annotate(comment_count=Count("comments")).first()
    )
    meeting.my_excuse = (
        AbsenceExcuse.objects.filter(meeting=meeting, member_id=scope.member_id, withdrawn_at__isnull=True).first()
        if scope.member_id else None
    )
    meeting.can_manage = can_manage_cell(scope, meeting.cell)
    return meeting


def draft_comments(meeting: Meeting) -> QuerySet[DraftComment]:
    return DraftComment.objects.filter(draft__meeting=meeting).select_related("member").order_by("created_at", "pk")


# --- Organisations ----------------------------------------------------------------------


def organizations_of_seats(scope: Scope) -> QuerySet[Organization]:
    """The organisations whose subtrees the user oversees (the tops, not every descendant)."""
    qs = organizations_overseen(scope)
    qs = qs.filter(depth=0) if scope.is_superuser else qs.filter(pk__in=[org for org, _ in scope.oversight])
    return qs.select_related("parent").order_by("path")


def organization_cell_list(org: Organization) -> QuerySet[Organization]:
    return organization_cells(org).select_related("parent").order_by("path")




# --- Dashboard figures: the dashboards' own reads (reports.selectors, from the roll-up tables) --------

def figure_months(org: Organization, *, month_from: dt.date | None = None,
                  month_to: dt.date | None = None) -> list[dt.date]:
    """The months asked for, newest first, twelve by default; only those with figures, as the
    dashboard's period picker offers them: from the first month with roll-ups to this one."""
    first = first_figures_month(org)
    if first is None:
        return []
    this_month = current_month()
    month_to = min(month_to or this_month, this_month)
    return months_between(max(month_from or add_months(month_to, -11), first), month_to)[::-1]


def month_figures(org: Organization, month: dt.date) -> Figures:
    """One month of an organisation (or a cell) as its dashboard shows that month."""
    period = Period.month_of(month)
    overview = cell_overview(org, period)[0] if org.is_cell else organization_overview(org, period)
    overview.totals.extra["month"] = month
    return overview.totals


def cell_month_figures(org: Organization, month: dt.date | None = None) -> list[Figures]:
    """Each active cell under the organisation in one month (this one by default), as the
    dashboard's table of cells shows it."""
    month = month or current_month()
    rows = list(unit_rows_iter(org, Period.month_of(month), UnitQuery(), level="cells"))
    for row in rows:
        row.extra["month"] = month
    return rows
