"""URLs of the roster, member records and the import (names as in the shared map)."""

from django.urls import path

from members.views import access_codes, imports, record, roster

urlpatterns = [
    path("members/", roster.my_roster, name="my_roster"),
    path("cells/<uuid:cell_id>/members/", roster.roster, name="roster"),
    path("cells/<uuid:cell_id>/members/new/", roster.member_new, name="member_new"),
    path("cells/<uuid:cell_id>/members/new-temporary/", roster.member_visitor_new, name="member_visitor_new"),
    path("cells/<uuid:cell_id>/members/import/", imports.member_import, name="member_import"),
    path("cells/<uuid:cell_id>/members/import/<uuid:import_id>/", imports.member_import_detail,
         name="member_import_detail"),
    path("cells/<uuid:cell_id>/members/import/<uuid:import_id>/confirm/", imports.member_import_confirm_view,
         name="member_import_confirm"),
    path("cells/<uuid:cell_id>/members/import/<uuid:import_id>/retry/", imports.member_import_retry_view,
         name="member_import_retry"),
    path("cells/<uuid:cell_id>/members/import/<uuid:import_id>/cancel/", imports.member_import_cancel_view,
         name="member_import_cancel"),
    path("members/import-template.<str:fmt>", imports.member_import_template, name="member_import_template"),
    path("me/", record.my_record, name="my_record"),
    path("members/<uuid:member_id>/", record.member_detail, name="member_detail"),
    path("members/<uuid:member_id>/edit/", record.member_edit, name="member_edit"),
    path("members/<uuid:member_id>/status/<slug:step>/", record.member_status, name="member_status"),
    path("members/<uuid:member_id>/role/", record.member_role, name="member_role"),
    path("members/<uuid:member_id>/account/", record.member_account, name="member_account"),
    path("members/<uuid:member_id>/invitation/", record.member_invitation, name="member_invitation"),
    path("members/<uuid:member_id>/sign-in-code/", access_codes.member_access_code, name="member_access_code"),
    path("members/<uuid:member_id>/sign-in-code/new/", access_codes.member_access_code_issue,
         name="member_access_code_issue"),
    # Under /accounts/ with allauth's pages: open to visitors, outside the officers' TOTP rule.
    path("accounts/access-code/", access_codes.access_code_sign_in, name="access_code_sign_in"),
]
