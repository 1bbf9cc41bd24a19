"""Scoped reads of consultations. Anything out of scope is a 404.

- A draft is seen by the members and officers of every cell under its publisher, by the
  committees of the organisations on the way (and above: they oversee the publisher).
- A cell's comments are seen by the cell's members and officers and by the committees
  above that cell; never by another cell.
- A summary once sent is seen by whoever sees its organisation (its members when it is a
  cell, the committees at and above it); a draft summary only by those who write it: the
  cell's officers, or the committee seated at that organisation.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from cells.models import Organization
from consultations import rules
from consultations.models import Consultation, ConsultationComment, ConsultationSummary, SummaryPoint
from members.access import Scope
from members.models import CellMembership, Member


def _ids_on_paths(paths) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/")}


def _my_cell_paths(scope: Scope) -> list[str]:
    ids = scope.member_cell_ids | scope.managed_cell_ids
    return list(Organization.objects.filter(pk__in=ids).values_list("path", flat=True)) if ids else []


def consultations_visible(scope: Scope) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("organization", "reports_to")
    if scope.is_superuser:
        return qs
    # Published by an organisation on the way up from one of my cells or seats, or under a seat.
    condition = Q(organization_id__in=_ids_on_paths([*_my_cell_paths(scope), *scope.oversight_paths]))
    condition = reduce(or_, (Q(organization__path__startswith=p) for p in scope.oversight_paths), condition)
    return qs.filter(condition)


def get_consultation_for_viewer(scope: Scope, public_id) -> Consultation:
    consultation = consultations_visible(scope).filter(public_id=public_id).first()
    if consultation is None:
        raise Http404
    return consultation


def seat_organization_ids(scope: Scope) -> set[int]:
    return {org_id for org_id, _ in scope.oversight}


def can_read_organization(scope: Scope, org: Organization) -> bool:
    return (scope.is_superuser or org.pk in scope.member_cell_ids or org.pk in scope.managed_cell_ids
            or scope.oversees_path(org.path))


def can_write_for(scope: Scope, org: Organization) -> bool:
    """Who writes an organisation's summary: a cell's officers; the committee seated at it."""
    if scope.is_superuser:
        return True
    return org.pk in scope.managed_cell_ids if org.is_cell else org.pk in seat_organization_ids(scope)


def publishers_for(scope: Scope) -> QuerySet[Organization]:
    """Organisations the user may publish a draft from: those where they hold a committee seat
    and that have cells under them."""
    qs = Organization.objects.exclude(kind__in=Organization.CELL_KINDS).active()
    return qs if scope.is_superuser else qs.filter(pk__in=seat_organization_ids(scope))


def get_publisher(scope: Scope, public_id) -> Organization:
    org = publishers_for(scope).filter(public_id=public_id).first()
    if org is None or not rules.may_publish_from(org):
        raise Http404
    return org


def taking_part_in(consultation: Consultation, org: Organization) -> bool:
    return (org.path.startswith(consultation.organization.path)
            and rules.taking_part(Organization.objects.filter(pk=org.pk)).exists())


def get_organization_in(scope: Scope, consultation: Consultation, public_id) -> Organization:
    """An organisation taking part in the consultation that the user may read, else 404."""
    org = Organization.objects.filter(public_id=public_id).first()
    if org is None or not can_read_organization(scope, org) or not taking_part_in(consultation, org):
        raise Http404
    return org


def comment_cell(scope: Scope, consultation: Consultation) -> Organization | None:
    """The cell where this member comments on the draft: their home cell when it is under the
    publisher, else a cell of temporary transfer that is."""
    if scope.member_id is None or not scope.member_cell_ids:
        return None
    rows = (CellMembership.objects.current().filter(
        member_id=scope.member_id, cell__path__startswith=consultation.organization.path,
        cell__kind__in=Organization.CELL_KINDS).select_related("cell").order_by("kind"))
    home = [row.cell for row in rows if row.kind == CellMembership.Kind.HOME]
    return home[0] if home else next((row.cell for row in rows), None)


def summary_of(consultation: Consultation, org: Organization) -> ConsultationSummary | None:
    return (ConsultationSummary.objects.filter(consultation=consultation, organization=org)
            .select_related("sent_by__member").first())


def summary_readable(scope: Scope, org: Organization, summary: ConsultationSummary | None) -> bool:
    if summary is None:
        return False
    return can_write_for(scope, org) or (summary.is_sent and can_read_organization(scope, org))


def cell_comments(consultation: Consultation, cell: Organization) -> list[ConsultationComment]:
    """A cell's comments, oldest first (callers have checked the cell is readable)."""
    return list(ConsultationComment.objects.filter(consultation=consultation, cell=cell).select_related("member"))


def get_own_comment(scope: Scope, consultation: Consultation, public_id) -> ConsultationComment:
    comment = ConsultationComment.objects.filter(consultation=consultation, public_id=public_id,
                                                 member_id=scope.member_id).select_related("cell").first()
    if comment is None or scope.member_id is None:
        raise Http404
    return comment


def points_by_source(summary: ConsultationSummary | None) -> dict[tuple[str, int], SummaryPoint]:
    if summary is None:
        return {}
    return {("comment", p.comment_id) if p.comment_id else ("summary", p.child_summary_id): p
            for p in summary.points.all()}


def child_summaries_sent(consultation: Consultation, children: list[Organization]) -> list[ConsultationSummary]:
    """The sent summaries of these organisations with their taken points (four queries)."""
    return list(ConsultationSummary.objects.filter(
        consultation=consultation, organization__in=children, status=ConsultationSummary.Status.SENT,
    ).select_related("organization").prefetch_related("points__comment__member", "points__child_summary__organization")
        .order_by("organization__path"))


def open_for_member(scope: Scope) -> QuerySet[Consultation]:
    """Drafts open for comments that reach one of the member's cells (newest first)."""
    if scope.member_id is None:
        return Consultation.objects.none()
    ids = _ids_on_paths(_my_cell_paths(scope))
    return (Consultation.objects.select_related("organization")
            .filter(organization_id__in=ids, status=Consultation.Status.OPEN)
            .exclude(organization_id__in=scope.member_cell_ids | scope.managed_cell_ids))


def my_member(scope: Scope) -> Member | None:
    return Member.objects.filter(pk=scope.member_id).first() if scope.member_id else None
