"""Calendars: the member's secret feed, its settings page, and one meeting as an .ics file."""

from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from meetings import feed_cache
from meetings.ical import meetings_calendar
from meetings.selectors import (
    calendar_feed_by_token,
    feed_fingerprint,
    get_meeting_for_viewer,
    get_member_for_scope,
    meetings_for_feed,
)
from meetings.services.calendar import calendar_feed_get_or_create, calendar_feed_reset
from members.access import scope_for

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


@require_safe
def calendar_feed(request, token):
    """The subscribed feed. No sign-in (calendar apps cannot); the secret address is the key.

    Phones poll every few minutes: the fingerprint of what the feed shows is its ETag, a phone that
    holds it gets 304 without the feed being built, and a built feed is kept in the cache under its
    fingerprint (a change is a new fingerprint, so nothing stale can be served)."""
    feed = calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    member = feed.member
    fingerprint = feed_fingerprint(member)
    etag = f'"{fingerprint}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None and request.headers.get("If-Modified-Since"):
        built = feed_cache.built_at(fingerprint)
        not_modified = built and get_conditional_response(request, etag=etag, last_modified=built)
    if not_modified:
        return _feed_headers(not_modified, etag, feed_cache.built_at(fingerprint))
    body, built = feed_cache.get(fingerprint)
    if body is None:
        language = member.user.language if member.user else settings.LANGUAGE_CODE
        with translation.override(language):
            body = meetings_calendar(
                meetings_for_feed(member), name=_("Cell meetings — %(name)s") % {"name": member.full_name},
            )
        built = feed_cache.put(fingerprint, body)
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="so-tay-dang-vien.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return _feed_headers(response, etag, built)


def _feed_headers(response, etag: str, built: int | None):
    response["ETag"] = etag
    if built:
        response["Last-Modified"] = http_date(built)
    # private: the address is a secret; no-cache: ask again each time, which costs a 304.
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_safe
def meeting_ics(request, meeting_id):
    """One meeting as a file the phone opens in its calendar ("add to calendar")."""
    meeting = get_meeting_for_viewer(scope_for(request.user), meeting_id)
    body = meetings_calendar([meeting], name=meeting.cell.name)
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    day = timezone.localdate(meeting.starts_at)
    response["Content-Disposition"] = f'attachment; filename="sinh-hoat-{day:%Y-%m-%d}.ics"'
    return response


def _feed_urls(token: str) -> dict[str, str]:
    https_url = settings.SITE_URL + reverse("calendar_feed", kwargs={"token": token})
    parts = urlsplit(https_url)
    webcal_url = urlunsplit(("webcal", *parts[1:]))
    return {
        "feed_url": https_url,
        "webcal_url": webcal_url,
        "google_url": "https://calendar.google.com/calendar/r?cid=" + quote(webcal_url, safe=""),
    }


@login_required
def calendar_settings(request):
    scope = scope_for(request.user)
    member = get_member_for_scope(scope)
    if request.method == "POST":
        if member is None:
            raise Http404
        calendar_feed_reset(member=member, actor=request.user)
        messages.success(request, _("Your calendar address is new. Subscribe again with the address below; "
                                    "the old one no longer works."))
        return redirect("calendar_settings")
    context = {"member": member, "section": "calendar"}
    if member is not None:
        # Creating the address on first view is idempotent: a reload finds the same one.
        context.update(_feed_urls(calendar_feed_get_or_create(member=member, actor=request.user).token))
    return render(request, "meetings/calendar_settings.html", context)
