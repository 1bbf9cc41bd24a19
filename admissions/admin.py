"""The admissions register in the admin: read-only (the services keep the steps in order)."""

from django.contrib import admin

from admissions.models import AdmissionPlan, Candidate, CandidateDocument, ProbationReview
from cells.admin import ReadOnlyAdmin


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "cell", "stage", "registered_on", "ceremony_on"]
    list_filter = ["stage"]
    search_fields = ["full_name"]


@admin.register(CandidateDocument)
class CandidateDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "candidate", "step", "uploaded_at"]


@admin.register(AdmissionPlan)
class AdmissionPlanAdmin(ReadOnlyAdmin):
    list_display = ["organization", "year", "target"]
    list_filter = ["year"]


@admin.register(ProbationReview)
class ProbationReviewAdmin(ReadOnlyAdmin):
    list_display = ["member", "outcome", "decision_number", "decision_on"]
