"""Scheduling pages: a new meeting, and changing, postponing or cancelling one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.forms import CancelForm, MeetingEditForm, MeetingForm, PostponeForm, apply_service_errors
from meetings.selectors import get_meeting_for_manager
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule, meeting_update
from members.access import get_cell_for_manager, scope_for


@login_required
def meeting_new(request, cell_id):
    cell = get_cell_for_manager(scope_for(request.user), cell_id)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = meeting_schedule(
                    cell=cell, kind=data["kind"], title=data["title"].strip(), starts_at=data["starts_at"],
                    ends_at=data["ends_at"], place=data["place"].strip(), agenda=data["agenda"].strip(),
                    actor=request.user,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is scheduled. Post its documents at least a day before."))
                return redirect("meeting_detail", meeting_id=meeting.public_id)
    else:
        form = MeetingForm(initial={"kind": request.GET.get("kind", "thematic"), "place": cell.address})
    return render(request, "meetings/meeting_new.html", {"cell": cell, "form": form, "section": "meetings"})


def _manager_meeting(request, meeting_id):
    return get_meeting_for_manager(scope_for(request.user), meeting_id)


def _closed(request, meeting):
    messages.error(request, _("This meeting was held or cancelled; it can no longer be changed."))
    return redirect("meeting_detail", meeting_id=meeting.public_id)


@login_required
def meeting_edit(request, meeting_id):
    meeting = _manager_meeting(request, meeting_id)
    if not meeting.is_open:
        return _closed(request, meeting)
    if request.method == "POST":
        form = MeetingEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting_update(
                    meeting=meeting, title=data["title"].strip(), starts_at=data["starts_at"],
                    ends_at=data["ends_at"], place=data["place"].strip(), agenda=data["agenda"].strip(),
                    actor=request.user,
                )
            except ValidationError as error:
                meeting.refresh_from_db()  # the service had started changing the instance
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is updated; members' calendars will follow."))
                return redirect("meeting_detail", meeting_id=meeting.public_id)
    else:
        form = MeetingEditForm(initial=MeetingEditForm.initial_for(meeting))
    return render(request, "meetings/meeting_change.html", {
        "meeting": meeting, "cell": meeting.cell, "form": form, "mode": "edit", "section": "meetings",
    })


@login_required
def meeting_postpone_view(request, meeting_id):
    meeting = _manager_meeting(request, meeting_id)
    if not meeting.is_open:
        return _closed(request, meeting)
    if request.method == "POST":
        form = PostponeForm(request.POST)
        if form.is_valid():
            try:
                meeting_postpone(meeting=meeting, starts_at=form.cleaned_data["starts_at"],
                                 reason=form.cleaned_data["reason"], actor=request.user)
            except ValidationError as error:
                meeting.refresh_from_db()
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is postponed. Members see the new time and the reason."))
                return redirect("meeting_detail", meeting_id=meeting.public_id)
    else:
        local = timezone.localtime(meeting.starts_at)
        form = PostponeForm(initial={"start_time": local.time()})
    return render(request, "meetings/meeting_change.html", {
        "meeting": meeting, "cell": meeting.cell, "form": form, "mode": "postpone", "section": "meetings",
    })


@login_required
def meeting_cancel_view(request, meeting_id):
    meeting = _manager_meeting(request, meeting_id)
    if not meeting.is_open:
        return _closed(request, meeting)
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"], actor=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is cancelled. Members see the reason."))
                return redirect("meeting_detail", meeting_id=meeting.public_id)
    else:
        form = CancelForm()
    return render(request, "meetings/meeting_change.html", {
        "meeting": meeting, "cell": meeting.cell, "form": form, "mode": "cancel", "section": "meetings",
    })
