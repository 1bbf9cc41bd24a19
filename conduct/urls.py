"""URLs of the conduct pages: the cell's register, records, badges, the committee's figures."""

from django.urls import path

from conduct import views

urlpatterns = [
    path("cells/<uuid:cell_id>/conduct/", views.cell_register, name="conduct_cell"),
    path("cells/<uuid:cell_id>/conduct/commendations/new/", views.commendation_new, name="commendation_new"),
    path("cells/<uuid:cell_id>/conduct/discipline/new/", views.discipline_new, name="discipline_new"),
    path("cells/<uuid:cell_id>/conduct/import/", views.register_import, name="conduct_import"),
    path("conduct/commendations/<uuid:record_id>/", views.commendation_detail, name="commendation_detail"),
    path("conduct/commendations/<uuid:record_id>/file/", views.commendation_file, name="commendation_file"),
    path("conduct/discipline/<uuid:record_id>/", views.discipline_detail, name="discipline_detail"),
    path("conduct/discipline/<uuid:record_id>/file/", views.discipline_file, name="discipline_file"),
    path("conduct/badges/<uuid:member_id>/<int:years>/", views.badge_record, name="badge_record"),
    path("reports/<uuid:org_id>/conduct/", views.conduct_committee, name="conduct_committee"),
    path("reports/<uuid:org_id>/conduct/export/", views.conduct_export, name="conduct_export"),
    path("reports/<uuid:org_id>/badges/", views.badges_committee, name="badges_committee"),
    path("reports/<uuid:org_id>/badges/export/", views.badges_export, name="badges_export"),
]
