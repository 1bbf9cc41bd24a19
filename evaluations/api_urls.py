"""API routes of the evaluations; the api app includes them under /api/v1/."""

from django.urls import path

from evaluations import api

api_urlpatterns = [
    path("me/evaluations/", api.MyEvaluationsView.as_view(), name="api_my_evaluations"),
    path("me/evaluations/<uuid:evaluation_id>/self-assessment/", api.MySelfAssessmentView.as_view(),
         name="api_my_self_assessment"),
]
