"""Writes of the admissions register: each step of a candidate, the yearly plan, probation reviews.

Every step is refused unless the one before it is recorded, and dates run in order and not
ahead of today. The rules themselves (age at admission, a vote that passes, when probation
ends) are members.rules.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.models import (
    PIPELINE,
    AdmissionPlan,
    Candidate,
    CandidateDocument,
    CandidateStep,
    ProbationReview,
    Step,
)
from admissions.uploads import checked_upload
from cells.models import Organization
from common.audit import audit_context
from members import rules
from members.models import GONE_STATUSES, CellMembership, Member, MemberStatus, MemberStatusChange, User
from members.services import member_change_status, member_create

CANDIDATE_FIELDS = {
    "full_name", "date_of_birth", "gender", "ethnicity", "religion", "workplace_kind", "workplace",
    "citizen_id", "phone",
}
PLAN_CATEGORIES = tuple(f"target_{c}" for c in rules.AdmissionCategory.ALL)


def _refresh_rollups(organization_id: int, year: int) -> None:
    """The roll-ups count admissions against plan per organisation and year; a write asks for
    its organisation's refresh on commit, as the fee services do."""
    from rollups.tasks import rollups_refresh_registers

    transaction.on_commit(lambda: rollups_refresh_registers.delay(organization_id, year), robust=True)


def _user(actor):
    return actor if isinstance(actor, User) else None


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _check_date(field: str, on: dt.date | None, after: dt.date | None = None, after_label: str = "") -> None:
    if on is None:
        raise ValidationError({field: _("Enter the date.")})
    if on > timezone.localdate():
        raise ValidationError({field: _("The date is in the future: record the step once it has taken place.")})
    if after is not None and on < after:
        raise ValidationError({field: _("The date is before %(step)s (%(date)s).") % {
            "step": after_label, "date": _day(after)}})


def _require_stage(candidate: Candidate, step: str) -> None:
    """The step comes right after the candidate's current stage, or it is refused."""
    if candidate.stage == Step.WITHDRAWN:
        raise ValidationError(_("The candidate was withdrawn on %(date)s; no step can be recorded.") % {
            "date": _day(candidate.withdrawn_on)})
    position, current = PIPELINE.index(step), PIPELINE.index(candidate.stage)
    if current >= position:
        raise ValidationError(_("This step is already recorded."))
    if current < position - 1:
        missing = Step(PIPELINE[current + 1]).label
        raise ValidationError(_("Record the step “%(step)s” first.") % {"step": missing})


def _save_step(candidate: Candidate, step: str, fields: list[str], actor) -> Candidate:
    candidate.stage = step
    candidate.full_clean(exclude=["cell", "sponsor_1", "sponsor_2", "decision_organization", "member"])
    with audit_context(actor):
        candidate.save(update_fields=[*fields, "stage", "updated_at"])
        CandidateStep.objects.create(candidate=candidate, step=step, recorded_by=_user(actor))
    return candidate


def _locked(candidate: Candidate) -> Candidate:
    """The row as stored, locked: two officers recording at once take turns. The caller's copy is
    updated in place by the step."""
    fresh = Candidate.objects.select_for_update().get(pk=candidate.pk)
    for field in Candidate._meta.concrete_fields:
        setattr(candidate, field.attname, getattr(fresh, field.attname))
    return candidate


# --- The pipeline -------------------------------------------------------------------------------

@transaction.atomic
def candidate_register(*, cell: Organization, registered_on: dt.date, actor=None, **fields) -> Candidate:
    unknown = set(fields) - CANDIDATE_FIELDS
    if unknown:
        raise TypeError(f"candidate_register does not take {sorted(unknown)}")
    if not cell.is_cell:
        raise ValidationError({"cell": _("Candidates are prepared by a cell.")})
    _check_date("registered_on", registered_on)
    refusal = rules.admission_age_refusal(fields.get("date_of_birth"), registered_on)
    if refusal:
        raise ValidationError({"date_of_birth": refusal})
    candidate = Candidate(cell=cell, registered_on=registered_on, stage=Step.REGISTERED, **fields)
    candidate.full_clean()
    with audit_context(actor):
        candidate.save()
        CandidateStep.objects.create(candidate=candidate, step=Step.REGISTERED, recorded_by=_user(actor))
    return candidate


