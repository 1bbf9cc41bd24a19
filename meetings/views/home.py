"""The member's home: the next meeting at a glance, excuses, attendance, resolutions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from meetings import page_cache, rules
from meetings.forms import ExcuseForm
from meetings.models import Meeting
from meetings.selectors import (
    get_member_for_scope,
    member_attendance,
    member_attendance_fingerprint,
    member_excuse,
    member_home,
)
from meetings.services.excuses import excuses_open
from members.access import cells_managed, scope_for


def _shared_parts(data) -> dict:
    """What the home shows alike to every member of the same cells, rendered: the next meeting
    (without the member's excuse), the later meetings and the recent resolutions."""
    upcoming = data.upcoming
    first = upcoming[0] if upcoming else None
    return {
        # Only what the member's own part of the card needs; nothing of this member rides along.
        "next": Meeting(pk=first.pk, public_id=first.public_id, cell_id=first.cell_id, status=first.status,
                        starts_at=first.starts_at, ends_at=first.ends_at) if first else None,
        "next_html": render_to_string("meetings/partials/home_next.html", {"next_meeting": first}) if first else "",
        "later_html": render_to_string("meetings/partials/home_later.html", {"later_meetings": upcoming[1:]}),
        "resolutions_html": render_to_string("meetings/partials/home_resolutions.html",
                                             {"resolutions": data.resolutions}),
    }


def _attendance_html(scope, member, several_cells: bool, *, now, attendance=None) -> str:
    """The year's attendance, rendered once for what it shows: kept under the hash PostgreSQL
    computes of its rows, which are read only when that hash is new."""
    def content():
        return "|".join([str(bool(member)), str(several_cells), member_attendance_fingerprint(scope, now=now)])
    return page_cache.rendered("home_attendance", content, lambda: render_to_string(
        "meetings/partials/home_attendance.html",
        {"member": member, "attendance": attendance or member_attendance(scope, now=now),
         "several_cells": several_cells}))


@login_required
def home(request):
    scope = scope_for(request.user)
    now = timezone.now()
    slot = page_cache.slot("home", scope.member_cell_ids)
    shared = slot.get()
    if shared is None:
        data = member_home(scope, now=now)
        shared = _shared_parts(data)
        slot.put(shared, until=page_cache.next_change(data.upcoming, now=now, daily=True))
        next_meeting = shared["next"]
        next_excuse = data.excuses.get(next_meeting.pk) if next_meeting else None
        attendance = data.attendance
    else:
        next_meeting = shared["next"]
        next_excuse = member_excuse(scope, next_meeting.pk) if next_meeting else None
        attendance = None
    member = get_member_for_scope(scope)
    several_cells = len(scope.member_cell_ids) > 1
    return render(request, "meetings/home.html", {
        "member": member,
        "next_meeting": next_meeting,
        # Rendered by our own templates, escaped there.
        **{name: mark_safe(shared[name]) for name in ("next_html", "later_html", "resolutions_html")},
        "next_excuse": next_excuse,
        "next_excuse_to_confirm": bool(next_meeting and rules.excuse_needs_confirmation(next_excuse, next_meeting)),
        "can_excuse": bool(next_meeting and scope.member_id and excuses_open(next_meeting, now=now)),
        "excuse_form": ExcuseForm(),
        "attendance_html": mark_safe(_attendance_html(scope, member, several_cells, now=now, attendance=attendance)),
        # Superusers manage every cell; their shortcuts are the admin site, not a list of hundreds.
        "managed_cells": list(cells_managed(scope).order_by("name")) if scope.managed_cell_ids else [],
        "oversees": bool(scope.oversight) or scope.is_superuser,
    })
