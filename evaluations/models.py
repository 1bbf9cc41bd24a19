"""The yearly evaluation and classification of members and organisations (DOMAIN.md).

The criteria form, its 100 points, the score bands and the quota of "excellent" are data
with an effective year (`EvaluationScheme`), inherited down the tree. A grassroots
organisation opens the year (`EvaluationRound`); each member goes self-assessed → reviewed
by the cell (a vote) → decided by the grassroots committee; each cell and grassroots
organisation goes self-assessed → reviewed (a vote of the cell; of the grassroots committee)
→ decided by the level above. A decision is final: a change is an `EvaluationAmendment`.
`EvaluationYear` is the roll-up the dashboards read.
"""

import uuid

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (tasks completed excellently)")
    GOOD = "good", _("Good (tasks completed well)")
    COMPLETED = "completed", _("Completed (tasks completed)")
    NOT_COMPLETED = "not_completed", _("Not completed (tasks not completed)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class EvaluationScheme(models.Model):
    """A criteria form with its points and bands, in force from `effective_year` for the
    organisation's subtree (no organisation: the national form) until a later one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "cells.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organisation"),
    )
    effective_year = models.PositiveSmallIntegerField(_("in force from the year"))
    name = models.CharField(_("name"), max_length=200)
    total_points = models.PositiveSmallIntegerField(_("total points"), default=100)
    excellent_from = models.PositiveSmallIntegerField(_("excellent from (points)"), default=90)
    good_from = models.PositiveSmallIntegerField(_("good from (points)"), default=70)
    completed_from = models.PositiveSmallIntegerField(_("completed from (points)"), default=50)
    # "Excellent" at most this share of those rated "good" at the deciding organisation.
    excellent_quota_percent = models.PositiveSmallIntegerField(_("excellent at most (% of good)"), default=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")
        ordering = ["-effective_year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "effective_year"], name="scheme_one_per_org_and_year",
                                    nulls_distinct=False),
            models.CheckConstraint(
                condition=models.Q(excellent_from__gt=models.F("good_from"), good_from__gt=models.F("completed_from"),
                                   total_points__gte=models.F("excellent_from")),
                name="scheme_bands_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.effective_year})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SchemeCriterion(models.Model):
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("criterion"), max_length=300)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "order"], name="criterion_one_per_order")]

    def __str__(self):
        return self.title


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class EvaluationRound(models.Model):
    """A grassroots organisation's evaluation of a year, for its whole subtree."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("grassroots organisation"))
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    deadline = models.DateField(_("deadline"))
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("evaluation form"))
    opened_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "organization"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="round_one_per_org_and_year")]

    def __str__(self):
        return f"{self.organization} {self.year}"


class _Steps(models.Model):
    """What a member's and an organisation's evaluation share: points, text, each step dated."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, verbose_name=_("evaluation round"))
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    # {criterion id (text): points}; `score` is their sum.
    points = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("self-assessed score"), null=True, blank=True)
    self_text = models.TextField(_("self-assessment"), blank=True)
    self_level = models.CharField(_("self-assessed level"), max_length=16, choices=Level.choices, blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    self_assessed_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    # The review and vote: a member's and a cell's by the cell's meeting (the base is its official
    # members), a grassroots organisation's by its committee (the base is the committee's members).
    proposed_level = models.CharField(_("level proposed by the cell"), max_length=16, choices=Level.choices,
                                      blank=True)
    review_note = models.TextField(_("cell's review"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    official_members = models.PositiveSmallIntegerField(_("official members"), null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    level = models.CharField(_("level decided"), max_length=16, choices=Level.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        abstract = True


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MemberEvaluation(_Steps):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="evaluations",
                               verbose_name=_("party member"))
    # The member's home cell when the round opened: the figures and the officers follow it.
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("cell"))
    # What the handbook knew at the self-assessment: meetings, party fees, discipline.
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("member evaluation")
        verbose_name_plural = _("member evaluations")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="member_evaluation_once_a_year")]
        indexes = [models.Index(fields=["cell", "year"], name="member_evaluation_cell_idx"),
                   models.Index(fields=["round"], name="member_evaluation_round_idx")]

    def __str__(self):
        return f"{self.member} {self.year}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class OrganizationEvaluation(_Steps):
    """A cell's or the grassroots organisation's own evaluation: self-assessed, reviewed with a
    vote (the cell's meeting; the grassroots committee), decided by the level above."""

    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))

    class Meta:
        verbose_name = _("organisation evaluation")
        verbose_name_plural = _("organisation evaluations")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"],
                                               name="organization_evaluation_once_a_year")]

    def __str__(self):
        return f"{self.organization} {self.year}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class EvaluationAmendment(models.Model):
    """A change of a decided level: who, when, why, old → new."""

    member_evaluation = models.ForeignKey(MemberEvaluation, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="amendments")
    organization_evaluation = models.ForeignKey(OrganizationEvaluation, null=True, blank=True,
                                                on_delete=models.PROTECT, related_name="amendments")
    old_level = models.CharField(_("level before"), max_length=16, choices=Level.choices)
    new_level = models.CharField(_("level after"), max_length=16, choices=Level.choices)
    reason = models.TextField(_("reason"))
    amended_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation amendment")
        verbose_name_plural = _("evaluation amendments")
        ordering = ["amended_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_evaluation__isnull=False, organization_evaluation__isnull=True)
                | models.Q(member_evaluation__isnull=True, organization_evaluation__isnull=False),
                name="amendment_of_one_evaluation",
            ),
        ]

    def __str__(self):
        return f"{self.old_level} → {self.new_level}"


class EvaluationYear(models.Model):
    """Evaluation counts of one organisation's subtree for one year: members, grassroots
    organisations and cells, by progress step and by level decided. Summed up the tree;
    refreshed on commit of each step, rebuilt by `evaluations.figures.rebuild`."""

    organization = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    members_expected = models.PositiveIntegerField(default=0)
    members_self_assessed = models.PositiveIntegerField(default=0)
    members_reviewed = models.PositiveIntegerField(default=0)
    members_decided = models.PositiveIntegerField(default=0)
    members_excellent = models.PositiveIntegerField(default=0)
    members_good = models.PositiveIntegerField(default=0)
    members_completed = models.PositiveIntegerField(default=0)
    members_not_completed = models.PositiveIntegerField(default=0)
    grassroots_expected = models.PositiveIntegerField(default=0)
    grassroots_self_assessed = models.PositiveIntegerField(default=0)
    grassroots_reviewed = models.PositiveIntegerField(default=0)
    grassroots_decided = models.PositiveIntegerField(default=0)
    grassroots_excellent = models.PositiveIntegerField(default=0)
    grassroots_good = models.PositiveIntegerField(default=0)
    grassroots_completed = models.PositiveIntegerField(default=0)
    grassroots_not_completed = models.PositiveIntegerField(default=0)
    cells_expected = models.PositiveIntegerField(default=0)
    cells_self_assessed = models.PositiveIntegerField(default=0)
    cells_reviewed = models.PositiveIntegerField(default=0)
    cells_decided = models.PositiveIntegerField(default=0)
    cells_excellent = models.PositiveIntegerField(default=0)
    cells_good = models.PositiveIntegerField(default=0)
    cells_completed = models.PositiveIntegerField(default=0)
    cells_not_completed = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation year")
        verbose_name_plural = _("evaluation years")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="evaluationyear_one_per_year")]

    def __str__(self):
        return f"{self.organization_id} {self.year}"
