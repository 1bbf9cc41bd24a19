"""The member's own reminder lead times: chosen among those the home cell allows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cells.forms import lead_time_label
from meetings.forms import ReminderChoiceForm, apply_service_errors
from meetings.selectors import get_member_for_scope, reminder_choices_of
from meetings.services.reminders import reminder_choice_clear, reminder_choice_save
from members.access import scope_for


def _labels(minutes) -> list[str]:
    return [lead_time_label(m) for m in minutes]


@login_required
def reminder_settings(request):
    """Only ever the signed-in member's own choice: the page takes no one else's id."""
    member = get_member_for_scope(scope_for(request.user))
    choices = reminder_choices_of(member) if member is not None else None
    if choices is None:
        if request.method == "POST":
            raise Http404
        return render(request, "meetings/reminder_settings.html", {"choices": None})
    form = ReminderChoiceForm(request.POST if request.method == "POST" else None, allowed=choices.allowed,
                              initial={"offsets_minutes": [m for m in choices.effective if m in choices.allowed]})
    if request.method == "POST":
        if "default" in request.POST:
            reminder_choice_clear(member=member, actor=request.user)
            messages.success(request, _("You are reminded as your cell sets for everyone."))
            return redirect("reminder_settings")
        if form.is_valid():
            try:
                reminder_choice_save(member=member, offsets_minutes=form.cleaned_data["offsets_minutes"],
                                     actor=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your reminders are saved."))
                return redirect("reminder_settings")
    return render(request, "meetings/reminder_settings.html", {
        "choices": choices, "form": form,
        "effective": _labels(choices.effective), "default": _labels(choices.default),
        "on_default": choices.chosen is None,
        "dropped": _labels(m for m in choices.chosen or () if m not in choices.allowed),
    })
