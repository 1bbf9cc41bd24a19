"""URL map: every app's pages, the admin, accounts, health."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api.urls import settings_urlpatterns as api_settings_urls
from handbook.health import healthz
from handbook.views import favicon, settings_index

admin.site.site_header = _("Party member handbook: administration")
admin.site.site_title = _("Party member handbook")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    # Before i18n/: its language switch wraps Django's and saves the choice on the account.
    path("", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("api.urls")),
    path("settings/", settings_index, name="settings_index"),
    path("settings/", include(api_settings_urls)),
    path("", include("meetings.urls")),
    path("", include("members.urls")),
    path("", include("reports.urls")),
]
