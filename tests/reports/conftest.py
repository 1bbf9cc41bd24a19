"""Fixtures for roll-up and report tests: a frozen clock and meetings held through the services."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_postpone, meeting_schedule
from rollups import services as rollups
from tests import factories as f

TZ = timezone.get_fixed_timezone(7 * 60)
# Every test of this folder runs on 20 June 2026 unless it travels on its own.
TODAY = dt.date(2026, 6, 20)
MAY = "2026-05"
D = dt.date


def local(day: dt.date, hour: int = 19, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(local(TODAY, 10), tick=True) as traveller:
        yield traveller


def hold(cell, day: dt.date, roll: dict, *, kind="regular", actor=None, held_on: dt.date | None = None):
    """Schedule a meeting for `day` and record its roll call {member: status}.

    With `held_on`, the meeting is first postponed to that later day (so it counts as late).
    """
    if held_on is None:
        meeting = meeting_schedule(cell=cell, starts_at=local(day), kind=kind, actor=actor)
    else:
        with time_machine.travel(local(day - dt.timedelta(days=3), 8), tick=False):
            meeting = meeting_schedule(cell=cell, starts_at=local(day), kind=kind, actor=actor)
            meeting = meeting_postpone(meeting=meeting, starts_at=local(held_on), reason="Trùng lịch", actor=actor)
    entries = {member.pk: (status, "Ốm" if status == "excused" else "") for member, status in roll.items()}
    attendance_record(meeting=meeting, entries=entries, actor=actor)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def data(cast):
    """May 2026: A1 met on schedule with one absence without reason, A2 met late, B1 missed."""
    t = cast.tree
    extra_a1 = [f.member(t.a1) for _ in range(2)]
    a2_people = [f.member(t.a2) for _ in range(3)]
    b1_people = [f.member(t.b1) for _ in range(3)]
    hold(t.a1, D(2026, 4, 5), dict.fromkeys([cast.secretary, cast.member, *extra_a1], "present"))
    hold(t.a1, D(2026, 5, 5), {cast.secretary: "present", cast.member: "unexcused",
                               extra_a1[0]: "present", extra_a1[1]: "excused"})
    hold(t.a2, D(2026, 5, 5), dict.fromkeys([cast.committee, cast.orgcom, *a2_people], "present"), held_on=D(2026, 5, 9))
    hold(t.b1, D(2026, 4, 5), dict.fromkeys([cast.outsider, *b1_people], "present"))
    rollups.rollups_rebuild(years=[2026])
    rollups.rollups_refresh_adoption()
    return cast
