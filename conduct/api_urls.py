"""API routes of the conduct registers; the api app includes them under /api/v1/."""

from django.urls import path

from conduct import api

api_urlpatterns = [
    path("me/conduct/", api.MyConductView.as_view(), name="api_my_conduct"),
    path("members/<uuid:member_id>/conduct/", api.MemberConductView.as_view(), name="api_member_conduct"),
    path("cells/<uuid:cell_id>/conduct/", api.CellConductView.as_view(), name="api_cell_conduct"),
    path("organizations/<uuid:organization_id>/conduct/", api.OrganizationConductView.as_view(),
         name="api_organization_conduct"),
    path("organizations/<uuid:organization_id>/badges/", api.OrganizationBadgesView.as_view(),
         name="api_organization_badges"),
]
