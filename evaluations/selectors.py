"""Scoped reads of the evaluations, and the figures the dashboards read from the roll-up.

A member sees their own evaluations; a cell's officers their cell's; committees their
subtree's; anything else is a 404. Who may do each step is answered here too.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from evaluations import rules
from evaluations.models import (
    EvaluationRound,
    EvaluationScheme,
    EvaluationYear,
    MemberEvaluation,
    OrganizationEvaluation,
)
from members.access import Scope, organizations_overseen


def _paths_q(paths, field_name: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


# --- Members' evaluations ----------------------------------------------------------------------

def member_evaluations_visible(scope: Scope) -> QuerySet[MemberEvaluation]:
    qs = MemberEvaluation.objects.select_related("member", "cell", "round__organization", "round__scheme")
    if scope.is_superuser:
        return qs
    condition = Q(member_id=scope.member_id) if scope.member_id else Q(pk__in=[])
    if scope.managed_cell_ids:
        condition |= Q(cell_id__in=scope.managed_cell_ids)
    if scope.oversight:
        condition |= _paths_q(scope.oversight_paths, "cell__path")
    return qs.filter(condition)


def get_member_evaluation(scope: Scope, public_id) -> MemberEvaluation:
    evaluation = member_evaluations_visible(scope).filter(public_id=public_id).first()
    if evaluation is None:
        raise Http404
    return evaluation


def can_self_assess(scope: Scope, evaluation: MemberEvaluation) -> bool:
    return scope.member_id is not None and evaluation.member_id == scope.member_id


def can_review(scope: Scope, evaluation: MemberEvaluation) -> bool:
    return scope.is_superuser or evaluation.cell_id in scope.managed_cell_ids


def can_decide(scope: Scope, evaluation: MemberEvaluation) -> bool:
    """The committee of the grassroots organisation that opened the round (or one above it)."""
    return scope.is_superuser or scope.oversees_path(evaluation.round.organization.path)


def my_evaluations(scope: Scope) -> list[MemberEvaluation]:
    if scope.member_id is None:
        return []
    return list(MemberEvaluation.objects.filter(member_id=scope.member_id)
                .select_related("cell", "round__scheme").prefetch_related("amendments").order_by("-year"))


def cell_member_evaluations(cell: Organization, year: int) -> list[MemberEvaluation]:
    from common.text import vietnamese_sort_key

    rows = list(MemberEvaluation.objects.filter(cell=cell, year=year).select_related("member", "round"))
    return sorted(rows, key=lambda row: vietnamese_sort_key(row.member.full_name))


def awaiting_decision(scope: Scope, org: Organization, year: int) -> list[MemberEvaluation]:
    """Members reviewed by their cell and not decided yet, in the rounds this user decides."""
    rows = (MemberEvaluation.objects.filter(year=year, reviewed_at__isnull=False, decided_at__isnull=True,
                                            cell__path__startswith=org.path)
            .select_related("member", "cell", "round__organization").order_by("cell__path", "member__full_name"))
    return [row for row in rows if can_decide(scope, row)]


# --- Organisations' evaluations ----------------------------------------------------------------

def organization_evaluations_visible(scope: Scope) -> QuerySet[OrganizationEvaluation]:
    qs = OrganizationEvaluation.objects.select_related("organization", "round__scheme", "round__organization")
    if scope.is_superuser:
        return qs
    condition = Q(organization_id__in=scope.managed_cell_ids) | _paths_q(scope.oversight_paths, "organization__path")
    return qs.filter(condition)


def get_organization_evaluation(scope: Scope, public_id) -> OrganizationEvaluation:
    evaluation = organization_evaluations_visible(scope).filter(public_id=public_id).first()
    if evaluation is None:
        raise Http404
    return evaluation


def can_self_assess_organization(scope: Scope, evaluation: OrganizationEvaluation) -> bool:
    """A cell by its officers; a grassroots committee by a seat on it. The same record the
    review and vote (the cell's meeting; the committee's)."""
    org = evaluation.organization
    if scope.is_superuser:
        return True
    if org.is_cell:
        return org.pk in scope.managed_cell_ids
    return any(path == org.path for path in scope.oversight_paths)


def can_decide_organization(scope: Scope, evaluation: OrganizationEvaluation) -> bool:
    """The level above: a seat on an organisation strictly above the one evaluated."""
    path = evaluation.organization.path
    return scope.is_superuser or any(path.startswith(p) and path != p for p in scope.oversight_paths)


def organizations_awaiting_decision(scope: Scope, org: Organization, year: int) -> list[OrganizationEvaluation]:
    rows = (OrganizationEvaluation.objects.filter(year=year, reviewed_at__isnull=False, decided_at__isnull=True,
                                                  organization__path__startswith=org.path)
            .select_related("organization", "round__scheme").order_by("organization__path"))
    return [row for row in rows if can_decide_organization(scope, row)]


# --- Rounds ----------------------------------------------------------------------------------------

def evaluation_organizations(scope: Scope) -> QuerySet[Organization]:
    """Organisations whose evaluation page the user may open: their committee subtrees."""
    return organizations_overseen(scope)


def get_organization_for_committee(scope: Scope, public_id) -> Organization:
    org = evaluation_organizations(scope).filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def get_organization_with_seat(scope: Scope, public_id) -> Organization:
    """An organisation whose committee the user sits on (not one below it): it alone adopts
    the criteria form for its subtree."""
    qs = Organization.objects.filter(public_id=public_id)
    if not scope.is_superuser:
        qs = qs.filter(pk__in=[org_id for org_id, _path in scope.oversight])
    org = qs.first()
    if org is None:
        raise Http404
    return org


def schemes_of(org: Organization) -> list[EvaluationScheme]:
    """The organisation's own forms, the latest first, with their criteria: two queries."""
    return list(EvaluationScheme.objects.filter(organization=org).prefetch_related("criteria"))


