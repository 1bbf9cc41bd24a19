"""Minutes and resolution: the officers' form, the A4 print page and the PDF download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from meetings import rules
from meetings.minutes_document import document_context, render_pdf
from meetings.minutes_forms import MinutesAmendForm, MinutesForm
from meetings.models import DraftResolution
from meetings.roll_call_selectors import (
    attendance_summary,
    meeting_for_minutes,
    minutes_amendments,
    reads_absence_reasons,
    roll_call_sheet,
    roll_call_signers,
)
from meetings.services.minutes import (
    FAILED_VOTE,
    minutes_amend,
    minutes_finalize,
    minutes_problem,
    minutes_save,
    vote_result,
)
from members.access import scope_for
from members.models import Role


def _initial(meeting, minutes, summary) -> dict:
    if minutes is not None:
        return {
            "number": minutes.number, "chair": minutes.chair.public_id if minutes.chair else "",
            "minute_taker": minutes.minute_taker.public_id if minutes.minute_taker else "",
            "contents": minutes.contents, "opinions": minutes.opinions, "conclusions": minutes.conclusions,
            "votes_for": minutes.votes_for, "votes_against": minutes.votes_against,
            "votes_abstain": minutes.votes_abstain, "resolution": minutes.resolution,
        }
    # First visit: the secretary chairs if present; the agenda and the draft resolution start the text.
    secretary_ids = {member_id for member_id, role, _name in roll_call_signers(meeting) if role == Role.SECRETARY}
    chair = next((row.member for row in summary.attendees if row.member.pk in secretary_ids), None)
    draft = DraftResolution.objects.filter(meeting=meeting).values_list("text", flat=True).first()
    return {"chair": chair.public_id if chair else "", "contents": meeting.agenda, "resolution": draft or ""}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(None if field == NON_FIELD_ERRORS or field not in form.fields else field, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, meeting_id):
    scope = scope_for(request.user)
    meeting, minutes, can_write = meeting_for_minutes(scope, meeting_id)
    if request.method == "POST" and not can_write:
        raise Http404
    summary = attendance_summary(roll_call_sheet(meeting))
    problem = minutes_problem(meeting)
    form, status, confirm_failed_vote = None, 200, False
    if can_write and not problem:
        attendees = [row.member for row in summary.attendees]
        finished = minutes is not None and minutes.finalized_at is not None
        # Finished minutes are never edited in place: the form records an amendment.
        form_class = MinutesAmendForm if finished else MinutesForm
        if request.method == "POST":
            form = form_class(request.POST, attendees=attendees)
            # The confirmation button of a failed vote finishes the minutes too.
            confirmed = request.POST.get("confirm_failed_vote") == "1"
            finalize = not finished and ("finalize" in request.POST or confirmed)
            if form.is_valid():
                try:
                    if finished:
                        amendment = minutes_amend(meeting=meeting, actor=request.user,
                                                  reason=form.cleaned_data["reason"], **form.service_arguments())
                    else:
                        minutes = minutes_save(meeting=meeting, actor=request.user, **form.service_arguments())
                        if finalize:
                            minutes_finalize(meeting=meeting, actor=request.user, confirm_failed_vote=confirmed)
                except ValidationError as exc:
                    # A failed vote: the page asks for the confirmation, the form as typed.
                    confirm_failed_vote = getattr(exc, "code", None) == FAILED_VOTE
                    _add_errors(form, exc)
                else:
                    if finished:
                        messages.success(request, _("Amendment No. %(number)s to the minutes is recorded.")
                                         % {"number": amendment.number})
                    else:
                        messages.success(request, _("The minutes are complete.") if finalize
                                         else _("The minutes are saved."))
                    return redirect("minutes_edit", meeting_id=meeting.public_id)
            status = 400
        else:
            form = form_class(initial=_initial(meeting, minutes, summary), attendees=attendees)
    elif request.method == "POST":
        messages.error(request, problem)
        status = 400
    state = rules.minutes_state(meeting, finalized_at=minutes.finalized_at if minutes else None, now=timezone.now())
    return render(request, "meetings/minutes_edit.html", {
        "meeting": meeting,
        "minutes": minutes,
        "summary": summary,
        "show_reasons": reads_absence_reasons(scope, meeting),
        "vote": vote_result(minutes, summary),
        "form": form,
        "problem": problem,
        "can_write": can_write,
        "due": rules.minutes_due_at(meeting),
        "late": state == rules.LATE,
        "overdue": state == rules.MISSING,
        "amendments": minutes_amendments(minutes),
        "confirm_failed_vote": confirm_failed_vote,
    }, status=status)


def _document_meeting(request, meeting_id):
    """The meeting, its minutes and whether the reader may see the reasons of absences."""
    scope = scope_for(request.user)
    meeting, minutes, _can_write = meeting_for_minutes(scope, meeting_id)
    if minutes_problem(meeting):
        raise Http404  # no roll call, or cancelled: there is no document to print
    return meeting, minutes, reads_absence_reasons(scope, meeting)


@login_required
@require_GET
def minutes_print(request, meeting_id):
    meeting, minutes, show_reasons = _document_meeting(request, meeting_id)
    return render(request, "meetings/minutes_print.html", document_context(meeting, minutes, show_reasons=show_reasons))


@login_required
@require_GET
def minutes_pdf(request, meeting_id):
    meeting, minutes, show_reasons = _document_meeting(request, meeting_id)
    day = timezone.localdate(meeting.starts_at)
    response = HttpResponse(render_pdf(meeting, minutes, show_reasons=show_reasons), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{day:%Y-%m-%d}-{meeting.public_id.hex[:8]}.pdf"'
    return response
