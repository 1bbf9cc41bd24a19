"""API endpoints of the admissions register (wired under /api/v1/ by api/urls.py)."""

from django.urls import path

from admissions import api

api_urlpatterns = [
    path("cells/<uuid:cell_id>/candidates/", api.CandidatesView.as_view(), name="api_cell_candidates"),
    path("candidates/<uuid:candidate_id>/", api.CandidateDetailView.as_view(), name="api_candidate_detail"),
    path("organizations/<uuid:organization_id>/admissions/", api.AdmissionFiguresView.as_view(),
         name="api_organization_admissions"),
]
