"""URLs of the admissions pages: the cell's (secretary) and the committee's."""

from django.urls import path

from admissions import views

urlpatterns = [
    path("cells/<uuid:cell_id>/candidates/", views.candidate_list, name="admissions_candidates"),
    path("cells/<uuid:cell_id>/candidates/new/", views.candidate_new, name="admissions_candidate_new"),
    path("cells/<uuid:cell_id>/candidates/import/", views.candidate_import, name="admissions_import"),
    path("cells/<uuid:cell_id>/probation/", views.probation_list, name="admissions_probation"),
    path("cells/<uuid:cell_id>/probation/<uuid:member_id>/", views.probation_review,
         name="admissions_probation_review"),
    path("candidates/<uuid:candidate_id>/", views.candidate_detail, name="admissions_candidate"),
    path("candidates/<uuid:candidate_id>/steps/<slug:step>/", views.candidate_step, name="admissions_candidate_step"),
    path("candidates/<uuid:candidate_id>/withdraw/", views.candidate_withdraw, name="admissions_candidate_withdraw"),
    path("candidates/<uuid:candidate_id>/documents/", views.candidate_document_upload,
         name="admissions_document_upload"),
    path("candidate-documents/<uuid:document_id>/", views.candidate_document_download,
         name="admissions_document_download"),
    path("reports/<uuid:org_id>/admissions/", views.admissions_committee, name="admissions_committee"),
    path("reports/<uuid:org_id>/admissions/plan/", views.admissions_plan, name="admissions_plan"),
]
