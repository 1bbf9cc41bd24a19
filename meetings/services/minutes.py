"""The minutes (biên bản) and the resolution of a held meeting: write, vote, mark complete,
and amend once complete (finished minutes are never edited in place)."""

import re
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_context
from common.numbers import percent
from meetings import followups, rules
from meetings.models import Meeting, Minutes, MinutesAmendment
from meetings.roll_call_selectors import AttendanceSummary, attendance_summary, roll_call_sheet
from members.models import Member

# People type the whole reference ("12-BB/CB"); the number alone is kept, the suffix printed.
_NUMBER_SUFFIX = re.compile(r"\s*-?\s*(BB|NQ)\s*/\s*CB\s*$", re.IGNORECASE)
# What the secretary writes; an amendment may change any of it.
FIELDS = ("number", "chair", "minute_taker", "contents", "opinions", "conclusions",
          "votes_for", "votes_against", "votes_abstain", "resolution")
# Finishing minutes whose vote failed needs this confirmation (the view's second POST field).
FAILED_VOTE = "failed_vote"


@dataclass(frozen=True)
class VoteResult:
    """The vote on the draft resolution, against the vote base (official members summoned,
    frozen at the roll call); whether it passed is meetings.rules.vote_passes."""

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
        return rules.vote_passes(votes_for=self.votes_for, official_summoned=self.official_summoned)

    @property
    def failed(self) -> bool:
        """A vote was held and the draft was not adopted: it is not printed as a resolution."""
        return self.held and not self.passed

    @property
    def share_for(self):
        return percent(self.votes_for, self.official_summoned)


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


def _check(meeting: Meeting, *, chair: Member | None, minute_taker: Member | None, votes: tuple) -> None:
    """The chair and the minute-taker are among the members present; the vote counts no
    more voters than the official members present."""
    summary = attendance_summary(roll_call_sheet(meeting))
    attendee_ids = {row.member.pk for row in summary.attendees}
    errors = {}
    if chair is not None and chair.pk not in attendee_ids:
        errors["chair"] = _("The chair must be one of the members present.")
    if minute_taker is not None and minute_taker.pk not in attendee_ids:
        errors["minute_taker"] = _("The minute-taker must be one of the members present.")
    if any(v is None or v < 0 for v in votes):
        errors[NON_FIELD_ERRORS] = _("Vote counts cannot be negative.")
    elif sum(votes) > summary.official_present:
        errors[NON_FIELD_ERRORS] = _(
            "%(total)s votes were counted, but only %(present)s official members were present."
        ) % {"total": sum(votes), "present": summary.official_present}
    if errors:
        raise ValidationError(errors)


