"""Writes of the yearly evaluation: opening a round, each step of a member's and an
organisation's evaluation, amendments. Every write is atomic and audited, and asks on
commit for the refresh of the roll-up (evaluations.figures) of the organisation it hangs on."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.text import normalize_text
from evaluations import rules
from evaluations.models import (
    EvaluationAmendment,
    EvaluationRound,
    EvaluationScheme,
    Level,
    MemberEvaluation,
    OrganizationEvaluation,
    SchemeCriterion,
)
from members.models import CellMembership, CommitteeSeat, MemberStatus, User


class OverQuota(ValidationError):
    """A decision that puts "excellent" over the quota: saved only when confirmed."""

    def __init__(self, quota: rules.Quota):
        self.quota = quota
        super().__init__(
            _("“Excellent” would be over the quota: %(excellent)s excellent for %(good)s good (at most "
              "%(percent)s %% of good, that is %(allowed)s). Confirm to save anyway.") % {
                "excellent": quota.excellent, "good": quota.good, "percent": quota.quota_percent,
                "allowed": quota.allowed},
            code="over_quota",
        )


def _user(actor):
    return actor if isinstance(actor, User) else None


def _refresh(organization_id: int, year: int) -> None:
    from evaluations.tasks import evaluations_refresh

    transaction.on_commit(lambda: evaluations_refresh.delay(organization_id, year), robust=True)


def _save(record, actor, **kwargs) -> None:
    record.full_clean(validate_unique=False, validate_constraints=False)
    with audit_context(actor):
        record.save(**kwargs)


# --- The form ---------------------------------------------------------------------------------------

@transaction.atomic
def scheme_adopt(*, organization: Organization, effective_year: int, name: str, criteria: list[tuple[str, int]],
                 total_points: int = 100, excellent_from: int = 90, good_from: int = 70, completed_from: int = 50,
                 excellent_quota_percent: int = 20, actor=None) -> EvaluationScheme:
    """An organisation's own form from `effective_year`, for its subtree (rules.scheme_for):
    (title, maximum points) per criterion, adding up to the total. A round keeps the form it
    was opened under, so a year already opened in the subtree cannot take a new form: its
    evaluations, decided or not, stay scored on the old one."""
    criteria = [(normalize_text(title).strip(), points) for title, points in criteria]
    if not criteria or any(not title for title, _points in criteria):
        raise ValidationError({"criteria": _("Give every criterion a title.")})
    if any(points < 1 for _title, points in criteria):
        raise ValidationError({"criteria": _("Every criterion is worth at least 1 point.")})
    if sum(points for _title, points in criteria) != total_points:
        raise ValidationError({"criteria": _("The criteria must add up to %(total)s points.") % {
            "total": total_points}})
    if not total_points >= excellent_from > good_from > completed_from:
        raise ValidationError({"excellent_from": _("The bands must go down: excellent, good, completed.")})
    if not 0 <= excellent_quota_percent <= 100:
        raise ValidationError({"excellent_quota_percent": _("The quota is a percentage from 0 to 100.")})
    opened = (EvaluationRound.objects.filter(organization__path__startswith=organization.path,
                                             year__gte=effective_year).order_by("-year").first())
    if opened is not None:
        raise ValidationError({"effective_year": _(
            "The evaluation of %(year)s is already open under the form then in force; a new form can take "
            "effect from %(next)s.") % {"year": opened.year, "next": opened.year + 1}})
    scheme = EvaluationScheme(organization=organization, effective_year=effective_year,
                              name=normalize_text(name).strip(), total_points=total_points,
                              excellent_from=excellent_from, good_from=good_from, completed_from=completed_from,
                              excellent_quota_percent=excellent_quota_percent)
    scheme.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic(), audit_context(actor):
            scheme.save()
    except IntegrityError:
        raise ValidationError({"effective_year": _("This organisation already has a form from %(year)s.") % {
            "year": effective_year}}) from None
    with audit_context(actor):
        SchemeCriterion.objects.bulk_create([
            SchemeCriterion(scheme=scheme, order=order, title=title, max_points=points)
            for order, (title, points) in enumerate(criteria, start=1)])
    return scheme


# --- The round -------------------------------------------------------------------------------------

@transaction.atomic
def round_open(*, organization: Organization, year: int, deadline: dt.date, actor=None) -> EvaluationRound:
    """The grassroots organisation opens the year's evaluation for its subtree: every member on
    the rolls and every cell (and the organisation itself) get an evaluation to fill in."""
    if organization.kind not in Organization.GRASSROOTS_KINDS:
        raise ValidationError(_("Only a grassroots organisation opens the evaluation of the year."))
    if deadline < dt.date(year, 1, 1):
        raise ValidationError({"deadline": _("The deadline cannot be before the year evaluated.")})
    scheme = rules.scheme_for(organization, year)
    if scheme is None:
        raise ValidationError(_("No evaluation form is in force for this year."))
    record = EvaluationRound(organization=organization, year=year, deadline=deadline, scheme=scheme,
                             opened_by=_user(actor))
    record.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic(), audit_context(actor):
            record.save()
    except IntegrityError:
        raise ValidationError({"year": _("The evaluation of %(year)s is already open.") % {"year": year}}) from None
    round_sync(evaluation_round=record, actor=actor)
    return record


@transaction.atomic
def round_sync(*, evaluation_round: EvaluationRound, actor=None) -> int:
    """Add the evaluations still missing (a member who joined since the round opened); idempotent.
    Returns how many were added."""
    org, year = evaluation_round.organization, evaluation_round.year
    homes = (CellMembership.objects.current().filter(kind=CellMembership.Kind.HOME, cell__path__startswith=org.path,
                                                     member__status__in=rules.EVALUATED_STATUSES)
             .exclude(member__evaluations__year=year).values_list("member_id", "cell_id"))
    members = [MemberEvaluation(round=evaluation_round, year=year, member_id=member_id, cell_id=cell_id)
               for member_id, cell_id in homes]
    units = (Organization.objects.subtree(org).active()
             .filter(Q(kind__in=Organization.CELL_KINDS) | Q(pk=org.pk))
             .exclude(pk__in=OrganizationEvaluation.objects.filter(year=year).values("organization_id")))
    organizations = [OrganizationEvaluation(round=evaluation_round, year=year, organization=unit) for unit in units]
    with audit_context(actor):
        MemberEvaluation.objects.bulk_create(members, ignore_conflicts=True)
        OrganizationEvaluation.objects.bulk_create(organizations, ignore_conflicts=True)
    if members or organizations:
        # Many cells at once: the year is recomputed whole (a grouped read, under a second at
        # province scale) rather than one refresh per cell.
        from evaluations.tasks import evaluations_rebuild

        transaction.on_commit(lambda: evaluations_rebuild.delay(year), robust=True)
    return len(members) + len(organizations)


# --- Steps shared by members and organisations -----------------------------------------------------

def _check_points(evaluation, points: dict[int, int]) -> int:
    scheme = evaluation.round.scheme
    refusal = rules.points_refusal(points, scheme)
    if refusal:
        raise ValidationError({"points": refusal})
    return sum(points[criterion.pk] for criterion in scheme.criteria.all())


def _frozen(evaluation) -> None:
    if evaluation.decided_at is not None:
        raise ValidationError(_("This evaluation is decided: a change needs an amendment with its reason."))


def _self_assess(evaluation, *, points, text, actor, **extra):
    _frozen(evaluation)
    score = _check_points(evaluation, points)
    evaluation.points = {str(key): value for key, value in points.items()}
    evaluation.score = score
    evaluation.self_level = rules.level_for_score(score, evaluation.round.scheme)
    evaluation.self_text = normalize_text(text).strip()
    evaluation.self_assessed_at = timezone.now()
    evaluation.self_assessed_by = _user(actor)
    for name, value in extra.items():
        setattr(evaluation, name, value)
    _save(evaluation, actor)


def _quota(queryset, *, old_level: str, new_level: str, quota_percent: int) -> rules.Quota:
    counted = queryset.aggregate(excellent=Count("pk", filter=Q(level=Level.EXCELLENT)),
                                 good=Count("pk", filter=Q(level=Level.GOOD)))
    return rules.quota_after(excellent=counted["excellent"], good=counted["good"], old_level=old_level,
                             new_level=new_level, quota_percent=quota_percent)


def _check_level(level: str) -> None:
    if level not in Level.values:
        raise ValidationError({"level": _("Choose a level.")})


# --- A member's evaluation -------------------------------------------------------------------------

def _locked(evaluation: MemberEvaluation) -> MemberEvaluation:
    return MemberEvaluation.objects.select_for_update().select_related("round__scheme", "member").get(pk=evaluation.pk)


@transaction.atomic
def member_self_assess(*, evaluation: MemberEvaluation, points: dict[int, int], text: str,
                       actor=None) -> MemberEvaluation:
    """The member's points per criterion and their own account; the facts the handbook knows
    are kept with it. Again before the cell's review replaces the earlier one."""
    evaluation = _locked(evaluation)
    _frozen(evaluation)
    if evaluation.reviewed_at is not None:
        raise ValidationError(_("The cell has already reviewed this evaluation."))
    facts = rules.member_facts(evaluation.member, evaluation.year, today=timezone.localdate())
    _self_assess(evaluation, points=points, text=text, actor=actor, facts=facts)
    _refresh(evaluation.cell_id, evaluation.year)
    return evaluation


