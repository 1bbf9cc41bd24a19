"""API routes of consultations; the api app includes them under /api/v1/."""

from django.urls import path

from consultations import api

api_urlpatterns = [
    path("consultations/", api.OpenConsultationsView.as_view(), name="api_consultations_open"),
    path("consultations/<uuid:consultation_id>/comments/", api.ConsultationCommentsView.as_view(),
         name="api_consultation_comments"),
    path("consultations/<uuid:consultation_id>/summary/", api.CellSummaryView.as_view(),
         name="api_consultation_cell_summary"),
]