@transaction.atomic
def candidate_record_course(*, candidate: Candidate, on: dt.date, certificate: str, actor=None) -> Candidate:
    _locked(candidate)
    _require_stage(candidate, Step.COURSE)
    _check_date("course_on", on, candidate.registered_on, Step.REGISTERED.label)
    if not certificate.strip():
        raise ValidationError({"course_certificate": _("Enter the certificate number.")})
    candidate.course_on, candidate.course_certificate = on, certificate.strip()
    return _save_step(candidate, Step.COURSE, ["course_on", "course_certificate"], actor)


def sponsor_refusal(sponsor: Member, cell: Organization, on: dt.date) -> str | None:
    """Why `sponsor` may not sponsor a candidate of `cell` on `on`, or None: an official member
    on that day (recognised, not gone) whose home cell was in the cell's grassroots organisation."""
    from admissions.selectors import grassroots_of

    name = sponsor.full_name
    gone = MemberStatusChange.objects.filter(member=sponsor, effective_date__lte=on, status__in=GONE_STATUSES)
    if sponsor.official_date is None or sponsor.official_date > on or gone.exists():
        return _("%(name)s was not an official member on %(date)s.") % {"name": name, "date": _day(on)}
    grassroots = grassroots_of(cell)
    at_home = CellMembership.objects.current(on).filter(
        member=sponsor, kind=CellMembership.Kind.HOME, cell__path__startswith=grassroots.path)
    if not at_home.exists():
        return _("%(name)s was not a member of %(org)s on %(date)s.") % {
            "name": name, "org": grassroots.name, "date": _day(on)}
    return None


@transaction.atomic
def candidate_record_sponsors(*, candidate: Candidate, sponsors: tuple[Member, Member], on: dt.date,
                              actor=None) -> Candidate:
    _locked(candidate)
    _require_stage(candidate, Step.SPONSORS)
    _check_date("sponsors_on", on, candidate.course_on, Step.COURSE.label)
    first, second = sponsors
    if first is None or second is None:
        raise ValidationError(_("Name two sponsors."))
    if first.pk == second.pk:
        raise ValidationError({"sponsor_2": _("The two sponsors must be two different members.")})
    for field, sponsor in (("sponsor_1", first), ("sponsor_2", second)):
        refusal = sponsor_refusal(sponsor, candidate.cell, on)
        if refusal:
            raise ValidationError({field: refusal})
    candidate.sponsor_1, candidate.sponsor_2, candidate.sponsors_on = first, second, on
    return _save_step(candidate, Step.SPONSORS, ["sponsor_1", "sponsor_2", "sponsors_on"], actor)


def _check_vote(votes_for: int, votes_against: int, official_members: int) -> None:
    if min(votes_for, votes_against, official_members) < 0:
        raise ValidationError(_("Votes are counted from zero."))
    if votes_for + votes_against > official_members:
        raise ValidationError({"votes_against": _(
            "%(cast)s votes for %(members)s official members summoned: check the figures.") % {
                "cast": votes_for + votes_against, "members": official_members}})


@transaction.atomic
def candidate_record_vote(*, candidate: Candidate, on: dt.date, votes_for: int, votes_against: int,
                          official_members: int, actor=None) -> Candidate:
    """The cell's vote; it passes with more than half of the official members summoned, or the
    step is refused (the candidate stays at the sponsors' step, or is withdrawn)."""
    _locked(candidate)
    _require_stage(candidate, Step.VOTE)
    _check_date("vote_on", on, candidate.sponsors_on, Step.SPONSORS.label)
    _check_vote(votes_for, votes_against, official_members)
    if not rules.vote_passes(votes_for=votes_for, official_members=official_members):
        raise ValidationError({"votes_for": _(
            "%(votes)s votes for out of %(members)s official members summoned is not more than half: the cell "
            "has not agreed to the admission.") % {"votes": votes_for, "members": official_members}})
    candidate.vote_on, candidate.votes_for = on, votes_for
    candidate.votes_against, candidate.official_members = votes_against, official_members
    return _save_step(candidate, Step.VOTE, ["vote_on", "votes_for", "votes_against", "official_members"], actor)


