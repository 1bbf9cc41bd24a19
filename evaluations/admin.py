"""The evaluations in the admin: shown, never edited here (evaluations.services writes them;
a decided level changes only by a recorded amendment)."""

from django.contrib import admin

from cells.admin import ReadOnlyAdmin
from evaluations.models import (
    EvaluationAmendment,
    EvaluationRound,
    EvaluationScheme,
    EvaluationYear,
    MemberEvaluation,
    OrganizationEvaluation,
)


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "effective_year", "total_points", "excellent_quota_percent")


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ("organization", "year", "deadline")


@admin.register(MemberEvaluation)
class MemberEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("member", "year", "cell", "score", "proposed_level", "level")
    list_filter = ("year", "level")
    search_fields = ("member__full_name",)


@admin.register(OrganizationEvaluation)
class OrganizationEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("organization", "year", "score", "level")
    list_filter = ("year", "level")


@admin.register(EvaluationAmendment)
class EvaluationAmendmentAdmin(ReadOnlyAdmin):
    list_display = ("member_evaluation", "organization_evaluation", "old_level", "new_level", "amended_at")


@admin.register(EvaluationYear)
class EvaluationYearAdmin(ReadOnlyAdmin):
    list_display = ("organization", "year", "members_decided", "grassroots_decided", "cells_decided")
