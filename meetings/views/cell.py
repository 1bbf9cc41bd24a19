"""The officers' pages of a cell: its home with the to-do list, and its meetings."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

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
    upcoming, past = cell_meetings_data(cell, now=timezone.now())
    page = Paginator(past, PAST_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = can_manage_cell(scope, cell)
    return render(request, "meetings/cell_meetings.html", {
        "cell": cell,
        "upcoming": upcoming,
        "past_page": page,
        "can_manage": can_manage,
        "is_officer_view": can_manage or scope.oversees_path(cell.path) or scope.is_superuser,
        "section": "meetings",
    })
