"""API endpoints of party fees (wired under /api/v1/ by api/urls.py)."""

from django.urls import path

from fees import api

api_urlpatterns = [
    path("me/fees/", api.MyFeesView.as_view(), name="api_my_fees"),
    path("cells/<uuid:cell_id>/fees/", api.CellFeesView.as_view(), name="api_cell_fees"),
    path("organizations/<uuid:organization_id>/fees/", api.OrganizationFeesView.as_view(),
         name="api_organization_fees"),
]
