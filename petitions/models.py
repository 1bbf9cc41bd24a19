"""Petitions, recommendations, difficulties and unresolved issues (kiến nghị) raised by a cell
or a grassroots committee to the level above, and followed step by step until resolved."""

import uuid

import pghistory
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PetitionCategory(models.Model):
    """A category and the days the receiving committee has to answer (data: the rules change)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    due_days = models.PositiveSmallIntegerField(_("days to resolve"))
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("petition category")
        verbose_name_plural = _("petition categories")
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(due_days__gte=1), name="petition_category_due_days_positive")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the language of the request."""
        return self.name_en if (translation.get_language() or "vi").startswith("en") else self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Petition(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("petition status", "Open")
        ASSIGNED = "assigned", pgettext_lazy("petition status", "Assigned")
        ANSWERED = "answered", pgettext_lazy("petition status", "Answered")
        FORWARDED = "forwarded", pgettext_lazy("petition status", "Forwarded")
        RESOLVED = "resolved", pgettext_lazy("petition status", "Resolved")
        REOPENED = "reopened", pgettext_lazy("petition status", "Reopened")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Who raised it (a cell, or a grassroots committee) and who holds it now (the level above
    # the sender, or higher after forwarding: always an ancestor of the sender).
    sender = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="petitions_sent",
                               verbose_name=_("raised by"))
    holder = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="petitions_held",
                               verbose_name=_("held by"))
    category = models.ForeignKey(PetitionCategory, on_delete=models.PROTECT, related_name="petitions",
                                 verbose_name=_("category"))
    title = models.CharField(pgettext_lazy("petition", "title"), max_length=200)
    text = models.TextField(_("content"))
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="petitions", verbose_name=_("from the meeting"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_on = models.DateField(_("raised on"))
    # From the category, counted from the day the current holder received it (petitions.rules.due_date).
    due_on = models.DateField(_("due on"))
    assignee = models.CharField(_("assigned to"), max_length=200, blank=True)
    answer = models.TextField(_("answer"), blank=True)  # the latest answer or resolution, as the sender reads it
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)  # once only
    raised_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["sender", "-raised_on"], name="petition_sender_idx"),
            models.Index(fields=["holder", "status"], name="petition_holder_idx"),
            models.Index(fields=["status", "due_on"], name="petition_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("raised_on")), name="petition_due_after_raised"),
            models.CheckConstraint(
                condition=models.Q(status="resolved", resolved_on__isnull=False) | ~models.Q(status="resolved"),
                name="petition_resolved_has_date",
            ),
        ]

    def __str__(self):
        return self.title


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PetitionStep(models.Model):
    """One dated step of a petition, by whom, as the sender and the committees read it."""

    class Kind(models.TextChoices):
        RAISED = "raised", pgettext_lazy("petition status", "Raised")
        ASSIGNED = "assigned", pgettext_lazy("petition status", "Assigned")
        ANSWERED = "answered", pgettext_lazy("petition status", "Answered")
        FORWARDED = "forwarded", pgettext_lazy("petition status", "Forwarded")
        RESOLVED = "resolved", pgettext_lazy("petition status", "Resolved")
        REOPENED = "reopened", pgettext_lazy("petition status", "Reopened")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("on behalf of"))
    # Forwarded: the organisation it went to.
    to_organization = models.ForeignKey("cells.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=pgettext_lazy("petition step", "to"))
    # Assigned: a person or a body, typed, or a member of the receiving organisation.
    assignee = models.CharField(_("assigned to"), max_length=200, blank=True)
    assignee_member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    text = models.TextField(_("text"), blank=True)
    actor = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("petition step")
        verbose_name_plural = _("petition steps")
        ordering = ["petition", "at", "id"]
        indexes = [models.Index(fields=["petition", "at"], name="petition_step_idx")]

    def __str__(self):
        return f"{self.petition} — {self.get_kind_display()}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PetitionAttachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="petitions/%Y/%m/")
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("petition attachment")
        verbose_name_plural = _("petition attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
