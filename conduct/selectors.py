"""Scoped reads of the conduct registers.

Who may read a discipline record is deliberately narrow: the member themself, the officers
of the member's cell (the cell it was recorded in, or the member's home cell now) and the
committees above it. Commendations are open to the cell's members too. Anything else is a 404.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from common.months import add_years
from common.text import vietnamese_sort_key
from conduct.models import BadgePresentation, Commendation, Discipline
from conduct.rules import BadgeDue, Occasion, badges_due
from members.access import Scope, members_visible, organizations_overseen
from members.models import CellMembership, Member


def _paths_q(paths, field_name: str) -> Q:
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in paths), Q(pk__in=[]))


def _home_in(cell_ids=None, paths=None) -> QuerySet[CellMembership]:
    rows = CellMembership.objects.current().filter(kind=CellMembership.Kind.HOME)
    if cell_ids is not None:
        rows = rows.filter(cell_id__in=cell_ids)
    if paths is not None:
        rows = rows.filter(_paths_q(paths, "cell__path"))
    return rows


def _officers_and_committees(scope: Scope) -> Q:
    condition = Q(member_id=scope.member_id) if scope.member_id else Q(pk__in=[])
    if scope.managed_cell_ids:
        condition |= Q(cell_id__in=scope.managed_cell_ids) | Q(
            member_id__in=_home_in(cell_ids=scope.managed_cell_ids).values("member_id"))
    if scope.oversight:
        paths = scope.oversight_paths
        condition |= _paths_q(paths, "cell__path") | Q(member_id__in=_home_in(paths=paths).values("member_id"))
    return condition


def disciplines_visible(scope: Scope) -> QuerySet[Discipline]:
    qs = Discipline.objects.select_related("member", "cell")
    return qs if scope.is_superuser else qs.filter(_officers_and_committees(scope))


def commendations_visible(scope: Scope) -> QuerySet[Commendation]:
    qs = Commendation.objects.select_related("member", "cell")
    if scope.is_superuser:
        return qs
    condition = _officers_and_committees(scope)
    if scope.member_cell_ids:
        condition |= Q(cell_id__in=scope.member_cell_ids) | Q(
            member_id__in=_home_in(cell_ids=scope.member_cell_ids).values("member_id"))
    return qs.filter(condition)


def get_discipline_for_viewer(scope: Scope, public_id) -> Discipline:
    record = disciplines_visible(scope).filter(public_id=public_id).first()
    if record is None:
        raise Http404
    return record


def get_commendation_for_viewer(scope: Scope, public_id) -> Commendation:
    record = commendations_visible(scope).filter(public_id=public_id).first()
    if record is None:
        raise Http404
    return record


def can_record_discipline(scope: Scope, cell: Organization) -> bool:
    """The cell's officers, and the committees above (discipline is often decided there)."""
    return scope.is_superuser or cell.pk in scope.managed_cell_ids or scope.oversees_path(cell.path)


def get_cell_for_discipline(scope: Scope, public_id) -> Organization:
    cell = Organization.objects.cells().filter(public_id=public_id).first()
    if cell is None or not can_record_discipline(scope, cell):
        raise Http404
    return cell


def cell_members(cell: Organization) -> QuerySet[Member]:
    """Members on the cell's rolls now (home cell), in name order: whom a decision may concern."""
    return Member.objects.on_rolls().filter(pk__in=_home_in(cell_ids=[cell.pk]).values("member_id"))


def get_cell_member(cell: Organization, public_id) -> Member:
    member = cell_members(cell).filter(public_id=public_id).first()
    if member is None:
        raise Http404
    return member


def cell_register(scope: Scope, cell: Organization) -> tuple[list[Commendation], list[Discipline]]:
    """The cell's commendations and the discipline records this user may read."""
    in_cell = Q(cell=cell) | Q(member_id__in=_home_in(cell_ids=[cell.pk]).values("member_id"))
    return (list(commendations_visible(scope).filter(in_cell)),
            list(disciplines_visible(scope).filter(in_cell)))


@dataclass
class MemberConduct:
    commendations: list[Commendation]
    disciplines: list[Discipline]
    badges: list[BadgePresentation]


def member_conduct(scope: Scope, member: Member) -> MemberConduct:
    """What this user may read of the member's records (the member page's section; three queries)."""
    return MemberConduct(
        commendations=list(commendations_visible(scope).filter(member=member)),
        disciplines=list(disciplines_visible(scope).filter(member=member)),
        badges=list(BadgePresentation.objects.filter(member=member).order_by("years")),
    )


# --- Yearly counts per grassroots organisation ----------------------------------------------

