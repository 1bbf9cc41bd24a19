"""URLs of the petition pages: the sender's, one petition's, the committee's."""

from django.urls import path

from petitions import views

urlpatterns = [
    path("petitions/", views.petitions_home, name="petitions_home"),
    path("petitions/from/<uuid:org_id>/", views.petitions_sent, name="petitions_sent"),
    path("petitions/from/<uuid:org_id>/new/", views.petition_new, name="petition_new"),
    path("petitions/files/<uuid:attachment_id>/", views.petition_file, name="petition_file"),
    path("petitions/<uuid:petition_id>/", views.petition_detail, name="petition_detail"),
    path("petitions/<uuid:petition_id>/reopen/", views.petition_reopen_view, name="petition_reopen"),
    path("petitions/<uuid:petition_id>/<slug:action>/", views.petition_act, name="petition_act"),
    path("reports/<uuid:org_id>/petitions/", views.petitions_committee, name="petitions_committee"),
    path("reports/<uuid:org_id>/petitions/card/", views.petitions_dashboard_card, name="petitions_dashboard_card"),
    path("reports/<uuid:org_id>/petitions/export/", views.petitions_export, name="petitions_export"),
]
