"""The officers' pages of a cell: its home with the to-do list, and its meetings.

The home's summary and to-do list (next meeting, last regular meeting, to-dos, members summoned,
active series) are kept per cell, language and variant (meetings/page_cache.py) under the cell's
token. The services that change what they show drop it: the meetings services (scheduling, roll
call, minutes, documents, drafts, excuses), the series (set up, stopped), the fee sheets (members
at risk for unpaid fees), the members services (new records, records changed, status steps,
temporary transfers in and out, roles, the roster import) and the tree's merges and splits. A
kept home ends by itself at `CellHome.changes_at`: a listed meeting starts or ends, a deadline for
documents or minutes passes, midnight (what is counted from today: probation, members at risk,
what is to be scheduled). A write outside the services (a member's record changed in the admin
site, a fix in a shell) shows after page_cache.MAX_AGE at most.
"""

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
    can_manage = can_manage_cell(scope, cell)
    # The summary and the to-do list are alike for the cell's officers (and, read only, for the
    # committees above): kept per cell and variant until a write or the clock changes them.
    slot = page_cache.slot("cell_home", [cell.pk], can_manage)
    shared = slot.get()
    if shared is None:
        home = cell_home_data(cell, now=timezone.now())
        shared = {"body_html": render_to_string("meetings/partials/cell_home_body.html", {
            "cell": cell, "home": home, "can_manage": can_manage,
        })}
        slot.put(shared, until=home.changes_at)
    return render(request, "meetings/cell_home.html", {
        "cell": cell,
        "body_html": mark_safe(shared["body_html"]),  # rendered by our own template, escaped there
        "can_manage": can_manage,
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