def official_members(cell: Organization) -> int:
    """The vote base of the cell's review: official members on its rolls (home cell) now."""
    return (CellMembership.objects.current().filter(cell=cell, kind=CellMembership.Kind.HOME,
                                                    member__status=MemberStatus.OFFICIAL).count())


@transaction.atomic
def member_review(*, evaluation: MemberEvaluation, proposed_level: str, votes_for: int, note: str = "",
                  actor=None) -> MemberEvaluation:
    """The cell proposes a level and votes on it; the proposal stands when the vote passes."""
    evaluation = _locked(evaluation)
    _frozen(evaluation)
    if evaluation.self_assessed_at is None:
        raise ValidationError(_("The member has not assessed themself yet."))
    _check_level(proposed_level)
    refusal = rules.member_excellent_refusal(evaluation.member, evaluation.year, proposed_level)
    if refusal:
        raise ValidationError({"proposed_level": refusal})
    base = official_members(evaluation.cell)
    refusal = rules.review_vote_refusal(votes_for=votes_for, official_members=base)
    if refusal:
        raise ValidationError({"votes_for": refusal})
    evaluation.proposed_level = proposed_level
    evaluation.votes_for, evaluation.official_members = votes_for, base
    evaluation.review_note = normalize_text(note).strip()
    evaluation.reviewed_at, evaluation.reviewed_by = timezone.now(), _user(actor)
    _save(evaluation, actor)
    _refresh(evaluation.cell_id, evaluation.year)
    return evaluation


