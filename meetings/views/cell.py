"""The officers' pages of a cell: its home with the to-do list, and its meetings."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from meetings import page_cache
from meetings.selectors import cell_home as cell_home_data
from meetings.selectors import cell_meetings as cell_meetings_data
from meetings.selectors import get_cell_for_officer_pages
from members.access import can_manage_cell, get_cell_for_viewer, scope_for

PAST_PER_PAGE = 20


@login_required
def cell_home(request, cell_id):
    scope = scope_for(request.user)
    cell = get_cell_for_officer_pages(scope, cell_id)
    return render(request, "meetings/cell_home.html", {
        "cell": cell,
        "home": cell_home_data(cell, now=timezone.now()),
        "can_manage": can_manage_cell(scope, cell),
        "section": "home",
    })


@login_required
def cell_meetings(request, cell_id):
    scope = scope_for(request.user)
    cell = get_cell_for_viewer(scope, cell_id)
    can_manage = can_manage_cell(scope, cell)
    number = request.GET.get("page", "")
    # The lists are alike for every member (officers get the roll-call links): kept per cell, for the
    # pages a link offers (a page number someone typed is rendered, not kept).
    slot = page_cache.slot("cell_meetings", [cell.pk], number, can_manage) if len(number) <= 4 else page_cache.Slot(None)
    shared = slot.get()
    if shared is None:
        now = timezone.now()
        upcoming, past = cell_meetings_data(cell, now=now)
        shared = {"meetings_html": render_to_string("meetings/partials/cell_meetings_list.html", {
            "upcoming": upcoming,
            "past_page": Paginator(past, PAST_PER_PAGE).get_page(number),
            "can_manage": can_manage,
        })}
        slot.put(shared, until=page_cache.next_change(upcoming, now=now))
    return render(request, "meetings/cell_meetings.html", {
        "cell": cell,
        "meetings_html": mark_safe(shared["meetings_html"]),  # rendered by our own template, escaped there
        "can_manage": can_manage,
        "is_officer_view": can_manage or scope.oversees_path(cell.path) or scope.is_superuser,
        "section": "meetings",
    })
