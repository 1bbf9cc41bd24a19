"""URL map: every app's pages, the admin, accounts, health."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from api.urls import settings_urlpatterns as api_settings_urls
from handbook import views as site_views
from handbook.health import healthz
from handbook.views import favicon, settings_index

admin.site.site_header = _("Party member handbook: administration")
admin.site.site_title = _("Party member handbook")


def admin_login(request, extra_context=None):
    """The admin has no door of its own: its sign-in is the site's (allauth), with the same
    rate limits and the second factor; officers' rules on TOTP apply to staff too
    (members.middleware)."""
    next_url = request.GET.get("next", "")
    if not (next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied  # sending them to sign in again would loop back here
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


admin.site.login = admin_login

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("manifest.webmanifest", site_views.web_manifest, name="web_manifest"),
    path("sw.js", site_views.service_worker, name="service_worker"),
    path("offline/", site_views.offline, name="offline"),
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
    path("", include("admissions.urls")),
    path("", include("fees.urls")),
    path("", include("conduct.urls")),
    path("", include("evaluations.urls")),
    path("", include("library.urls")),
    path("", include("consultations.urls")),
    path("", include("petitions.urls")),
    path("", include("reports.urls")),
    path("", include("cells.urls")),
]

handler400 = site_views.bad_request
handler403 = site_views.permission_denied
handler404 = site_views.page_not_found
handler500 = site_views.server_error
