"""iCalendar (RFC 5545) for meetings: the member's subscribed feed and single-event downloads."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from meetings.models import Meeting

# Phone calendars remind the member a day before and two hours before.
ALARMS = (dt.timedelta(days=1), dt.timedelta(hours=2))
PRODID = "-//So tay Dang vien//Meetings//VI"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life, so calendars update it instead of adding a copy."""
    return f"{meeting.public_id}@{_host()}"


def meeting_summary(meeting: Meeting) -> str:
    kind = meeting.get_kind_display()
    if meeting.title:
        kind = f"{kind}: {meeting.title}"
    return f"{kind} — {meeting.cell.name}"


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("meeting_detail", kwargs={"meeting_id": meeting.public_id})


def _description(meeting: Meeting) -> str:
    parts = []
    if meeting.status == Meeting.Status.CANCELLED:
        parts.append(_("Cancelled: %(reason)s") % {"reason": meeting.status_reason})
    elif meeting.status == Meeting.Status.POSTPONED:
        parts.append(_("Postponed: %(reason)s") % {"reason": meeting.status_reason})
    if meeting.agenda:
        parts.append(_("Agenda:") + "\n" + meeting.agenda)
    parts.append(_("Details and documents: %(url)s") % {"url": meeting_url(meeting)})
    return "\n\n".join(parts)


def meeting_event(meeting: Meeting, *, now: dt.datetime) -> Event:
    tz = timezone.get_current_timezone()
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.updated_at or now)
    event.add("created", meeting.created_at or now)
    event.add("last-modified", meeting.updated_at or now)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting_summary(meeting))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", _description(meeting))
    event.add("url", meeting_url(meeting))
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled and meeting.starts_at > now:
        for before in ALARMS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", meeting_summary(meeting))
            alarm.add("trigger", -before)
            event.add_component(alarm)
    return event


def meetings_calendar(meetings: list[Meeting], *, name: str, now: dt.datetime | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per meeting, times in Asia/Ho_Chi_Minh with its VTIMEZONE."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # How often subscribed calendars should fetch again (honoured by some clients).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, now=now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
