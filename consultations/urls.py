"""URLs of the consultation pages."""

from django.urls import path

from consultations import views

urlpatterns = [
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/<uuid:org_id>/", views.consultation_new, name="consultation_new"),
    path("consultations/<uuid:consultation_id>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<uuid:consultation_id>/file/", views.consultation_file, name="consultation_file"),
    path("consultations/<uuid:consultation_id>/comments/", views.comment_new, name="consultation_comment"),
    path("consultations/<uuid:consultation_id>/comments/<uuid:comment_id>/", views.comment_change,
         name="consultation_comment_edit"),
    path("consultations/<uuid:consultation_id>/summaries/<uuid:org_id>/", views.consultation_summary,
         name="consultation_summary"),
    path("consultations/<uuid:consultation_id>/summaries/<uuid:org_id>/pdf/", views.consultation_summary_pdf,
         name="consultation_summary_pdf"),
]
