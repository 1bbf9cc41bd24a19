"""URLs of the evaluation pages."""

from django.urls import path

from evaluations import views

urlpatterns = [
    path("evaluations/", views.evaluation_mine, name="evaluation_mine"),
    path("evaluations/<uuid:evaluation_id>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<uuid:evaluation_id>/self/", views.evaluation_self, name="evaluation_self"),
    path("evaluations/<uuid:evaluation_id>/review/", views.evaluation_review, name="evaluation_review"),
    path("evaluations/<uuid:evaluation_id>/decide/", views.evaluation_decide, name="evaluation_decide"),
    path("evaluations/<uuid:evaluation_id>/amend/", views.evaluation_amend, name="evaluation_amend"),
    path("evaluations/cells/<uuid:cell_id>/<int:year>/", views.evaluation_cell, name="evaluation_cell"),
    path("evaluations/units/<uuid:evaluation_id>/", views.unit_detail, name="unit_evaluation_detail"),
    path("evaluations/units/<uuid:evaluation_id>/self/", views.unit_self, name="unit_evaluation_self"),
    path("evaluations/units/<uuid:evaluation_id>/review/", views.unit_review, name="unit_evaluation_review"),
    path("evaluations/units/<uuid:evaluation_id>/decide/", views.unit_decide, name="unit_evaluation_decide"),
    path("evaluations/units/<uuid:evaluation_id>/amend/", views.unit_amend, name="unit_evaluation_amend"),
    path("reports/<uuid:org_id>/evaluations/", views.evaluation_org, name="evaluation_org"),
    path("reports/<uuid:org_id>/evaluations/form/", views.evaluation_scheme, name="evaluation_scheme"),
    path("reports/<uuid:org_id>/evaluations/export/", views.evaluation_export, name="evaluation_export"),
]
