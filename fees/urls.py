"""URLs of the fees pages: the cell's (secretary, treasurer), the committee's, a member's own."""

from django.urls import path

from fees import views

urlpatterns = [
    path("cells/<uuid:cell_id>/fees/", views.fees_sheet, name="fees_sheet"),
    path("cells/<uuid:cell_id>/fees/year/", views.fees_ledger, name="fees_ledger"),
    path("cells/<uuid:cell_id>/fees/remittance/", views.fees_remittance, name="fees_remittance"),
    path("cells/<uuid:cell_id>/fees/import/", views.fees_import, name="fees_import"),
    path("cells/<uuid:cell_id>/fees/members/<uuid:member_id>/basis/", views.fee_basis, name="fee_basis"),
    path("reports/<uuid:org_id>/fees/", views.fees_committee, name="fees_committee"),
    path("me/fees/", views.fees_mine, name="fees_mine"),
]
