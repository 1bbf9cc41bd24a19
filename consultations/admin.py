"""Consultations in the admin: shown, never edited here (consultations.services writes them;
a sent summary is final)."""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin
from consultations.models import Consultation, ConsultationComment, ConsultationSummary


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("title", "organization", "closing_on", "status")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(ConsultationComment)
class ConsultationCommentAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "cell", "member", "created_at")


@admin.register(ConsultationSummary)
class ConsultationSummaryAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "organization", "status", "sent_at")
    list_filter = ("status",)