@transaction.atomic
def candidate_record_decision(*, candidate: Candidate, number: str, on: dt.date, organization: Organization,
                              actor=None) -> Candidate:
    _locked(candidate)
    _require_stage(candidate, Step.DECISION)
    _check_date("decision_on", on, candidate.vote_on, Step.VOTE.label)
    if not number.strip():
        raise ValidationError({"decision_number": _("Enter the decision number.")})
    if organization is None or organization.pk not in candidate.cell.ancestor_ids:
        raise ValidationError({"decision_organization": _(
            "The decision is issued by a party committee above the cell.")})
    candidate.decision_number, candidate.decision_on = number.strip(), on
    candidate.decision_organization = organization
    return _save_step(candidate, Step.DECISION, ["decision_number", "decision_on", "decision_organization"], actor)


@transaction.atomic
def candidate_admit(*, candidate: Candidate, on: dt.date, actor=None, party_card_number: str = "") -> Candidate:
    """The admission ceremony: the member record is created on the cell's rolls as probationary,
    admitted on the ceremony's date, with the decision as its first status step."""
    _locked(candidate)
    _require_stage(candidate, Step.CEREMONY)
    _check_date("ceremony_on", on, candidate.decision_on, Step.DECISION.label)
    refusal = rules.admission_age_refusal(candidate.date_of_birth, on)
    if refusal:
        raise ValidationError({"ceremony_on": refusal})
    decision = f"{candidate.decision_number} ({_day(candidate.decision_on)})"
    member = member_create(
        cell=candidate.cell, actor=actor, status=MemberStatus.PROBATIONARY, start_date=on, decision_ref=decision[:120],
        full_name=candidate.full_name, date_of_birth=candidate.date_of_birth, gender=candidate.gender,
        ethnicity=candidate.ethnicity, religion=candidate.religion, citizen_id=candidate.citizen_id,
        phone=candidate.phone, workplace_kind=candidate.workplace_kind, workplace=candidate.workplace,
        admission_date=on, party_card_number=party_card_number,
    )
    candidate.ceremony_on, candidate.member = on, member
    _refresh_rollups(candidate.cell_id, on.year)
    return _save_step(candidate, Step.CEREMONY, ["ceremony_on", "member"], actor)


@transaction.atomic
def candidate_withdraw(*, candidate: Candidate, on: dt.date, reason: str, actor=None) -> Candidate:
    _locked(candidate)
    if not candidate.is_open:
        raise ValidationError(_("The candidate was admitted or withdrawn already."))
    _check_date("withdrawn_on", on, candidate.registered_on, Step.REGISTERED.label)
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": _("Write the reason.")})
    candidate.withdrawn_on, candidate.withdrawal_reason = on, reason.strip()
    return _save_step(candidate, Step.WITHDRAWN, ["withdrawn_on", "withdrawal_reason"], actor)


@transaction.atomic
def candidate_document_add(*, candidate: Candidate, step: str, upload, title: str = "",
                           actor=None) -> CandidateDocument:
    if step not in Step.values:
        raise ValidationError({"step": _("Choose the step the paper belongs to.")})
    stored_name, content_type = checked_upload(upload)
    document = CandidateDocument(
        candidate=candidate, step=step, title=(title or "").strip()[:200] or upload.name[:200],
        content_type=content_type, size=upload.size, uploaded_by=_user(actor),
    )
    document.file.save(stored_name, upload, save=False)
    try:
        document.full_clean()
        with audit_context(actor):
            document.save()
    except Exception:
        document.file.delete(save=False)  # no row, no file
        raise
    return document