def member_quota(evaluation: MemberEvaluation, level: str) -> rules.Quota:
    """Excellent and good members at the deciding organisation (the round's), with this decision."""
    return _quota(MemberEvaluation.objects.filter(round_id=evaluation.round_id).exclude(pk=evaluation.pk),
                  old_level="", new_level=level, quota_percent=evaluation.round.scheme.excellent_quota_percent)


@transaction.atomic
def member_decide(*, evaluation: MemberEvaluation, level: str, note: str = "", confirm_over_quota: bool = False,
                  actor=None) -> MemberEvaluation:
    """The grassroots committee classifies the member; final once saved. Over the quota of
    "excellent" it is saved only when confirmed (`OverQuota` otherwise)."""
    evaluation = _locked(evaluation)
    _frozen(evaluation)
    if evaluation.reviewed_at is None:
        raise ValidationError(_("The cell has not reviewed this evaluation yet."))
    _check_level(level)
    refusal = rules.member_excellent_refusal(evaluation.member, evaluation.year, level)
    if refusal:
        raise ValidationError({"level": refusal})
    quota = member_quota(evaluation, level)
    if quota.exceeded and not confirm_over_quota:
        raise OverQuota(quota)
    evaluation.level, evaluation.decision_note = level, normalize_text(note).strip()
    evaluation.decided_at, evaluation.decided_by = timezone.now(), _user(actor)
    _save(evaluation, actor)
    _refresh(evaluation.cell_id, evaluation.year)
    return evaluation


