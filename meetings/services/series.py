"""The regular meeting series: set up on a fixed day of the month, generating the next months."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.cell_versions import cells_changed
from common.months import add_months, current_month
from meetings.models import Meeting, MeetingSeries
from meetings.services.schedule import meeting_schedule, meeting_update

GENERATED_MONTHS = 12
MIN_DURATION_MINUTES = 30


def series_occurrence(series: MeetingSeries, period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of the series' meeting in the month starting on `period`, local time."""
    starts_at = dt.datetime.combine(
        period.replace(day=series.day_of_month), series.start_time, tzinfo=timezone.get_current_timezone()
    )
    return starts_at, starts_at + dt.timedelta(minutes=series.duration_minutes)


def series_periods(series: MeetingSeries, *, now: dt.datetime) -> list[dt.date]:
    """The next GENERATED_MONTHS months, starting with this month if its meeting is still ahead."""
    first = current_month(now)
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


# Why a regular meeting of the months ahead was left as it was by a series change.
LEFT_HELD = "held"
LEFT_POSTPONED = "postponed"
LEFT_CANCELLED = "cancelled"
LEFT_BY_HAND = "by_hand"  # scheduled or changed by hand, not on the old series' day, time and place
LEFT_PAST = "past"  # already started (or its new time this month has passed)
_LEFT_FOR_STATUS = {Meeting.Status.HELD: LEFT_HELD, Meeting.Status.POSTPONED: LEFT_POSTPONED,
                    Meeting.Status.CANCELLED: LEFT_CANCELLED}


@dataclass
class SeriesChange:
    """What setting up (or changing) the series did to the regular meetings from this month
    on: every one of them is in exactly one list."""

    series: MeetingSeries
    moved: list[Meeting] = field(default_factory=list)  # to the new day, time and place
    kept_date: list[Meeting] = field(default_factory=list)  # new time and place; the new day had passed
    unchanged: list[Meeting] = field(default_factory=list)  # already where the new series puts them
    created: list[Meeting] = field(default_factory=list)
    left: dict[str, list[Meeting]] = field(default_factory=dict)  # reason -> meetings left as they were

    def leave(self, meeting: Meeting, reason: str) -> None:
        self.left.setdefault(reason, []).append(meeting)

    @property
    def left_count(self) -> int:
        return sum(len(meetings) for meetings in self.left.values())


@transaction.atomic
def series_set_up(*, cell: Organization, day_of_month: int, start_time: dt.time, place: str = "",
                  duration_minutes: int = 90, actor=None, now: dt.datetime | None = None) -> SeriesChange:
    """Start the cell's regular series, replacing the active one if there is one.

    On replacement, the planned meetings that still follow the old series move to the new
    day, time and place (members get a change notice, calendars update); held, postponed and
    cancelled meetings, meetings scheduled or changed by hand, and those already under way
    stay as they are. Then the missing months are generated. The answer accounts for every
    regular meeting from this month on.
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
        change = _follow_new_series(previous, series, actor=actor, now=now)
    cells_changed([cell.pk])  # the cell home names the active series
    change.created = series_generate(series=series, actor=actor, now=now)
    return change


def _follows(meeting: Meeting, series: MeetingSeries | None) -> bool:
    """Whether the meeting stands where the series put it (not scheduled or changed by hand)."""
    if series is None or meeting.series_id != series.pk:
        return False
    return (meeting.starts_at, meeting.ends_at, meeting.place) == (*series_occurrence(series, meeting.period),
                                                                   series.place)


def _follow_new_series(previous: MeetingSeries | None, series: MeetingSeries, *, actor,
                       now: dt.datetime) -> SeriesChange:
    """Sort every regular meeting of the cell from this month on: moved to the new series or
    left, with the reason. A meeting whose new day this month has passed keeps its date and
    takes the new time and place (it used to be skipped silently, staying in the old series)."""
    change = SeriesChange(series=series)
    meetings = (Meeting.objects.filter(cell_id=series.cell_id, kind=Meeting.Kind.REGULAR,
                                       period__gte=current_month(now))
                .select_for_update().order_by("period", "starts_at"))
    joined = []
    for meeting in meetings:
        if meeting.status in _LEFT_FOR_STATUS:
            change.leave(meeting, _LEFT_FOR_STATUS[meeting.status])
        elif meeting.starts_at <= now:
            change.leave(meeting, LEFT_PAST)
        elif not _follows(meeting, previous):
            change.leave(meeting, LEFT_BY_HAND)
        else:
            starts_at, ends_at = series_occurrence(series, meeting.period)
            moved_to = change.moved
            if starts_at <= now:
                local = timezone.localtime(meeting.starts_at)
                starts_at = dt.datetime.combine(local.date(), series.start_time, tzinfo=local.tzinfo)
                ends_at = starts_at + dt.timedelta(minutes=series.duration_minutes)
                moved_to = change.kept_date
                if starts_at <= now:
                    change.leave(meeting, LEFT_PAST)
                    continue
            if (meeting.starts_at, meeting.ends_at, meeting.place) == (starts_at, ends_at, series.place):
                moved_to = change.unchanged
            else:
                meeting_update(meeting=meeting, starts_at=starts_at, ends_at=ends_at, place=series.place,
                               actor=actor)
            moved_to.append(meeting)
            joined.append(meeting.pk)
    Meeting.objects.filter(pk__in=joined).update(series=series)
    return change


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
    cells_changed([series.cell_id])
    return series
