"""The roll call: who came, who was excused, who was absent without reason."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from meetings import signals
from meetings.models import Attendance, Meeting, RollCallSubmission
from meetings.selectors import exempt_members, summoned_members

ROLL_CALL_OPENS_BEFORE = dt.timedelta(hours=1)
# Keys are made by the sender (a browser's random UUID, or the server for the plain form).
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# A status of "" clears a member's mark: a correction, e.g. an exempt member marked present by mistake.
CLEAR = ""


def roll_call_problem(meeting: Meeting, *, now: dt.datetime | None = None) -> str | None:
    """Why the roll call of `meeting` cannot be taken now, or None when it can."""
    now = now or timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        return _("The meeting was cancelled; there is no roll call.")
    if meeting.starts_at - ROLL_CALL_OPENS_BEFORE > now:
        return _("The roll call opens one hour before the meeting starts.")
    return None


@transaction.atomic
def attendance_record(*, meeting: Meeting, entries: dict[int, tuple[str, str]], actor=None,
                      idempotency_key: str = "") -> list[Attendance]:
    """Record or correct the roll call: {member_id: (status, reason)}.

    Idempotent twice over. Sending the same roll call again leaves the same rows; and a
    submission carrying an `idempotency_key` already received is not applied again at all,
    so a retry that arrives after a later correction cannot undo it. Members not named keep
    what was recorded before. Only summoned members, and exempt members marked present, may
    be named; on any error nothing is written.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # one roll call at a time
    if idempotency_key:
        if not IDEMPOTENCY_KEY.match(idempotency_key):
            raise ValidationError(_("The submission key is not valid; reload the page and try again."))
        if RollCallSubmission.objects.filter(meeting=meeting, key=idempotency_key).exists():
            return list(meeting.attendances.all())
    problem = roll_call_problem(meeting)
    if problem:
        raise ValidationError(problem)
    summoned = {m.pk: m for m in summoned_members(meeting)}
    exempt = {m.pk: m for m in exempt_members(meeting)}
    errors = []
    for member_id, (status, _reason) in entries.items():
        member = summoned.get(member_id) or exempt.get(member_id)
        if status != CLEAR and status not in Attendance.Status.values:
            errors.append(_("Unknown attendance value “%(value)s”.") % {"value": status})
        elif member is None:
            errors.append(_("Member #%(id)s is not summoned to this meeting.") % {"id": member_id})
        elif member_id in exempt and status not in (Attendance.Status.PRESENT, CLEAR):
            errors.append(_("Comrade %(name)s is exempt from activity and can only be recorded as present.")
                          % {"name": member.full_name})
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    existing = {a.member_id: a for a in meeting.attendances.all()}
    rows, cleared = [], []
    for member_id, (status, reason) in entries.items():
        before = existing.get(member_id)
        if status == CLEAR:
            if before is not None:
                cleared.append(before.pk)
            continue
        reason = (reason or "").strip()[:255] if status == Attendance.Status.EXCUSED else ""
        if before is not None and (before.status, before.reason) == (status, reason):
            continue  # unchanged: a repeated submission writes nothing
        rows.append(Attendance(
            meeting=meeting, member_id=member_id, status=status, reason=reason,
            was_official=(summoned.get(member_id) or exempt[member_id]).is_official,
            recorded_by=actor, recorded_at=now,
        ))
    with audit_context(actor):
        if idempotency_key:
            RollCallSubmission.objects.create(meeting=meeting, key=idempotency_key, submitted_by=actor,
                                              received_at=now)
        if not rows and not cleared and meeting.status == Meeting.Status.HELD:
            return list(existing.values())
        if cleared:
            Attendance.objects.filter(pk__in=cleared).delete()
        if rows:
            Attendance.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["meeting", "member"],
                update_fields=["status", "reason", "was_official", "recorded_by", "recorded_at"],
            )
        meeting.roll_call_recorded_at = now
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["roll_call_recorded_at", "status", "updated_at"])
    signals.roll_call_saved.send(sender=Meeting, meeting_id=meeting.pk, cell_id=meeting.cell_id)
    return list(meeting.attendances.all())
