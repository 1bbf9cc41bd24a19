"""Scoped reads of the admissions register (members.access decides; out of scope is a 404),
and the yearly figures against plan, per grassroots organisation and rolled up, in a fixed
number of queries whatever the size of the tree."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from admissions.models import AdmissionPlan, Candidate, Step
from cells.models import Organization
from common.numbers import percent
from members import rules
from members.access import Scope, can_manage_cell, cells_managed, organizations_overseen
from members.models import CellMembership, Member, MemberStatus


def grassroots_of(org: Organization) -> Organization:
    """The grassroots organisation `org` stands in (itself when it is one). A tree without one
    above (a cell hung directly under a higher committee) answers the top of the tree."""
    if org.kind in Organization.GRASSROOTS_KINDS:
        return org
    found = (Organization.objects.filter(pk__in=org.ancestor_ids, kind__in=Organization.GRASSROOTS_KINDS)
             .order_by("-depth").first())
    return found or Organization.objects.filter(pk__in=org.ancestor_ids[:1] or [org.pk]).first()


# --- Candidates ----------------------------------------------------------------------------------

def _officer_cells(scope: Scope) -> QuerySet[Organization]:
    """Cells whose candidates the user may read: the cells they manage and every cell under
    their committees (read-only). Plain members see no candidate."""
    if scope.is_superuser:
        return Organization.objects.cells()
    return cells_managed(scope) | organizations_overseen(scope).cells()


def candidates_visible(scope: Scope) -> QuerySet[Candidate]:
    return Candidate.objects.filter(cell__in=_officer_cells(scope))


def get_cell_for_candidates(scope: Scope, public_id) -> Organization:
    cell = _officer_cells(scope).filter(public_id=public_id).select_related("parent").first()
    if cell is None:
        raise Http404
    return cell


def get_candidate(scope: Scope, public_id) -> Candidate:
    candidate = (candidates_visible(scope).filter(public_id=public_id)
                 .select_related("cell", "sponsor_1", "sponsor_2", "decision_organization", "member").first())
    if candidate is None:
        raise Http404
    return candidate


def can_manage_candidate(scope: Scope, candidate: Candidate) -> bool:
    return can_manage_cell(scope, candidate.cell)


def candidate_list(cell: Organization) -> list[Candidate]:
    """The cell's candidates: those in preparation first (by name), then admitted and withdrawn."""
    candidates = list(Candidate.objects.filter(cell=cell).select_related("member"))
    return sorted(candidates, key=lambda c: (not c.is_open, c.full_name))


def sponsor_choices(cell: Organization) -> QuerySet[Member]:
    """Official members on the cell's rolls today: those a secretary picks sponsors from
    (admissions.services.sponsor_refusal checks the date given)."""
    home = CellMembership.objects.current().filter(cell=cell, kind=CellMembership.Kind.HOME)
    return Member.objects.filter(pk__in=home.values("member_id"), official_date__isnull=False,
                                 status__in=(MemberStatus.OFFICIAL, MemberStatus.EXEMPT)).order_by("full_name")


def decision_organizations(cell: Organization) -> list[Organization]:
    """The committees above the cell, nearest first: who may issue the admission decision."""
    return list(Organization.objects.filter(pk__in=cell.ancestor_ids).order_by("-depth"))


# --- Probation ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OnProbation:
    member: Member
    ends: dt.date
    notice_from: dt.date

    @property
    def due(self) -> bool:
        return self.ends <= timezone.localdate()


def probation_list(cell: Organization) -> list[OnProbation]:
    """The cell's probationary members with the day their probation ends, soonest first."""
    home = CellMembership.objects.current().filter(cell=cell, kind=CellMembership.Kind.HOME)
    notice = dt.timedelta(days=settings.HANDBOOK_RULES["probation_notice_days"])
    rows = []
    for member in Member.objects.filter(pk__in=home.values("member_id"), status=MemberStatus.PROBATIONARY):
        if member.admission_date:
            ends = rules.probation_ends(member.admission_date)
            rows.append(OnProbation(member, ends, ends - notice))
    return sorted(rows, key=lambda row: (row.ends, row.member.full_name))


def get_probationary_member(scope: Scope, cell: Organization, public_id) -> Member:
    """A member on the rolls of a cell the user manages, whose probation may be reviewed."""
    if not can_manage_cell(scope, cell):
        raise Http404
    home = CellMembership.objects.current().filter(cell=cell, kind=CellMembership.Kind.HOME)
    member = Member.objects.filter(pk__in=home.values("member_id"), public_id=public_id).first()
    if member is None:
        raise Http404
    return member