def _amend(evaluation, *, new_level: str, reason: str, actor, refusal: str | None, **target) -> EvaluationAmendment:
    if evaluation.decided_at is None:
        raise ValidationError(_("Only a decided evaluation is amended; this one is still open."))
    _check_level(new_level)
    if refusal:
        raise ValidationError({"new_level": refusal})
    if new_level == evaluation.level:
        raise ValidationError({"new_level": _("The level is already “%(level)s”.") % {
            "level": Level(new_level).label}})
    reason = normalize_text(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change.")})
    amendment = EvaluationAmendment(old_level=evaluation.level, new_level=new_level, reason=reason,
                                    amended_by=_user(actor), **target)
    _save(amendment, actor)
    evaluation.level = new_level
    _save(evaluation, actor, update_fields=["level"])
    return amendment


@transaction.atomic
def member_amend(*, evaluation: MemberEvaluation, new_level: str, reason: str, actor=None) -> EvaluationAmendment:
    """A decided classification changed: who, when, why, old → new."""
    evaluation = _locked(evaluation)
    refusal = rules.member_excellent_refusal(evaluation.member, evaluation.year, new_level)
    amendment = _amend(evaluation, new_level=new_level, reason=reason, actor=actor, refusal=refusal,
                       member_evaluation=evaluation)
    _refresh(evaluation.cell_id, evaluation.year)
    return amendment


# --- An organisation's evaluation ------------------------------------------------------------------

def _locked_organization(evaluation: OrganizationEvaluation) -> OrganizationEvaluation:
    return (OrganizationEvaluation.objects.select_for_update().select_related("round__scheme", "organization")
            .get(pk=evaluation.pk))


@transaction.atomic
def organization_self_assess(*, evaluation: OrganizationEvaluation, points: dict[int, int], text: str,
                             actor=None) -> OrganizationEvaluation:
    evaluation = _locked_organization(evaluation)
    _frozen(evaluation)
    if evaluation.reviewed_at is not None:
        raise ValidationError(_("This evaluation is already reviewed."))
    _self_assess(evaluation, points=points, text=text, actor=actor)
    _refresh(evaluation.organization_id, evaluation.year)
    return evaluation


def review_base(organization: Organization) -> int:
    """Who votes on an organisation's review: a cell's official members (its meeting), a
    grassroots organisation's committee members (seats held now)."""
    if organization.is_cell:
        return official_members(organization)
    return CommitteeSeat.objects.current().filter(organization=organization).values("member_id").distinct().count()


@transaction.atomic
def organization_review(*, evaluation: OrganizationEvaluation, proposed_level: str, votes_for: int, note: str = "",
                        actor=None) -> OrganizationEvaluation:
    """The cell's meeting (a grassroots organisation: its committee) reviews the organisation's
    self-assessment and votes on a level to propose; it stands when the vote passes."""
    evaluation = _locked_organization(evaluation)
    _frozen(evaluation)
    if evaluation.self_assessed_at is None:
        raise ValidationError(_("The organisation has not assessed itself yet."))
    _check_level(proposed_level)
    base = review_base(evaluation.organization)
    refusal = rules.review_vote_refusal(votes_for=votes_for, official_members=base,
                                        committee=not evaluation.organization.is_cell)
    if refusal:
        raise ValidationError({"votes_for": refusal})
    evaluation.proposed_level = proposed_level
    evaluation.votes_for, evaluation.official_members = votes_for, base
    evaluation.review_note = normalize_text(note).strip()
    evaluation.reviewed_at, evaluation.reviewed_by = timezone.now(), _user(actor)
    _save(evaluation, actor)
    _refresh(evaluation.organization_id, evaluation.year)
    return evaluation


def organization_quota(evaluation: OrganizationEvaluation, level: str) -> rules.Quota:
    """Excellent and good among the organisations the same level above decides (the siblings)."""
    siblings = (OrganizationEvaluation.objects.filter(year=evaluation.year,
                                                      organization__parent_id=evaluation.organization.parent_id)
                .exclude(pk=evaluation.pk))
    return _quota(siblings, old_level="", new_level=level,
                  quota_percent=evaluation.round.scheme.excellent_quota_percent)


@transaction.atomic
def organization_decide(*, evaluation: OrganizationEvaluation, level: str, note: str = "",
                        confirm_over_quota: bool = False, actor=None) -> OrganizationEvaluation:
    evaluation = _locked_organization(evaluation)
    _frozen(evaluation)
    if evaluation.reviewed_at is None:
        raise ValidationError(_("This evaluation is not reviewed yet."))
    _check_level(level)
    quota = organization_quota(evaluation, level)
    if quota.exceeded and not confirm_over_quota:
        raise OverQuota(quota)
    evaluation.level, evaluation.decision_note = level, normalize_text(note).strip()
    evaluation.decided_at, evaluation.decided_by = timezone.now(), _user(actor)
    _save(evaluation, actor)
    _refresh(evaluation.organization_id, evaluation.year)
    return evaluation


@transaction.atomic
def organization_amend(*, evaluation: OrganizationEvaluation, new_level: str, reason: str,
                       actor=None) -> EvaluationAmendment:
    evaluation = _locked_organization(evaluation)
    amendment = _amend(evaluation, new_level=new_level, reason=reason, actor=actor, refusal=None,
                       organization_evaluation=evaluation)
    _refresh(evaluation.organization_id, evaluation.year)
    return amendment
