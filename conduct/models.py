"""Commendation and discipline records on the member, and party badges presented."""

import uuid

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    """What a commendation and a discipline record share: the decision and its reasons.

    `cell` is the member's home cell when the decision was recorded: the yearly counts and
    who may read the record follow it, so a later move or an expulsion (which closes the
    membership) does not take the record out of its organisation's figures.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, verbose_name=_("party member"))
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, verbose_name=_("cell"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    issuing_organization = models.ForeignKey(
        "cells.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issuing organisation"),
    )
    reason = models.TextField(_("reason"))
    attachment = models.FileField(_("attachment"), upload_to="conduct/%Y/%m/", blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-decision_date", "-id"]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Commendation(Decision):
    class Kind(models.TextChoices):
        CERTIFICATE_OF_MERIT = "certificate_of_merit", _("Certificate of merit")
        COMMENDATION_CERTIFICATE = "commendation_certificate", _("Certificate of commendation")
        EMULATION_TITLE = "emulation_title", _("Emulation title")
        ORDER_OR_MEDAL = "order_or_medal", _("Order or medal")
        OTHER = "other", _("Other form of commendation")

    kind = models.CharField(_("form of commendation"), max_length=32, choices=Kind.choices)

    class Meta(Decision.Meta):
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        default_related_name = "commendations"
        indexes = [
            models.Index(fields=["member", "-decision_date"], name="commendation_member_idx"),
            models.Index(fields=["cell", "decision_date"], name="commendation_cell_idx"),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_kind_display()} ({self.decision_number})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Discipline(Decision):
    class Level(models.TextChoices):
        REPRIMAND = "reprimand", _("Reprimand")
        WARNING = "warning", _("Warning")
        DISMISSAL = "dismissal", _("Dismissal from post")
        EXPULSION = "expulsion", _("Expulsion")

    level = models.CharField(_("form of discipline"), max_length=16, choices=Level.choices)
    # An expulsion's step in the status history, written in the same transaction.
    status_change = models.OneToOneField(
        "members.MemberStatusChange", null=True, blank=True, on_delete=models.PROTECT, related_name="discipline",
    )

    class Meta(Decision.Meta):
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        default_related_name = "disciplines"
        indexes = [
            models.Index(fields=["member", "-decision_date"], name="discipline_member_idx"),
            models.Index(fields=["cell", "decision_date"], name="discipline_cell_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="expulsion", status_change__isnull=False)
                | (~models.Q(level="expulsion") & models.Q(status_change__isnull=True)),
                name="discipline_expulsion_has_status_change",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_level_display()} ({self.decision_number})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class BadgePresentation(models.Model):
    """A party badge (huy hiệu Đảng) of `years` years presented to a member."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="badges",
                               verbose_name=_("party member"))
    years = models.PositiveSmallIntegerField(_("years of membership"))
    presented_on = models.DateField(_("presented on"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    presented_by = models.CharField(_("presented by"), max_length=200)
    recorded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party badge presented")
        verbose_name_plural = _("party badges presented")
        ordering = ["member", "years"]
        constraints = [
            models.UniqueConstraint(fields=["member", "years"], name="badge_once_per_member_and_years"),
        ]

    def __str__(self):
        return f"{self.member} — {self.years} ({self.presented_on})"
