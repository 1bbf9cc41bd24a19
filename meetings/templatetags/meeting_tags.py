"""Status pills and countdowns for meetings, computed at render time in the local time zone."""

from pathlib import PurePath

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.templatetags.handbook import hm
from meetings.models import Meeting

register = template.Library()


def meeting_is_late(meeting: Meeting) -> bool:
    """Held, or moved to, a day after the one it was first scheduled for."""
    return timezone.localdate(meeting.starts_at) > meeting.scheduled_date


@register.inclusion_tag("meetings/partials/pills.html")
def meeting_pills(meeting: Meeting):
    now = timezone.now()
    pills = []
    if meeting.status == Meeting.Status.HELD:
        pills.append((_("Held"), "ok"))
        if meeting_is_late(meeting):
            pills.append((_("Late"), "warn"))
    elif meeting.status == Meeting.Status.CANCELLED:
        pills.append((_("Cancelled"), "bad"))
    else:
        if meeting.status == Meeting.Status.POSTPONED:
            pills.append((_("Postponed"), "warn"))
        else:
            pills.append((_("Planned"), "muted"))
        if meeting.ends_at < now:
            pills.append((_("No roll call"), "bad"))
        elif meeting.starts_at <= now:
            pills.append((_("In progress"), "ok"))
    return {"pills": pills}


@register.filter
def countdown(meeting: Meeting) -> str:
    """'còn 3 ngày', 'ngày mai', 'hôm nay, 19:30', 'đang diễn ra'."""
    now = timezone.now()
    if meeting.starts_at <= now < meeting.ends_at:
        return _("in progress")
    if meeting.ends_at <= now:
        return _("over")
    days = (timezone.localdate(meeting.starts_at) - timezone.localdate(now)).days
    if days == 0:
        return _("today at %(time)s") % {"time": hm(meeting.starts_at)}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": hm(meeting.starts_at)}
    return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}


@register.filter
def is_late(meeting: Meeting) -> bool:
    return meeting_is_late(meeting)


@register.filter
def doc_type(document) -> str:
    """PDF, DOCX, XLSX, JPG, PNG: the file's extension, for the list of documents."""
    return PurePath(document.file.name).suffix.lstrip(".").upper()
