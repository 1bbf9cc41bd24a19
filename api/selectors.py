"""Scoped reads for the API, on top of members.access and meetings.selectors (same scope as the pages)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from api.models import ApiToken
from cells.models import Organization
from cells.selectors import organization_cells
from meetings.models import AbsenceExcuse, Attendance, DraftComment, DraftResolution, Meeting
from meetings.selectors import exempt_members, get_meeting_for_viewer, meetings_visible, summoned_members
from meetings.services.roll_call import roll_call_problem
from members.access import (
    Scope,
    can_manage_cell,
    organizations_overseen,
)
from members.models import CellMembership, CommitteeSeat
from rollups.models import CellMonth, OrganizationMonth

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


def roll_call_sheet(meeting: Meeting) -> dict:
    """The roll call as an officer sees it: summoned members, then exempt ones, each with what
    was recorded and any advance excuse; and why it cannot be taken now, if so."""
    recorded = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    excuses = dict(AbsenceExcuse.objects.filter(meeting=meeting, withdrawn_at__isnull=True)
                   .values_list("member_id", "reason"))
    people = [*((m, True) for m in summoned_members(meeting)), *((m, False) for m in exempt_members(meeting))]
    entries = [{
        "member": member, "summoned": summoned,
        "status": recorded[member.pk].status if member.pk in recorded else None,
        "reason": recorded[member.pk].reason if member.pk in recorded else "",
        "excuse": excuses.get(member.pk),
    } for member, summoned in people]
    return {"recorded_at": meeting.roll_call_recorded_at, "problem": roll_call_problem(meeting), "entries": entries}


def draft_comments(meeting: Meeting) -> QuerySet[DraftComment]:
    return DraftComment.objects.filter(draft__meeting=meeting).select_related("member").order_by("created_at", "pk")


# --- Organisations ----------------------------------------------------------------------


def organizations_of_seats(scope: Scope) -> QuerySet[Organization]:
    """The organisations whose subtrees the user oversees (the tops, not every descendant)."""
    qs = organizations_overseen(scope)
    qs = qs.filter(depth=0) if scope.is_superuser else qs.filter(pk__in=[org for org, _ in scope.oversight])
    return qs.select_related("parent").order_by("path")


def get_organization_for_overseer(scope: Scope, public_id) -> Organization:
    org = organizations_overseen(scope).filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def organization_cell_list(org: Organization) -> QuerySet[Organization]:
    return organization_cells(org).select_related("parent").order_by("path")



# --- Dashboard figures (the roll-up tables, kept by rollups.services) --------------------------------


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def organization_months(org: Organization, *, month_from: dt.date | None = None,
                        month_to: dt.date | None = None) -> QuerySet:
    """An organisation's (or a cell's) monthly figures, newest first: twelve months by default."""
    month_to = month_to or timezone.localdate().replace(day=1)
    month_from = month_from or add_months(month_to, -11)
    if org.is_cell:
        qs = CellMonth.objects.filter(cell=org)
    else:
        qs = OrganizationMonth.objects.filter(organization=org)
    return qs.filter(month__gte=month_from, month__lte=month_to).order_by("-month")


def cell_figures(org: Organization, *, month: dt.date | None = None) -> QuerySet[CellMonth]:
    """One month's figures of every active cell in the organisation's subtree, in tree order."""
    month = month or timezone.localdate().replace(day=1)
    return (
        CellMonth.objects.filter(cell__path__startswith=org.path, cell__is_active=True, month=month)
        .select_related("cell").order_by("cell__path")
    )
