"""Scheduling meetings: schedule, change, postpone, cancel."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from meetings import followups, rules
from meetings.models import Meeting, MeetingSeries


def default_duration(kind: str) -> dt.timedelta:
    rules = settings.HANDBOOK_RULES
    minutes = rules["thematic_meeting_minutes"] if kind == Meeting.Kind.THEMATIC else rules["regular_meeting_minutes"]
    return dt.timedelta(minutes=minutes)


def _save_meeting(meeting: Meeting, **save_kwargs) -> None:
    meeting.full_clean(validate_constraints=False)  # the database decides; we translate
    try:
        with transaction.atomic():
            meeting.save(**save_kwargs)
    except IntegrityError as exc:
        if "meeting_one_regular_per_month" in str(exc):
            raise ValidationError(
                {"starts_at": _("This cell already has a regular meeting in that month.")}
            ) from None
        raise


@transaction.atomic
def meeting_schedule(*, cell: Organization, starts_at: dt.datetime, kind: str = Meeting.Kind.REGULAR,
                     ends_at: dt.datetime | None = None, place: str = "", agenda: str = "",
                     title: str = "", series: MeetingSeries | None = None, actor=None) -> Meeting:
    if not cell.is_cell:
        raise ValidationError({"cell": _("Only a cell holds meetings.")})
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be an aware datetime")
    meeting = Meeting(
        cell=cell, series=series, kind=kind, title=title, starts_at=starts_at,
        ends_at=ends_at or starts_at + default_duration(kind),
        scheduled_date=timezone.localdate(starts_at), period=rules.meeting_period(starts_at),
        place=place or cell.address, agenda=agenda,
        created_by=actor,
    )
    if meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    with audit_context(actor):
        _save_meeting(meeting)
    followups.meeting_changed(meeting.pk, cell_id=meeting.cell_id)
    return meeting


_CALENDAR_FIELDS = {"starts_at", "ends_at", "place", "title", "agenda"}


def change_notice_delay() -> dt.timedelta:
    """Edits of an announced meeting within this delay of each other send one change notice."""
    return dt.timedelta(minutes=settings.HANDBOOK_RULES.get("change_notice_delay_minutes", 5))


def told_values(meeting: Meeting) -> dict:
    """The date, time and place of the meeting as a change notice records them."""
    return {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
            "place": meeting.place}


def same_as_told(meeting: Meeting, told: dict) -> bool:
    """Whether the meeting stands where members were told (instants compared, not strings)."""
    return (dt.datetime.fromisoformat(told["starts_at"]) == meeting.starts_at
            and dt.datetime.fromisoformat(told["ends_at"]) == meeting.ends_at
            and told["place"] == meeting.place)


def _announce_change(meeting: Meeting, told_before: dict, now: dt.datetime) -> None:
    """A change of date, time or place of an announced meeting (open and not yet over): keep
    what members were last told (the first change of a burst) and send the notice a few
    minutes after the last edit (meetings.reminders.change_notices_due), with the final values."""
    if dt.datetime.fromisoformat(told_before["ends_at"]) <= now:
        return  # already over when it was changed: nobody is waiting for it any more
    if meeting.announced is None:
        meeting.announced = told_before
    meeting.change_notice_due_at = now + change_notice_delay()


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor=None, **fields) -> Meeting:
    """Change an open meeting. Every path that moves a meeting (the edit page, a series
    change, the API) comes here, so a change of date, time or place is always told."""
    unknown = set(fields) - _CALENDAR_FIELDS
    if unknown:
        raise TypeError(f"meeting_update does not change {sorted(unknown)}")
    if not meeting.is_open:
        raise ValidationError(_("A meeting that was held or cancelled cannot be changed."))
    told_before = told_values(meeting)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if meeting.status == Meeting.Status.PLANNED and "starts_at" in fields:
        meeting.scheduled_date = timezone.localdate(meeting.starts_at)
        meeting.period = rules.meeting_period(meeting.starts_at)
    if not same_as_told(meeting, told_before):
        _announce_change(meeting, told_before, timezone.now())
    meeting.sequence += 1
    with audit_context(actor):
        _save_meeting(meeting)
    followups.meeting_changed(meeting.pk, cell_id=meeting.cell_id)
    return meeting


@transaction.atomic
def meeting_postpone(*, meeting: Meeting, starts_at: dt.datetime, reason: str, actor=None,
                     ends_at: dt.datetime | None = None) -> Meeting:
    """Move a meeting to a new time. Its scheduled date stays, so compliance shows it late."""
    if not meeting.is_open:
        raise ValidationError(_("A meeting that was held or cancelled cannot be postponed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for postponing.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("The new time must be in the future.")})
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    duration = meeting.ends_at - meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at or starts_at + duration
    meeting.status, meeting.status_reason = Meeting.Status.POSTPONED, reason.strip()
    # The postponement notice goes at once with the final values: no separate change notice.
    meeting.announced, meeting.change_notice_due_at = None, None
    meeting.sequence += 1
    with audit_context(actor):
        _save_meeting(meeting)
    followups.meeting_changed(meeting.pk, cell_id=meeting.cell_id, notify_now=True)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, actor=None) -> Meeting:
    if not meeting.is_open:
        raise ValidationError(_("A meeting that was held or cancelled cannot be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    meeting.status, meeting.status_reason = Meeting.Status.CANCELLED, reason.strip()
    meeting.announced, meeting.change_notice_due_at = None, None  # the cancellation says it all
    meeting.sequence += 1
    with audit_context(actor):
        meeting.save(update_fields=["status", "status_reason", "announced", "change_notice_due_at", "sequence",
                                    "updated_at"])
    followups.meeting_changed(meeting.pk, cell_id=meeting.cell_id, notify_now=True)
    return meeting
