"""The member's home: the next meeting at a glance, excuses, attendance, resolutions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from meetings import rules
from meetings.forms import ExcuseForm
from meetings.selectors import get_member_for_scope, member_home
from meetings.services.excuses import excuses_open
from members.access import cells_managed, scope_for


@login_required
def home(request):
    scope = scope_for(request.user)
    now = timezone.now()
    data = member_home(scope, now=now)
    next_meeting = data.upcoming[0] if data.upcoming else None
    next_excuse = data.excuses.get(next_meeting.pk) if next_meeting else None
    return render(request, "meetings/home.html", {
        "member": get_member_for_scope(scope),
        "next_meeting": next_meeting,
        "later_meetings": data.upcoming[1:],
        "next_excuse": next_excuse,
        "next_excuse_to_confirm": bool(next_meeting and rules.excuse_needs_confirmation(next_excuse, next_meeting)),
        "can_excuse": bool(next_meeting and scope.member_id and excuses_open(next_meeting, now=now)),
        "excuse_form": ExcuseForm(),
        "attendance": data.attendance,
        "resolutions": data.resolutions,
        "several_cells": len(scope.member_cell_ids) > 1,
        # Superusers manage every cell; their shortcuts are the admin site, not a list of hundreds.
        "managed_cells": list(cells_managed(scope).order_by("name")) if scope.managed_cell_ids else [],
        "oversees": bool(scope.oversight) or scope.is_superuser,
    })
