"""A draft from above put to every cell under a committee, the members' comments, and one
summary per organisation on the way back up (the same step at every level of the tree).

A sent summary is final: it is not amended (the level above has merged it); the draft's
comments and summaries follow the tree's `path`, whatever its depth.
"""

import uuid

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Consultation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", _("Closed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="consultations",
                                     verbose_name=_("published by"))
    # Where the publisher's own summary goes once sent (the level above), or nowhere.
    reports_to = models.ForeignKey("cells.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="consultations_reported", verbose_name=_("final summary sent to"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("what the draft is about"), blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=200)
    attachment = models.FileField(_("draft document"), upload_to="consultations/%Y/%m/", blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    closing_on = models.DateField(_("comments close on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    published_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation on a draft")
        verbose_name_plural = _("consultations on drafts")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "closing_on"], name="consultation_open_idx")]

    def __str__(self):
        return self.title


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ConsultationComment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="consultation_comments")
    cell = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("cell"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("comment on a draft")
        verbose_name_plural = _("comments on drafts")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["consultation", "cell"], name="consultation_comment_cell_idx")]

    def __str__(self):
        return f"{self.member} — {self.text[:40]}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ConsultationSummary(models.Model):
    """One organisation's summary: a cell's from its members' comments, a committee's from
    the summaries its organisations below sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent up")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="summaries")
    organization = models.ForeignKey("cells.Organization", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey("members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("summary of comments")
        verbose_name_plural = _("summaries of comments")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "organization"], name="consultation_summary_once"),
            models.CheckConstraint(
                condition=models.Q(status="draft", sent_at__isnull=True) | models.Q(status="sent", sent_at__isnull=False),
                name="consultation_summary_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.consultation} — {self.organization}"

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SummaryPoint(models.Model):
    """A comment (in a cell's summary) or a sent summary from below (in a committee's), with
    whether it is taken and the group it is filed under."""

    summary = models.ForeignKey(ConsultationSummary, on_delete=models.CASCADE, related_name="points")
    comment = models.ForeignKey(ConsultationComment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="points")
    child_summary = models.ForeignKey(ConsultationSummary, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="taken_in")
    taken = models.BooleanField(_("taken"), default=False)
    group = models.CharField(_("group"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("point of a summary")
        verbose_name_plural = _("points of summaries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comment__isnull=False, child_summary__isnull=True)
                | models.Q(comment__isnull=True, child_summary__isnull=False),
                name="summary_point_one_source",
            ),
            models.UniqueConstraint(fields=["summary", "comment"], name="summary_point_comment_once"),
            models.UniqueConstraint(fields=["summary", "child_summary"], name="summary_point_child_once"),
        ]

    def __str__(self):
        return f"{self.summary_id}: {self.comment_id or self.child_summary_id}"
