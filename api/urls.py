"""URLs of the API: /api/v1/ endpoints, the OpenAPI schema and its documentation pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from admissions.api_urls import api_urlpatterns as admissions_api
from api.exceptions import not_found
from api.views import auth, docs, me, meetings, notifications, organizations, pages
from conduct.api_urls import api_urlpatterns as conduct_api
from consultations.api_urls import api_urlpatterns as consultations_api
from evaluations.api_urls import api_urlpatterns as evaluations_api
from fees.api_urls import api_urlpatterns as fees_api
from library.api_urls import api_urlpatterns as library_api
from petitions.api_urls import api_urlpatterns as petitions_api

v1 = [
    path("auth/token/", auth.SignInView.as_view(), name="api_sign_in"),
    path("auth/token/mfa/", auth.MfaView.as_view(), name="api_sign_in_mfa"),
    path("auth/sign-out/", auth.CurrentTokenView.as_view(), name="api_sign_out"),
    path("auth/tokens/", auth.TokenListView.as_view(), name="api_tokens_list"),
    path("auth/tokens/<uuid:token_id>/", auth.TokenDetailView.as_view(), name="api_token_detail"),
    path("me/", me.MeView.as_view(), name="api_me"),
    path("me/calendar/", me.MyCalendarView.as_view(), name="api_my_calendar"),
    path("me/calendar/reset/", me.MyCalendarResetView.as_view(), name="api_my_calendar_reset"),
    path("meetings/", meetings.MyMeetingsView.as_view(), name="api_my_meetings"),
    path("meetings/<uuid:meeting_id>/", meetings.MeetingDetailView.as_view(), name="api_meeting_detail"),
    path("meetings/<uuid:meeting_id>/postpone/", meetings.MeetingPostponeView.as_view(), name="api_meeting_postpone"),
    path("meetings/<uuid:meeting_id>/cancel/", meetings.MeetingCancelView.as_view(), name="api_meeting_cancel"),
    path("meetings/<uuid:meeting_id>/roll-call/", meetings.RollCallView.as_view(), name="api_roll_call"),
    path("meetings/<uuid:meeting_id>/comments/", meetings.CommentsView.as_view(), name="api_comments"),
    path("meetings/<uuid:meeting_id>/excuse/", meetings.ExcuseView.as_view(), name="api_excuse"),
    path("meetings/<uuid:meeting_id>/documents/<uuid:document_id>/", meetings.DocumentDownloadView.as_view(),
         name="api_document_download"),
    path("notifications/", notifications.NotificationsView.as_view(), name="api_notifications"),
    path("notifications/read-all/", notifications.NotificationsReadAllView.as_view(), name="api_notifications_read_all"),
    path("notifications/<uuid:notification_id>/read/", notifications.NotificationReadView.as_view(),
         name="api_notification_read"),
    path("cells/<uuid:cell_id>/meetings/", meetings.CellMeetingsView.as_view(), name="api_cell_meetings"),
    path("cells/<uuid:cell_id>/members/", organizations.RosterView.as_view(), name="api_roster"),
    path("organizations/", organizations.OrganizationsView.as_view(), name="api_organizations"),
    path("organizations/<uuid:organization_id>/cells/", organizations.OrganizationCellsView.as_view(),
         name="api_organization_cells"),
    path("organizations/<uuid:organization_id>/months/", organizations.OrganizationMonthsView.as_view(),
         name="api_organization_months"),
    path("organizations/<uuid:organization_id>/cell-figures/", organizations.OrganizationCellFiguresView.as_view(),
         name="api_organization_cell_figures"),
    # The member registers' endpoints, each defined by its app.
    *admissions_api,
    *conduct_api,
    *evaluations_api,
    *consultations_api,
    *fees_api,
    *library_api,
    *petitions_api,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    # Anything else under /api/ is a JSON 404, never the HTML page.
    re_path(r"^.*$", not_found),
]

# Pages of the web app that belong to the API (included under /settings/ by handbook/urls.py).
settings_urlpatterns = [
    path("api-tokens/", pages.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:token_id>/revoke/", pages.api_token_revoke, name="api_token_revoke"),
]
