"""Export jobs: a large table written to a file by a Celery worker, for the user who asked."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def export_upload_to(instance, filename):
    # Unguessable folder; the file is served only through the job owner's scoped view.
    return f"exports/{instance.public_id}/{filename}"


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("cells.Organization", on_delete=models.CASCADE, related_name="+")
    table = models.CharField(max_length=16)
    format = models.CharField(max_length=8)
    # The query string of the page the export was asked from (period, filters, sort).
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(format__in=["xlsx", "csv"]), name="exportjob_known_format"),
        ]

    def __str__(self):
        return f"{self.table}.{self.format} ({self.get_status_display()})"

    @property
    def progress(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, 100 * self.rows_done // self.rows_total) if self.rows_total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
