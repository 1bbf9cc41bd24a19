"""The minutes (biên bản) and the resolution of a held meeting: write, vote, mark complete."""

import re
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from meetings import signals
from meetings.models import Meeting, Minutes
from meetings.roll_call_selectors import AttendanceSummary, attendance_summary, roll_call_sheet
from members.models import Member

# People type the whole reference ("12-BB/CB"); the number alone is kept, the suffix printed.
_NUMBER_SUFFIX = re.compile(r"\s*-?\s*(BB|NQ)\s*/\s*CB\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class VoteResult:
    votes_for: int
    votes_against: int
    votes_abstain: int
    official_summoned: int

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def held(self) -> bool:
        return self.total > 0

    @property
    def passed(self) -> bool:
        return vote_passes(votes_for=self.votes_for, official_summoned=self.official_summoned)

    @property
    def share_for(self) -> float | None:
        return 100 * self.votes_for / self.official_summoned if self.official_summoned else None


def vote_passes(*, votes_for: int, official_summoned: int) -> bool:
    """DOMAIN.md: a resolution passes with more than half of the official members summoned."""
    return official_summoned > 0 and 2 * votes_for > official_summoned


def vote_result(minutes: Minutes | None, summary: AttendanceSummary) -> VoteResult:
    if minutes is None:
        return VoteResult(0, 0, 0, summary.official_summoned)
    return VoteResult(minutes.votes_for, minutes.votes_against, minutes.votes_abstain, summary.official_summoned)


def minutes_problem(meeting: Meeting) -> str | None:
    """Why `meeting` cannot have minutes yet, or None."""
    if meeting.status == Meeting.Status.CANCELLED:
        return _("The meeting was cancelled; it has no minutes.")
    if meeting.roll_call_recorded_at is None:
        return _("Take the roll call first: the minutes are built on it.")
    return None


@transaction.atomic
def minutes_save(*, meeting: Meeting, actor=None, number: str = "", chair: Member | None = None,
                 minute_taker: Member | None = None, contents: str = "", opinions: str = "",
                 conclusions: str = "", votes_for: int = 0, votes_against: int = 0, votes_abstain: int = 0,
                 resolution: str = "") -> Minutes:
    """Write or correct the minutes. The chair and the minute-taker are chosen among the members
    present; the vote may not count more voters than the official members present. Complete
    minutes stay editable by the officers; every change is in the audit history."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = minutes_problem(meeting)
    if problem:
        raise ValidationError(problem)
    summary = attendance_summary(roll_call_sheet(meeting))
    attendee_ids = {row.member.pk for row in summary.attendees}
    errors = {}
    if chair is not None and chair.pk not in attendee_ids:
        errors["chair"] = _("The chair must be one of the members present.")
    if minute_taker is not None and minute_taker.pk not in attendee_ids:
        errors["minute_taker"] = _("The minute-taker must be one of the members present.")
    votes = (votes_for, votes_against, votes_abstain)
    if any(v is None or v < 0 for v in votes):
        errors[NON_FIELD_ERRORS] = _("Vote counts cannot be negative.")
    elif sum(votes) > summary.official_present:
        errors[NON_FIELD_ERRORS] = _(
            "%(total)s votes were counted, but only %(present)s official members were present."
        ) % {"total": sum(votes), "present": summary.official_present}
    if errors:
        raise ValidationError(errors)
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    minutes.number = _NUMBER_SUFFIX.sub("", number.strip())
    minutes.chair, minutes.minute_taker = chair, minute_taker
    minutes.contents, minutes.opinions, minutes.conclusions = contents.strip(), opinions.strip(), conclusions.strip()
    minutes.votes_for, minutes.votes_against, minutes.votes_abstain = votes
    minutes.resolution = resolution.strip()
    minutes.updated_by = actor
    minutes.full_clean(exclude=["meeting", "chair", "minute_taker", "updated_by"])
    with audit_context(actor):
        minutes.save()
    return minutes


@transaction.atomic
def minutes_finalize(*, meeting: Meeting, actor=None) -> Minutes:
    """Mark the minutes complete (once: "within 2 days" is measured on this moment)."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Save the minutes before marking them complete."))
    if minutes.finalized_at is not None:
        return minutes
    missing = {}
    if minutes.chair_id is None:
        missing["chair"] = _("Choose the chair before marking the minutes complete.")
    if minutes.minute_taker_id is None:
        missing["minute_taker"] = _("Choose the minute-taker before marking the minutes complete.")
    if not minutes.contents:
        missing["contents"] = _("Write the contents of the meeting before marking the minutes complete.")
    if missing:
        raise ValidationError(missing)
    minutes.finalized_at = timezone.now()
    minutes.updated_by = actor
    with audit_context(actor):
        minutes.save(update_fields=["finalized_at", "updated_by", "updated_at"])
    signals.minutes_finalized.send(sender=Meeting, meeting_id=meeting.pk, cell_id=meeting.cell_id)
    return minutes