# --- The yearly plan ----------------------------------------------------------------------------

@transaction.atomic
def admission_plan_set(*, organization: Organization, year: int, target: int, actor=None,
                       **category_targets) -> AdmissionPlan:
    """Set (or change) a grassroots organisation's plan; who may is members.access's business
    (admissions.selectors.can_set_plan): a committee seat above the organisation."""
    unknown = set(category_targets) - set(PLAN_CATEGORIES)
    if unknown:
        raise TypeError(f"admission_plan_set does not take {sorted(unknown)}")
    if organization.kind not in Organization.GRASSROOTS_KINDS:
        raise ValidationError(_("A plan is set for a grassroots organisation."))
    for field, value in category_targets.items():
        if value is not None and value > target:
            raise ValidationError({field: _("A category's target cannot exceed the whole target (%(target)s).")
                                   % {"target": target}})
    plan = AdmissionPlan.objects.select_for_update().filter(organization=organization, year=year).first()
    plan = plan or AdmissionPlan(organization=organization, year=year)
    plan.target, plan.set_by = target, _user(actor)
    for field in PLAN_CATEGORIES:
        setattr(plan, field, category_targets.get(field))
    plan.full_clean()
    with audit_context(actor):
        plan.save()
    _refresh_rollups(organization.pk, year)
    return plan


# --- Probation -----------------------------------------------------------------------------------

@transaction.atomic
def probation_review_record(*, member: Member, recognised: bool, vote_on: dt.date, votes_for: int,
                            votes_against: int, official_members: int, decision_number: str,
                            decision_on: dt.date, effective_date: dt.date | None = None, note: str = "",
                            actor=None) -> ProbationReview:
    """The cell's vote and the decision at the end of a probation.

    Recognised: the member becomes official from `effective_date` (the end of probation by
    default). Not recognised: the member is removed from the rolls (xóa tên) on the decision's
    date, the only status step the history has for it. Either is refused for a member who is
    not probationary, and before probation ends.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationError(rules.recognition_refusal(status=member.status, admission_date=None, on=decision_on))
    ends = rules.probation_ends(member.admission_date) if member.admission_date else None
    effective_date = effective_date or (ends if recognised else decision_on)
    for field, day in (("vote_on", vote_on), ("decision_on", decision_on), ("effective_date", effective_date)):
        refusal = rules.recognition_refusal(status=member.status, admission_date=member.admission_date, on=day)
        if refusal:
            raise ValidationError({field: refusal})
    _check_date("vote_on", vote_on)
    _check_date("decision_on", decision_on, vote_on, _("the cell vote"))
    _check_vote(votes_for, votes_against, official_members)
    passes = rules.vote_passes(votes_for=votes_for, official_members=official_members)
    if recognised and not passes:
        raise ValidationError({"votes_for": _(
            "%(votes)s votes for out of %(members)s official members summoned is not more than half: the cell "
            "has not agreed to recognise the member. Record “not recognised”.") % {
                "votes": votes_for, "members": official_members}})
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Enter the decision number.")})
    decision = f"{decision_number.strip()} ({_day(decision_on)})"[:120]
    if recognised:
        change = member_change_status(member=member, status=MemberStatus.OFFICIAL, effective_date=effective_date,
                                      decision_ref=decision, note=note, actor=actor)
    else:
        change = member_change_status(
            member=member, status=MemberStatus.REMOVED, effective_date=effective_date, decision_ref=decision,
            note=note or _("Not recognised as an official member at the end of probation."), actor=actor)
    review = ProbationReview(
        member=member, outcome=ProbationReview.Outcome.RECOGNISED if recognised else ProbationReview.Outcome.NOT_RECOGNISED,
        vote_on=vote_on, votes_for=votes_for, votes_against=votes_against, official_members=official_members,
        decision_number=decision_number.strip(), decision_on=decision_on, effective_date=effective_date,
        note=note, status_change=change, recorded_by=_user(actor),
    )
    review.full_clean(exclude=["status_change"])
    with audit_context(actor):
        review.save()
    return review