def round_of(org: Organization, year: int) -> EvaluationRound | None:
    return EvaluationRound.objects.filter(organization=org, year=year).select_related("scheme").first()


def default_year() -> int:
    """The year being evaluated: last year until the end of February, then this year's (the
    review is held at the end of the year)."""
    today = timezone.localdate()
    return today.year - 1 if today.month <= 2 else today.year


# --- Figures (from the roll-up) -------------------------------------------------------------------

@dataclass
class Figures:
    """One organisation's evaluation of a year, as counted in EvaluationYear; `units` is
    "cells" for a grassroots organisation and below, "grassroots" above."""

    row: EvaluationYear | None
    units: str

    def count(self, group: str, key: str) -> int:
        return getattr(self.row, f"{group}_{key}") if self.row else 0

    def counts(self, group: str) -> dict[str, int]:
        counts = {key: self.count(group, key) for key in ("expected", "self_assessed", "reviewed", "decided",
                                                            *rules.LEVELS)}
        counts[rules.NOT_STARTED] = (counts["expected"] - counts["self_assessed"] - counts["reviewed"]
                                     - counts["decided"])
        return counts

    def good_rate(self, group: str):
        c = self.counts(group)
        return rules.good_or_excellent_rate(excellent=c["excellent"], good=c["good"], decided=c["decided"])

    def not_completed_rate(self, group: str):
        c = self.counts(group)
        return rules.not_completed_rate(not_completed=c["not_completed"], decided=c["decided"])

    def decided_rate(self, group: str):
        c = self.counts(group)
        return rules.decided_rate(decided=c["decided"], expected=c["expected"])

    @property
    def members(self) -> dict:
        return {**self.counts("members"), "good_rate": self.good_rate("members"),
                "not_completed_rate": self.not_completed_rate("members"), "decided_rate": self.decided_rate("members")}

    @property
    def organizations(self) -> dict:
        return {**self.counts(self.units), "good_rate": self.good_rate(self.units),
                "not_completed_rate": self.not_completed_rate(self.units),
                "decided_rate": self.decided_rate(self.units)}


def units_kind(org: Organization) -> str:
    above = org.kind in (Organization.Kind.CENTRAL, Organization.Kind.PROVINCE, Organization.Kind.DISTRICT)
    return "grassroots" if above else "cells"


def figures_for(org: Organization, year: int) -> tuple[Figures, Figures]:
    """(this year, the year before) for the organisation: one query."""
    rows = {row.year: row for row in EvaluationYear.objects.filter(organization=org, year__in=[year, year - 1])}
    kind = units_kind(org)
    return Figures(rows.get(year), kind), Figures(rows.get(year - 1), kind)


@dataclass
class UnitRow:
    organization: Organization
    figures: Figures
    quota: rules.Quota


def unit_rows(org: Organization, year: int) -> list[UnitRow]:
    """Each unit under the organisation (its cells, or its grassroots organisations above that
    level) with its figures of the year: two queries."""
    kind = units_kind(org)
    kinds = Organization.GRASSROOTS_KINDS if kind == "grassroots" else Organization.CELL_KINDS
    units = list(Organization.objects.subtree(org).filter(kind__in=kinds).order_by("path"))
    rows = {row.organization_id: row for row in EvaluationYear.objects.filter(
        year=year, organization_id__in=[unit.pk for unit in units])}
    scheme = rules.scheme_for(org, year)
    quota_percent = scheme.excellent_quota_percent if scheme else 0
    result = []
    for unit in units:
        figures = Figures(rows.get(unit.pk), "cells")
        result.append(UnitRow(unit, figures, rules.Quota(figures.count("members", "excellent"),
                                                         figures.count("members", "good"), quota_percent)))
    return result