@dataclass
class CountRow:
    organization: Organization
    commendations: dict = field(default_factory=lambda: defaultdict(int))
    disciplines: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def commendation_total(self) -> int:
        return sum(self.commendations.values())

    @property
    def discipline_total(self) -> int:
        return sum(self.disciplines.values())

    def commendation_list(self) -> list[int]:
        return [self.commendations[kind] for kind in Commendation.Kind.values]

    def discipline_list(self) -> list[int]:
        return [self.disciplines[level] for level in Discipline.Level.values]


def _units(org: Organization) -> list[Organization]:
    units = list(Organization.objects.subtree(org).filter(kind__in=Organization.GRASSROOTS_KINDS).order_by("path"))
    return units or [org]  # below the grassroots level: the organisation itself


def yearly_counts(org: Organization, year: int) -> tuple[list[CountRow], CountRow]:
    """Commendations by form and discipline by level decided in `year`, per grassroots
    organisation under `org` (any depth) and in total: three queries whatever the size."""
    units = _units(org)
    rows = {unit.pk: CountRow(unit) for unit in units}
    total = CountRow(org)

    def unit_of(path: str) -> CountRow | None:
        ids = [int(part) for part in path.strip("/").split("/")]
        return next((rows[i] for i in reversed(ids) if i in rows), None)

    for model, key, target in ((Commendation, "kind", "commendations"), (Discipline, "level", "disciplines")):
        counted = (model.objects.filter(cell__path__startswith=org.path, decision_date__year=year)
                   .values("cell__path", key).annotate(n=Count("pk")).order_by())
        for row in counted:
            getattr(total, target)[row[key]] += row["n"]
            unit = unit_of(row["cell__path"])
            if unit is not None:
                getattr(unit, target)[row[key]] += row["n"]
    return list(rows.values()), total


# --- Party badges due ------------------------------------------------------------------------

@dataclass
class BadgeRow:
    member: Member
    cell: Organization
    years: int
    anniversary: dt.date
    presentation: BadgePresentation | None = None


def _home_memberships_under(org: Organization):
    return CellMembership.objects.current().filter(kind=CellMembership.Kind.HOME, cell__path__startswith=org.path)


def badge_list(org: Organization, occasion: Occasion) -> tuple[list[BadgeRow], list[BadgeRow]]:
    """(due, presented) at `occasion` for the members whose home cell is under `org`: those
    still to be presented their badge, and those already recorded. Four queries."""
    members = Member.objects.filter(pk__in=_home_memberships_under(org).values("member_id"))
    due: list[BadgeDue] = badges_due(occasion, members)
    presented = list(BadgePresentation.objects.filter(member__in=members, presented_on__gt=occasion.previous,
                                                      presented_on__lte=occasion.date))
    ids = {d.member_id for d in due} | {p.member_id for p in presented}
    places = {m.member_id: m for m in _home_memberships_under(org).filter(member_id__in=ids)
              .select_related("member", "cell")}
    due_rows = [BadgeRow(places[d.member_id].member, places[d.member_id].cell, d.years, d.anniversary)
                for d in due if d.member_id in places]
    presented_rows = [
        BadgeRow(places[p.member_id].member, places[p.member_id].cell, p.years,
                 add_years(places[p.member_id].member.admission_date, p.years), p)
        for p in presented if p.member_id in places
    ]
    return sorted(due_rows, key=_badge_order), sorted(presented_rows, key=_badge_order)


def _badge_order(row: BadgeRow):
    return row.cell.path, -row.years, vietnamese_sort_key(row.member.full_name)


def badge_organizations(scope: Scope) -> QuerySet[Organization]:
    """Organisations whose badge list the user may open: committee subtrees and managed cells."""
    if scope.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(Q(pk__in=organizations_overseen(scope).values("pk"))
                                       | Q(pk__in=scope.managed_cell_ids))


def get_organization_for_badges(scope: Scope, public_id) -> Organization:
    org = badge_organizations(scope).filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def get_member_for_badge(scope: Scope, public_id) -> Member:
    """A member whose home cell the user manages or oversees (who may record a badge), else 404."""
    member = members_visible(scope).filter(public_id=public_id).exclude(pk=scope.member_id).first()
    if member is None and scope.is_superuser:
        member = Member.objects.filter(public_id=public_id).first()
    if member is None:
        raise Http404
    cell = _home_in().filter(member=member).select_related("cell").first()
    if cell is None or not (scope.is_superuser or cell.cell_id in scope.managed_cell_ids
                            or scope.oversees_path(cell.cell.path)):
        raise Http404
    return member


def get_organization_for_committee(scope: Scope, public_id) -> Organization:
    org = organizations_overseen(scope).filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def default_year() -> int:
    return timezone.localdate().year
