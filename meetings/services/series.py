"""The regular meeting series: set up on a fixed day of the month, generating the next months."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from meetings.models import Meeting, MeetingSeries
from meetings.services.schedule import meeting_schedule, meeting_update

GENERATED_MONTHS = 12
MIN_DURATION_MINUTES = 30


def add_months(first_of_month: dt.date, months: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def series_occurrence(series: MeetingSeries, period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of the series' meeting in the month starting on `period`, local time."""
    starts_at = dt.datetime.combine(
        period.replace(day=series.day_of_month), series.start_time, tzinfo=timezone.get_current_timezone()
    )
    return starts_at, starts_at + dt.timedelta(minutes=series.duration_minutes)


def series_periods(series: MeetingSeries, *, now: dt.datetime) -> list[dt.date]:
    """The next GENERATED_MONTHS months, starting with this month if its meeting is still ahead."""
    first = timezone.localdate(now).replace(day=1)
    if series_occurrence(series, first)[0] <= now:
        first = add_months(first, 1)
    return [add_months(first, i) for i in range(GENERATED_MONTHS)]


def _check(*, day_of_month: int, duration_minutes: int) -> None:
    errors = {}
    if not 1 <= day_of_month <= 28:
        errors["day_of_month"] = _("Choose a day between 1 and 28, so that every month has it.")
    if duration_minutes < MIN_DURATION_MINUTES:
        errors["duration_minutes"] = _("A meeting lasts at least %(minutes)s minutes.") % {
            "minutes": MIN_DURATION_MINUTES}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def series_set_up(*, cell: Organization, day_of_month: int, start_time: dt.time, place: str = "",
                  duration_minutes: int = 90, actor=None, now: dt.datetime | None = None) -> MeetingSeries:
    """Start the cell's regular series, replacing the active one if there is one.

    On replacement, the future meetings of the old series that are still simply planned move
    to the new day, time and place (their calendars update); postponed, held and cancelled
    meetings stay as they are. Then the missing months are generated.
    """
    if not cell.is_cell:
        raise ValidationError({"cell": _("Only a cell holds meetings.")})
    _check(day_of_month=day_of_month, duration_minutes=duration_minutes)
    now = now or timezone.now()
    # One set-up at a time per cell: the row lock orders concurrent submissions.
    Organization.objects.select_for_update().filter(pk=cell.pk).first()
    previous = MeetingSeries.objects.filter(cell=cell, is_active=True).first()
    series = MeetingSeries(
        cell=cell, day_of_month=day_of_month, start_time=start_time, duration_minutes=duration_minutes,
        place=place.strip() or cell.address, created_by=actor,
    )
    with audit_context(actor):
        if previous is not None:
            previous.is_active = False
            previous.save(update_fields=["is_active"])
        series.full_clean()
        series.save()
        if previous is not None:
            _move_planned_meetings(previous, series, actor=actor, now=now)
    series_generate(series=series, actor=actor, now=now)
    return series


def _move_planned_meetings(previous: MeetingSeries, series: MeetingSeries, *, actor, now: dt.datetime) -> None:
    planned = previous.meetings.filter(status=Meeting.Status.PLANNED, starts_at__gt=now).order_by("starts_at")
    moved = []
    for meeting in planned:
        starts_at, ends_at = series_occurrence(series, meeting.period)
        if starts_at <= now:
            continue  # the new day of this month has already passed: the meeting stays put
        if (meeting.starts_at, meeting.ends_at, meeting.place) != (starts_at, ends_at, series.place):
            meeting_update(meeting=meeting, starts_at=starts_at, ends_at=ends_at, place=series.place, actor=actor)
        moved.append(meeting.pk)
    Meeting.objects.filter(pk__in=moved).update(series=series)


@transaction.atomic
def series_generate(*, series: MeetingSeries, actor=None, now: dt.datetime | None = None) -> list[Meeting]:
    """Schedule the series' meeting in every one of the next months that has no regular meeting.

    Idempotent: a month that already has a regular meeting (planned, postponed, held, or
    cancelled on purpose) is skipped, so running it twice creates nothing more.
    """
    series = MeetingSeries.objects.select_for_update().select_related("cell").get(pk=series.pk)
    if not series.is_active:
        raise ValidationError(_("This series is no longer in use."))
    now = now or timezone.now()
    periods = series_periods(series, now=now)
    taken = set(
        Meeting.objects.filter(cell_id=series.cell_id, kind=Meeting.Kind.REGULAR, period__in=periods)
        .values_list("period", flat=True)
    )
    created = []
    for period in periods:
        if period in taken:
            continue
        starts_at, ends_at = series_occurrence(series, period)
        created.append(meeting_schedule(
            cell=series.cell, kind=Meeting.Kind.REGULAR, starts_at=starts_at, ends_at=ends_at,
            place=series.place, series=series, actor=actor,
        ))
    return created


@transaction.atomic
def series_deactivate(*, series: MeetingSeries, actor=None) -> MeetingSeries:
    """Stop the series. Meetings already scheduled stay; each can be changed or cancelled."""
    if not series.is_active:
        return series
    series.is_active = False
    with audit_context(actor):
        series.save(update_fields=["is_active"])
    return series