def _cleaned(values: dict) -> dict:
    """The fields as stored: the number without its suffix, texts trimmed."""
    values = dict(values)
    if "number" in values:
        values["number"] = _NUMBER_SUFFIX.sub("", (values["number"] or "").strip())
    for name in ("contents", "opinions", "conclusions", "resolution"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


@transaction.atomic
def minutes_save(*, meeting: Meeting, actor=None, number: str = "", chair: Member | None = None,
                 minute_taker: Member | None = None, contents: str = "", opinions: str = "",
                 conclusions: str = "", votes_for: int = 0, votes_against: int = 0, votes_abstain: int = 0,
                 resolution: str = "") -> Minutes:
    """Write or correct the minutes until they are complete. The chair and the minute-taker
    are chosen among the members present; the vote may not count more voters than the
    official members present. Complete minutes are changed only by `minutes_amend`."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = minutes_problem(meeting)
    if problem:
        raise ValidationError(problem)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first() or Minutes(meeting=meeting)
    if minutes.finalized_at is not None:
        raise ValidationError(_("The minutes are complete and can no longer be edited: record an amendment, "
                                "with its reason, instead."))
    votes = (votes_for, votes_against, votes_abstain)
    _check(meeting, chair=chair, minute_taker=minute_taker, votes=votes)
    values = _cleaned(dict(number=number, contents=contents, opinions=opinions, conclusions=conclusions,
                           resolution=resolution))
    for name, value in values.items():
        setattr(minutes, name, value)
    minutes.chair, minutes.minute_taker = chair, minute_taker
    minutes.votes_for, minutes.votes_against, minutes.votes_abstain = votes
    minutes.updated_by = actor
    minutes.full_clean(exclude=["meeting", "chair", "minute_taker", "updated_by"])
    with audit_context(actor):
        minutes.save()
    return minutes


@transaction.atomic
def minutes_finalize(*, meeting: Meeting, actor=None, confirm_failed_vote: bool = False) -> Minutes:
    """Mark the minutes complete (once: "within 2 days" is measured on this moment).

    When a vote was held and the draft resolution did not pass (meetings.rules.vote_passes),
    the secretary confirms first (`confirm_failed_vote`): the minutes then record the failed
    vote, and the draft is never printed as a resolution.
    """
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
    vote = vote_result(minutes, attendance_summary(roll_call_sheet(meeting)))
    if vote.failed and not confirm_failed_vote:
        raise ValidationError(
            _("The draft resolution was not adopted: %(yes)s for, of the %(official)s official members "
              "summoned (more than half are needed). Confirm to finish the minutes with the draft not adopted.")
            % {"yes": vote.votes_for, "official": vote.official_summoned},
            code=FAILED_VOTE,
        )
    minutes.finalized_at = timezone.now()
    minutes.updated_by = actor
    with audit_context(actor):
        minutes.save(update_fields=["finalized_at", "updated_by", "updated_at"])
    followups.minutes_changed(meeting.pk, cell_id=meeting.cell_id)
    return minutes


def _printed(name: str, value) -> str:
    """A value as the minutes print it: a name for the chair and the minute-taker."""
    if name in ("chair", "minute_taker"):
        return value.full_name if value is not None else ""
    return str(value)


@transaction.atomic
def minutes_amend(*, meeting: Meeting, actor, reason: str, **changed) -> MinutesAmendment:
    """Amend complete minutes: a numbered amendment records who, when, why and what changed
    (each field's old and new value, as printed), then the change is applied, audited.

    `changed` holds any of FIELDS (the form sends them all; those left as they were are not
    recorded). The same checks as `minutes_save` apply.
    """
    unknown = set(changed) - set(FIELDS)
    if unknown:
        raise TypeError(f"minutes_amend() cannot change {', '.join(sorted(unknown))}")
    minutes = (Minutes.objects.select_for_update(of=("self",)).select_related("chair", "minute_taker")
               .filter(meeting=meeting).first())
    if minutes is None or minutes.finalized_at is None:
        raise ValidationError(_("Only complete minutes are amended; until then, edit them directly."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    changed = _cleaned(changed)
    _check(meeting, chair=changed.get("chair", minutes.chair),
           minute_taker=changed.get("minute_taker", minutes.minute_taker),
           votes=tuple(changed.get(name, getattr(minutes, name))
                       for name in ("votes_for", "votes_against", "votes_abstain")))
    changes = []
    for name in FIELDS:
        if name not in changed:
            continue
        old, new = _printed(name, getattr(minutes, name)), _printed(name, changed[name])
        if old != new:
            label = str(Minutes._meta.get_field(name).verbose_name)
            changes.append({"field": name, "label": label, "old": old, "new": new})
            setattr(minutes, name, changed[name])
    if not changes:
        raise ValidationError(_("Nothing was changed: the amendment would be empty."))
    minutes.updated_by = actor
    minutes.full_clean(exclude=["meeting", "chair", "minute_taker", "updated_by"])
    number = (minutes.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
    with audit_context(actor):
        minutes.save()
        amendment = MinutesAmendment.objects.create(minutes=minutes, number=number, reason=reason,
                                                    changes=changes, made_by=actor)
    followups.minutes_changed(meeting.pk, cell_id=meeting.cell_id)
    return amendment
