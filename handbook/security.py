"""What guards every request: the client's address behind proxies, the idle timeout, the headers."""

import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from members.access import scope_for

# Browser features no page of ours uses: a script injected into a page cannot turn them on.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "interest-cohort",
))
LAST_SEEN_KEY = "handbook_last_seen"
# The last-activity mark is written at most this often, so a busy page does not save the
# session on every request; the timeout is exact to within this many seconds.
LAST_SEEN_RESOLUTION = 60


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of whoever sent the request, as the rate limits must count it.

    With HANDBOOK_TRUSTED_PROXIES = 0 (nothing in front of the app) X-Forwarded-For is the
    client's to write and is ignored. With N proxies, each appended the address it received
    the request from, so the N-th entry from the right was written by our outermost proxy:
    whatever stands left of it came from the client and is not believed."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.HANDBOOK_TRUSTED_PROXIES
    if count:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            forwarded = _valid_ip(hops[-count])
            if forwarded:
                return forwarded
    return _valid_ip(remote) or "0.0.0.0"


def idle_limit_seconds(user) -> int:
    minutes = (settings.HANDBOOK_OFFICER_IDLE_MINUTES
               if user.is_staff or scope_for(user).is_officer else settings.HANDBOOK_SESSION_IDLE_MINUTES)
    return minutes * 60


class IdleTimeoutMiddleware:
    """Signs a browser out after a while without a request (shorter for officers).

    Requests authenticated by an API token carry no session and are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > idle_limit_seconds(user):
                logout(request)
                messages.info(request, _("You were signed out after a while without activity. Sign in again."))
            elif not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send: Permissions-Policy, and no-store on
    every answer to a signed-in user (pages and API), so no shared or back-button cache keeps
    a member's record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response
