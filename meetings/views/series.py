"""The regular meeting series of a cell: set up, regenerate, stop."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cells.selectors import organization_settings
from meetings.forms import SeriesForm, apply_service_errors
from meetings.models import MeetingSeries
from meetings.selectors import get_cell_for_officer_pages, series_meetings
from meetings.services.series import (
    LEFT_BY_HAND,
    LEFT_CANCELLED,
    LEFT_HELD,
    LEFT_PAST,
    LEFT_POSTPONED,
    SeriesChange,
    series_deactivate,
    series_generate,
    series_set_up,
)
from members.access import can_manage_cell, get_cell_for_manager, scope_for


def _left_labels() -> dict[str, str]:
    return {
        LEFT_HELD: _("already held"),
        LEFT_POSTPONED: _("postponed"),
        LEFT_CANCELLED: _("cancelled"),
        LEFT_BY_HAND: _("scheduled or changed by hand"),
        LEFT_PAST: _("already started or past"),
    }


def series_change_messages(change: SeriesChange, *, replaced: bool) -> list[str]:
    """What the set-up did, meeting by meeting counted: nothing is left out silently."""
    created = len(change.created)
    if replaced:
        moved = len(change.moved) + len(change.kept_date)
        lines = [ngettext(
            "The regular series is changed: %(moved)s meeting moved to the new day, time and place",
            "The regular series is changed: %(moved)s meetings moved to the new day, time and place", moved,
        ) % {"moved": moved} + ngettext("; %(count)s meeting added.", "; %(count)s meetings added.", created)
            % {"count": created}]
        if change.kept_date:
            lines.append(ngettext(
                "%(count)s meeting keeps its date (the new day has passed this month) and takes the new time "
                "and place.",
                "%(count)s meetings keep their date (the new day has passed this month) and take the new time "
                "and place.", len(change.kept_date)) % {"count": len(change.kept_date)})
        if moved:
            lines.append(_("Members are told of each change a few minutes from now."))
    else:
        count = created + len(change.moved) + len(change.unchanged)
        lines = [ngettext(
            "The regular series is set up: %(count)s meeting is on the calendar.",
            "The regular series is set up: %(count)s meetings are on the calendar.", count,
        ) % {"count": count}]
    if change.left:
        labels = _left_labels()
        parts = [f"{labels[reason]}: {len(change.left[reason])}" for reason in labels if reason in change.left]
        lines.append(_("Left as they were: %(list)s.") % {"list": "; ".join(parts)})
    return lines


@login_required
def meeting_series(request, cell_id):
    scope = scope_for(request.user)
    # Committees above may read the series; only the cell's officers may change it (404 otherwise).
    if request.method == "POST":
        cell = get_cell_for_manager(scope, cell_id)
    else:
        cell = get_cell_for_officer_pages(scope, cell_id)
    can_manage = can_manage_cell(scope, cell)
    active = MeetingSeries.objects.filter(cell=cell, is_active=True).first()
    inherited = organization_settings(cell)
    if request.method == "POST":
        form = SeriesForm(request.POST)
        if form.is_valid():
            try:
                change = series_set_up(cell=cell, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, " ".join(series_change_messages(change, replaced=active is not None)))
                return redirect("meeting_series", cell_id=cell.public_id)
    else:
        form = SeriesForm(initial={
            "day_of_month": active.day_of_month if active else inherited.regular_meeting_day,
            "start_time": active.start_time if active else inherited.regular_meeting_time,
            "duration_minutes": active.duration_minutes if active else 90,
            "place": active.place if active else cell.address,
        })
    return render(request, "meetings/series.html", {
        "cell": cell,
        "form": form,
        "active": active,
        "inherited": inherited,
        "meetings": series_meetings(cell, now=timezone.now()),
        "can_manage": can_manage,
        "section": "series",
    })


@login_required
@require_POST
def series_regenerate(request, cell_id):
    cell = get_cell_for_manager(scope_for(request.user), cell_id)
    active = MeetingSeries.objects.filter(cell=cell, is_active=True).first()
    if active is None:
        messages.error(request, _("Set up the regular series first."))
    else:
        try:
            created = series_generate(series=active, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if created:
                messages.success(request, ngettext(
                    "%(count)s meeting added.", "%(count)s meetings added.", len(created)) % {"count": len(created)})
            else:
                messages.info(request, _("Every month already has its regular meeting; nothing was added."))
    return redirect("meeting_series", cell_id=cell.public_id)


@login_required
@require_POST
def series_stop(request, cell_id):
    cell = get_cell_for_manager(scope_for(request.user), cell_id)
    active = MeetingSeries.objects.filter(cell=cell, is_active=True).first()
    if active is not None:
        series_deactivate(series=active, actor=request.user)
        messages.success(request, _("The regular series is stopped. Meetings already scheduled stay; "
                                    "change or cancel each one as needed."))
    return redirect("meeting_series", cell_id=cell.public_id)
