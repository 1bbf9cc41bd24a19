"""The roll call: who came, who was excused, who was absent without reason."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from meetings import followups, rules
from meetings.models import Attendance, Meeting, RollCallSubmission

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

    The first save freezes who was summoned and as what (meetings.rules.summon_list): one
    row per summoned member, "unmarked" until marked, and one per exempt member recorded
    present. Later roster changes (an import, a member added or backdated, an exemption)
    never alter a held meeting: corrections only change the marks of the frozen rows.

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
    existing = {a.member_id: a for a in meeting.attendances.select_related("member")}
    frozen = rules.is_frozen(meeting)
    if frozen:
        roster = {a.member_id: (a.member, a.basis) for a in existing.values()}
        for member in rules.exempt_members(meeting):
            roster.setdefault(member.pk, (member, Attendance.Basis.EXEMPT))
    else:
        roster = {member.pk: (member, basis) for member, basis in rules.summon_list(meeting)}
    errors = []
    for member_id, (status, _reason) in entries.items():
        member, basis = roster.get(member_id, (None, None))
        if status != CLEAR and status not in rules.MARKS:
            errors.append(_("Unknown attendance value “%(value)s”.") % {"value": status})
        elif member is None:
            errors.append(_("Member #%(id)s is not summoned to this meeting.") % {"id": member_id})
        elif basis == Attendance.Basis.EXEMPT and status not in (Attendance.Status.PRESENT, CLEAR):
            errors.append(_("Comrade %(name)s is exempt from activity and can only be recorded as present.")
                          % {"name": member.full_name})
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    rows, cleared = [], []
    # Every summoned member gets a row at the first save (the frozen summons).
    wanted = {} if frozen else {
        member_id: (Attendance.Status.UNMARKED, "")
        for member_id, (_member, basis) in roster.items() if basis in rules.SUMMONED_BASES
    }
    wanted.update(entries)
    for member_id, (status, reason) in wanted.items():
        member, basis = roster[member_id]
        before = existing.get(member_id)
        if status == CLEAR:
            if basis == Attendance.Basis.EXEMPT:
                if before is not None:
                    cleared.append(before.pk)  # an exempt member not there after all
                continue
            status = Attendance.Status.UNMARKED
        reason = (reason or "").strip()[:255] if status == Attendance.Status.EXCUSED else ""
        if before is not None and (before.status, before.reason) == (status, reason):
            continue  # unchanged: a repeated submission writes nothing
        rows.append(Attendance(
            meeting=meeting, member_id=member_id, status=status, reason=reason, basis=basis,
            # The vote base is a snapshot too: kept from the first save.
            was_official=before.was_official if before is not None else member.is_official,
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
                rows, update_conflicts=True, unique_fields=["meeting", "member", "year"],
                update_fields=["status", "reason", "recorded_by", "recorded_at"],
            )
        meeting.roll_call_recorded_at = meeting.roll_call_recorded_at or now
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["roll_call_recorded_at", "status", "updated_at"])
    followups.roll_call_saved(meeting.pk, cell_id=meeting.cell_id)
    return list(meeting.attendances.all())
