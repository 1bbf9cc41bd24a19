"""Small site-wide views: settings hub, error pages, the installable app's manifest and worker."""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET


@cache_control(max_age=86400, public=True)
def favicon(request):
    # Browsers ask for /favicon.ico before they read the page's <link rel="icon">.
    return redirect(static("img/star.svg"), permanent=True)


@login_required
def settings_index(request):
    """One place for the member's own settings, so the header stays short on a phone."""
    return render(request, "settings_index.html")


# --- Error pages ---------------------------------------------------------------------------
# Each has the site's header, the viewport and two ways back: home, and the page the visitor
# came from when it is ours (a link, not a script: the CSP allows no inline script).

def _back_url(request) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 page of a request with a bad Host header
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return referer
    return ""


def _error_page(request, template: str, status: int) -> HttpResponse:
    return render(request, template, {"back_url": _back_url(request)}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    # Out of scope and nonexistent look the same (README: anything out of scope is a 404).
    return _error_page(request, "404.html", 404)


def csrf_failure(request, reason=""):
    """A form sent from a page kept open too long, or after signing in elsewhere (CSRF_FAILURE_VIEW)."""
    return _error_page(request, "403_csrf.html", 403)


def server_error(request):
    """Rendered without the request's context: no context processor, session or user runs, so
    the page shows even when the database is what failed. The header is the signed-out one."""
    body = loader.get_template("500.html").render({"back_url": _back_url(request)})
    return HttpResponse(body, status=500)


# --- Installable app (PWA) -------------------------------------------------------------------

THEME_COLOR = "#b3001b"
# Files the offline page needs, cached when the worker installs (hashed names in production,
# so a new stylesheet makes a new worker).
OFFLINE_ASSETS = ("css/handbook.css", "js/pwa.js", "img/star.svg")
# Pages kept for reading without signal (network first, the last copy when offline): the
# member's home with the next meeting, a meeting with its documents, a cell's meetings, and the
# roll call (its marks wait in the browser until they can be sent: static/js/roll-call.js).
KEPT_PAGES = (
    r"^/$",
    r"^/meetings/[0-9a-f-]{36}/$",
    r"^/documents/[0-9a-f-]{36}/$",
    r"^/meetings/[0-9a-f-]{36}/roll-call/$",
    r"^/cells/[0-9a-f-]{36}/meetings/$",
)


@require_GET
@cache_control(max_age=86400, public=True)
def web_manifest(request):
    """The web app manifest: Vietnamese, whatever language the visitor reads."""
    manifest = {
        "name": "Sổ tay Đảng viên",
        "short_name": "Sổ tay ĐV",
        "description": "Sổ tay Đảng viên điện tử: lịch sinh hoạt chi bộ, tài liệu, điểm danh.",
        "lang": "vi",
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f5f2",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker at the root, so that its scope is the whole site (a worker under
    /static/ could only control /static/). `no-cache`: browsers check for a new one on each visit."""
    source = loader.get_template("sw.js").render({
        "precache": json.dumps([reverse("offline"), *(static(name) for name in OFFLINE_ASSETS)]),
        "kept_pages": json.dumps(KEPT_PAGES),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "sign_out_path": json.dumps(reverse("account_logout")),
        "push_icon": json.dumps(static("img/icon-192.png")),
    })
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    body = f'const VERSION = "{version}";\n{source}'
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """What the app shows, without signal, for a page it has not kept. Cached by the worker
    for every account on the phone, so it is rendered like the 500 page: signed-out header,
    nobody's data; in Vietnamese."""
    with translation.override("vi"):
        body = loader.get_template("offline.html").render({})
    return HttpResponse(body)
