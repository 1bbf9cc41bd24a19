"""Advance excuses: a member says before the meeting why they cannot come."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from common.cell_versions import cells_changed
from meetings.models import AbsenceExcuse, Meeting
from members.models import CellMembership, Member

REASON_MAX_LENGTH = 255


def excuses_open(meeting: Meeting, *, now: dt.datetime | None = None) -> bool:
    return meeting.is_open and (now or timezone.now()) < meeting.starts_at


def _check_open(meeting: Meeting, member: Member, now: dt.datetime) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting was cancelled; there is nothing to excuse."))
    if not excuses_open(meeting, now=now):
        raise ValidationError(_("The meeting has already started or taken place; an advance excuse is "
                                "no longer possible. Tell the secretary directly."))
    if not CellMembership.objects.current(timezone.localdate(now)).filter(member=member, cell_id=meeting.cell_id).exists():
        raise ValidationError(_("Only members of the cell can excuse themselves from its meeting."))


@transaction.atomic
def excuse_submit(*, meeting: Meeting, member: Member, reason: str, actor=None,
                  now: dt.datetime | None = None) -> AbsenceExcuse:
    """Excuse oneself in advance, or change the reason; a withdrawn excuse comes back."""
    now = now or timezone.now()
    _check_open(meeting, member, now)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason you cannot attend.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("Keep the reason under %(limit)s characters.") % {"limit": REASON_MAX_LENGTH}})
    excuse = AbsenceExcuse.objects.select_for_update().filter(meeting=meeting, member=member).first()
    with audit_context(actor):
        if excuse is None:
            excuse = AbsenceExcuse(meeting=meeting, member=member, reason=reason, created_at=now,
                                   confirmed_for=meeting.starts_at)
            excuse.save()
        elif (excuse.reason != reason or excuse.withdrawn_at is not None
              or excuse.confirmed_for != meeting.starts_at):
            # Sending it again after the meeting moved confirms it for the new time.
            excuse.reason, excuse.withdrawn_at, excuse.created_at = reason, None, now
            excuse.confirmed_for = meeting.starts_at
            excuse.save(update_fields=["reason", "withdrawn_at", "created_at", "confirmed_for"])
    cells_changed([meeting.cell_id])  # the meeting list counts the excuses
    return excuse


@transaction.atomic
def excuse_withdraw(*, meeting: Meeting, member: Member, actor=None, now: dt.datetime | None = None) -> None:
    """"I can come after all": the excuse stays on record as withdrawn."""
    now = now or timezone.now()
    _check_open(meeting, member, now)
    with audit_context(actor):
        AbsenceExcuse.objects.filter(meeting=meeting, member=member, withdrawn_at__isnull=True).update(withdrawn_at=now)
    cells_changed([meeting.cell_id])
