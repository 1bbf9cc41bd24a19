"""Admissions: candidates on their way to admission, the yearly plan, and probation reviews."""

import uuid

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Member, User, citizen_id_validator, phone_validator


class Step(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    COURSE = "course", _("Political-theory course done")
    SPONSORS = "sponsors", _("Two sponsors")
    VOTE = "vote", _("Cell vote")
    DECISION = "decision", _("Admission decision")
    CEREMONY = "ceremony", _("Admitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The steps in the order they must be taken (withdrawal may come after any but the last).
PIPELINE = (Step.REGISTERED, Step.COURSE, Step.SPONSORS, Step.VOTE, Step.DECISION, Step.CEREMONY)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Candidate(models.Model):
    """An outstanding non-member (quần chúng ưu tú) the cell prepares for admission.

    Each step's data is kept on the row; who recorded it and when is a CandidateStep, and its
    papers are CandidateDocuments. `stage` is the last step taken.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="candidates")
    stage = models.CharField(_("stage"), max_length=16, choices=Step.choices, default=Step.REGISTERED)

    full_name = models.CharField(_("full name"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=8, choices=Member.Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=40, blank=True, default="Kinh")
    religion = models.CharField(_("religion"), max_length=40, blank=True)
    workplace_kind = models.CharField(_("workplace"), max_length=16, choices=Member.Workplace.choices,
                                      default=Member.Workplace.OTHER)
    workplace = models.CharField(_("workplace name"), max_length=200, blank=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, blank=True, validators=[citizen_id_validator])
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    registered_on = models.DateField(_("registered on"))

    course_on = models.DateField(_("course completed on"), null=True, blank=True)
    course_certificate = models.CharField(_("certificate number"), max_length=60, blank=True)

    sponsor_1 = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("first sponsor"))
    sponsor_2 = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("second sponsor"))
    sponsors_on = models.DateField(_("sponsors' letters dated"), null=True, blank=True)

    vote_on = models.DateField(_("cell vote on"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    official_members = models.PositiveSmallIntegerField(_("official members summoned"), null=True, blank=True)

    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_on = models.DateField(_("decision dated"), null=True, blank=True)
    decision_organization = models.ForeignKey(
        "cells.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issued by"),
    )

    ceremony_on = models.DateField(_("admission ceremony on"), null=True, blank=True)
    member = models.OneToOneField(Member, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="candidacy", verbose_name=_("member record"))

    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["cell", "stage"], name="candidate_cell_stage_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(sponsor_1=models.F("sponsor_2")),
                                   name="candidate_two_different_sponsors"),
            models.CheckConstraint(condition=models.Q(member__isnull=True) | models.Q(stage="ceremony"),
                                   name="candidate_member_only_when_admitted"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_open(self) -> bool:
        return self.stage not in (Step.CEREMONY, Step.WITHDRAWN)

    @property
    def next_step(self) -> str | None:
        if not self.is_open:
            return None
        return PIPELINE[PIPELINE.index(self.stage) + 1]


class CandidateStep(models.Model):
    """Who recorded a candidate's step, and when (the step's data is on the candidate)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate step")
        verbose_name_plural = _("candidate steps")
        ordering = ["candidate", "recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["candidate", "step"], name="candidate_step_once")]

    def __str__(self):
        return f"{self.candidate} — {self.get_step_display()}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CandidateDocument(models.Model):
    """A paper of one step: the application, the certificate, the sponsors' letters, the minutes of
    the vote, the decision."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="documents")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="admissions/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate document")
        verbose_name_plural = _("candidate documents")
        ordering = ["candidate", "uploaded_at", "id"]

    def __str__(self):
        return self.title


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AdmissionPlan(models.Model):
    """A grassroots organisation's admission target for a year, set by the level above.
    A category's target left empty is not planned (shown "—")."""

    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="admission_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.PositiveIntegerField(_("admissions planned"))
    target_non_state = models.PositiveIntegerField(_("of which in non-state enterprises"), null=True, blank=True)
    target_religious = models.PositiveIntegerField(_("of which religious"), null=True, blank=True)
    target_young = models.PositiveIntegerField(_("of which young (under 30)"), null=True, blank=True)
    target_female = models.PositiveIntegerField(_("of which women"), null=True, blank=True)
    target_ethnic_minority = models.PositiveIntegerField(_("of which ethnic minorities"), null=True, blank=True)
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("admission plan")
        verbose_name_plural = _("admission plans")
        ordering = ["organization", "year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="admission_plan_one_per_year")]

    def __str__(self):
        return f"{self.organization} — {self.year}"

    def category_target(self, category: str) -> int | None:
        return getattr(self, f"target_{category}")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ProbationReview(models.Model):
    """The end of a probation: the cell's vote and the decision of the level above, recognising
    the member as official or not. The status step itself is a MemberStatusChange."""

    class Outcome(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised as official member")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="probation_reviews")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    vote_on = models.DateField(_("cell vote on"))
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"))
    official_members = models.PositiveSmallIntegerField(_("official members summoned"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_on = models.DateField(_("decision dated"))
    effective_date = models.DateField(_("effective date"))
    note = models.TextField(_("note"), blank=True)
    status_change = models.OneToOneField("members.MemberStatusChange", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("probation review")
        verbose_name_plural = _("probation reviews")
        ordering = ["member", "-decision_on", "-id"]

    def __str__(self):
        return f"{self.member} — {self.get_outcome_display()}"
