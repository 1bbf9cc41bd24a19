"""The roll-call screen: one tap per member, saved at once by static/js/roll-call.js, or
with the plain form when there is no JavaScript. Both carry an idempotency key."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from meetings.models import Attendance
from meetings.roll_call_selectors import RollCallSheet, attendance_summary, meeting_for_roll_call, roll_call_sheet
from meetings.rules import MARKS
from meetings.services.roll_call import attendance_record, roll_call_problem
from members.access import scope_for

STATUS_PREFIX, REASON_PREFIX = "status-", "reason-"


def _entries_from_post(post, sheet: RollCallSheet) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """{member id: (status, reason)} from the `status-<member uuid>` fields, and the errors.
    Someone not on the sheet is refused without a name: the secretary may not see who it is."""
    rows = sheet.by_public_id()
    entries, errors = {}, []
    for key, status in post.items():
        if not key.startswith(STATUS_PREFIX):
            continue
        public_id = key.removeprefix(STATUS_PREFIX)
        row = rows.get(public_id)
        if row is None:
            errors.append(_("The roll call named someone who is not summoned to this meeting; nothing was saved."))
            continue
        entries[row.member.pk] = (status, post.get(REASON_PREFIX + public_id, ""))
    if post.get("all_present"):
        for row in sheet.summoned:
            if not row.saved_status:  # members already marked keep their mark
                entries.setdefault(row.member.pk, (Attendance.Status.PRESENT, ""))
    return entries, list(dict.fromkeys(errors))


def _saved_state(sheet: RollCallSheet) -> dict[str, dict[str, str]]:
    return {str(row.member.public_id): {"status": row.saved_status, "reason": row.saved_reason}
            for row in sheet.rows()}


@login_required
@require_http_methods(["GET", "POST"])
def roll_call(request, meeting_id):
    scope = scope_for(request.user)
    meeting, can_write = meeting_for_roll_call(scope, meeting_id)
    sheet = roll_call_sheet(meeting)
    errors = []
    if request.method == "POST":
        if not can_write:
            raise Http404
        entries, errors = _entries_from_post(request.POST, sheet)
        if not errors:
            try:
                attendance_record(meeting=meeting, entries=entries, actor=request.user,
                                  idempotency_key=request.POST.get("idempotency_key", "").strip())
            except ValidationError as exc:
                errors = exc.messages
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({
                "ok": not errors,
                "errors": errors,
                "saved": _saved_state(roll_call_sheet(meeting) if not errors else sheet),
                "saved_at": timezone.localtime().strftime("%H:%M"),
            }, status=400 if errors else 200)
        if not errors:
            messages.success(request, _("The roll call is saved."))
            return redirect("roll_call", meeting_id=meeting.public_id)
        # Refused: show the page again with every choice as it was typed.
        for public_id, row in sheet.by_public_id().items():
            if STATUS_PREFIX + public_id in request.POST:
                row.typed = (request.POST[STATUS_PREFIX + public_id], request.POST.get(REASON_PREFIX + public_id, ""))
    return render(request, "meetings/roll_call.html", {
        "meeting": meeting,
        "sheet": sheet,
        "summary": attendance_summary(sheet, as_shown=True),
        "problem": roll_call_problem(meeting),
        "can_write": can_write,
        "errors": errors,
        "idempotency_key": request.POST.get("idempotency_key") if errors else uuid.uuid4().hex,
        # "Not marked" is no option: a member not marked yet has no option chosen.
        "statuses": [(value, label) for value, label in Attendance.Status.choices if value in MARKS],
    }, status=400 if errors else 200)
