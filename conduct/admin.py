"""The conduct registers in the admin: shown, never edited here (conduct.services writes them;
an expulsion must go through the status history)."""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin
from conduct.models import BadgePresentation, Commendation, Discipline


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "decision_number", "decision_date", "cell")
    list_filter = ("kind",)
    search_fields = ("member__full_name", "decision_number")


@admin.register(Discipline)
class DisciplineAdmin(ReadOnlyAdmin):
    list_display = ("member", "level", "decision_number", "decision_date", "cell")
    list_filter = ("level",)
    search_fields = ("member__full_name", "decision_number")


@admin.register(BadgePresentation)
class BadgePresentationAdmin(ReadOnlyAdmin):
    list_display = ("member", "years", "presented_on", "decision_number")
    list_filter = ("years",)
    search_fields = ("member__full_name",)