# --- The yearly plan and figures ----------------------------------------------------------------

def get_organization_for_admissions(scope: Scope, public_id) -> Organization:
    org = organizations_overseen(scope).select_related("parent").filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def can_set_plan(scope: Scope, org: Organization) -> bool:
    """The level above sets a grassroots organisation's plan: a seat on a committee above it (not
    on its own committee)."""
    if org.kind not in Organization.GRASSROOTS_KINDS:
        return False
    return scope.is_superuser or any(org.path.startswith(path) and org.path != path for path in scope.oversight_paths)


def get_organization_for_plan(scope: Scope, public_id) -> Organization:
    org = organizations_overseen(scope).select_related("parent").filter(public_id=public_id).first()
    if org is None or not can_set_plan(scope, org):
        raise Http404
    return org


@dataclass
class AdmissionFigures:
    """Admissions of a year against plan, for one organisation (or the sum of several)."""

    organization: Organization | None
    target: int | None = None
    admitted: int = 0
    in_preparation: int = 0
    targets: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(rules.AdmissionCategory.ALL))
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.AdmissionCategory.ALL, 0))

    @property
    def rate(self):
        return percent(self.admitted, self.target)

    def category_rows(self) -> list[tuple[str, str, int, int | None]]:
        """(key, label, admitted, target) of each category."""
        return [(key, rules.AdmissionCategory.LABELS[key], self.by_category[key], self.targets[key])
                for key in rules.AdmissionCategory.ALL]


def admission_figures(org: Organization, year: int) -> tuple[list[AdmissionFigures], AdmissionFigures]:
    """(one row per grassroots organisation under `org`, in tree order; the total for `org`).

    An admission counts for the grassroots organisation of the member's first home cell (where
    they were admitted), in the year of its admission date; its categories are
    members.rules.admission_categories. Four queries at any size.
    """
    grassroots = list(Organization.objects.subtree(org).filter(kind__in=Organization.GRASSROOTS_KINDS)
                      .select_related("parent").order_by("path"))
    rows = {g.pk: AdmissionFigures(g) for g in grassroots}
    for plan in AdmissionPlan.objects.filter(organization__path__startswith=org.path, year=year):
        row = rows.get(plan.organization_id)
        if row is not None:
            row.target = plan.target
            row.targets = {key: plan.category_target(key) for key in rules.AdmissionCategory.ALL}

    def owner(path: str) -> AdmissionFigures | None:
        return next((rows[int(part)] for part in path.strip("/").split("/") if int(part) in rows), None)

    total = AdmissionFigures(org)
    first_cell = (CellMembership.objects.filter(member=OuterRef("pk"), kind=CellMembership.Kind.HOME)
                  .order_by("start_date", "id").values("cell__path")[:1])
    admitted = (Member.objects.filter(admission_date__gte=dt.date(year, 1, 1), admission_date__lte=dt.date(year, 12, 31))
                .annotate(cell_path=Subquery(first_cell)).filter(cell_path__startswith=org.path)
                .values_list("cell_path", "date_of_birth", "gender", "ethnicity", "religion", "workplace_kind",
                             "admission_date"))
    for path, born, gender, ethnicity, religion, workplace_kind, admitted_on in admitted:
        categories = rules.admission_categories(date_of_birth=born, gender=gender, ethnicity=ethnicity,
                                                religion=religion, workplace_kind=workplace_kind,
                                                admitted_on=admitted_on)
        for target in (owner(path), total):
            if target is None:
                continue
            target.admitted += 1
            for key in categories:
                target.by_category[key] += 1
    preparing = (Candidate.objects.filter(cell__path__startswith=org.path, registered_on__lte=dt.date(year, 12, 31))
                 .filter(~Q(stage__in=(Step.CEREMONY, Step.WITHDRAWN)))
                 .values("cell__path").annotate(n=Count("id")).values_list("cell__path", "n"))
    for path, count in preparing:
        total.in_preparation += count
        row = owner(path)
        if row is not None:
            row.in_preparation += count
    # The plan of the whole is the sum of its grassroots organisations' plans.
    for row in rows.values():
        if row.target is not None:
            total.target = (total.target or 0) + row.target
        for key in rules.AdmissionCategory.ALL:
            if row.targets[key] is not None:
                total.targets[key] = (total.targets[key] or 0) + row.targets[key]
    return [rows[g.pk] for g in grassroots], total
