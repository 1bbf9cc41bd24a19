"""When a meeting reminder or a change notice is due (a frozen clock; delivery is tested
with real workers in test_worker_delivery.py)."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from cells.services import organization_update
from handbook.celery import app as celery_app
from meetings import reminders
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule, meeting_update
from notifications.models import Dispatch
from notifications.services.dispatch import dispatches_create

ROOT = Path(__file__).resolve().parents[2]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _due(moment: dt.datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return sorted(r.key.split("@")[0] for r in reminders.reminders_due(timezone.now()))


@pytest.fixture
def meeting(tree):
    starts = _at(timezone.localdate() + dt.timedelta(days=10), 19, 30)
    return meeting_schedule(cell=tree.a1, starts_at=starts, place="Nhà văn hóa thôn Đông")


def test_the_three_day_reminder_is_due_three_days_before_and_not_a_minute_earlier(meeting):
    three_days = meeting.starts_at - dt.timedelta(days=3)
    assert _due(three_days - dt.timedelta(minutes=1)) == []
    assert _due(three_days) == [f"meeting:{meeting.pk}:reminder:4320"]
    assert _due(meeting.starts_at - dt.timedelta(hours=2, minutes=1)) == [f"meeting:{meeting.pk}:reminder:4320"]


def test_two_hours_before_only_the_two_hour_reminder_is_due(meeting):
    assert _due(meeting.starts_at - dt.timedelta(hours=2)) == [f"meeting:{meeting.pk}:reminder:120"]
    assert _due(meeting.starts_at - dt.timedelta(minutes=1)) == [f"meeting:{meeting.pk}:reminder:120"]
    assert _due(meeting.starts_at) == []  # started: no reminder any more


def test_a_meeting_called_at_short_notice_gets_one_reminder_not_a_burst(tree):
    soon = meeting_schedule(cell=tree.a1, starts_at=timezone.now() + dt.timedelta(minutes=90), kind="extraordinary")
    assert _due(timezone.now()) == [f"meeting:{soon.pk}:reminder:120"]


def test_lead_times_come_from_the_nearest_organisation_that_sets_them(tree, meeting):
    organization_update(org=tree.commune_a, reminder_offsets_minutes=[7 * 24 * 60, 24 * 60])
    assert _due(meeting.starts_at - dt.timedelta(days=7)) == [f"meeting:{meeting.pk}:reminder:10080"]
    assert _due(meeting.starts_at - dt.timedelta(days=3)) == [f"meeting:{meeting.pk}:reminder:10080"]
    assert _due(meeting.starts_at - dt.timedelta(hours=2)) == [f"meeting:{meeting.pk}:reminder:1440"]
    other = meeting_schedule(cell=tree.b1, starts_at=meeting.starts_at)  # another commune: the default
    assert f"meeting:{other.pk}:reminder:4320" in _due(meeting.starts_at - dt.timedelta(days=3))


def test_each_reminder_is_recorded_once_however_often_the_scan_runs(meeting):
    moment = meeting.starts_at - dt.timedelta(days=2)
    with time_machine.travel(moment, tick=False):
        for _ in range(3):
            dispatches_create(requests=reminders.reminders_due(timezone.now()))
    assert list(Dispatch.objects.values_list("key", flat=True)) == [
        f"meeting:{meeting.pk}:reminder:4320@{timezone.localtime(meeting.starts_at):%Y%m%dT%H%M}"]


def test_a_cancelled_meeting_has_no_reminder_but_one_notice(meeting):
    meeting_cancel(meeting=meeting, reason="Trùng lịch")
    assert _due(meeting.starts_at - dt.timedelta(days=1)) == []
    notices = reminders.change_notices_due(timezone.now())
    assert [(n.key, n.kind) for n in notices] == [(f"meeting:{meeting.pk}:cancelled", reminders.CANCELLED)]


def test_a_postponed_meeting_is_announced_and_reminded_only_for_lead_times_still_ahead(meeting):
    new_start = timezone.now() + dt.timedelta(days=2)
    meeting_postpone(meeting=meeting, starts_at=new_start, reason="Bão")
    (notice,) = reminders.change_notices_due(timezone.now())
    assert notice.key == f"meeting:{meeting.pk}:postponed@{timezone.localtime(new_start):%Y%m%dT%H%M}"
    # The three-day lead time had passed when members were told: no reminder for it.
    assert _due(timezone.now() + dt.timedelta(minutes=1)) == []
    assert _due(new_start - dt.timedelta(hours=2)) == [f"meeting:{meeting.pk}:reminder:120"]


def test_moving_a_meeting_gives_reminders_for_the_new_time(meeting):
    before = meeting.starts_at - dt.timedelta(days=2)
    with time_machine.travel(before, tick=False):
        (old,) = reminders.reminders_due(timezone.now())
    meeting_update(meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(days=1),
                   ends_at=meeting.ends_at + dt.timedelta(days=1))
    with time_machine.travel(before, tick=False):
        (new,) = reminders.reminders_due(timezone.now())
    assert old.key != new.key and new.key.endswith(f"{timezone.localtime(meeting.starts_at):%Y%m%dT%H%M}")


def test_a_postponement_enqueues_its_notice_on_commit(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_postpone(meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(days=3), reason="Bão")
    assert Dispatch.objects.filter(kind=reminders.POSTPONED, key__startswith=f"meeting:{meeting.pk}:").count() == 1


def test_periodic_tasks_are_defined_once_in_the_celery_app_and_scan_instead_of_waiting():
    schedule = celery_app.conf.beat_schedule
    assert {"meetings.tasks.scan_reminders", "meetings.tasks.scan_nudges", "notifications.tasks.sweep"} <= {
        entry["task"] for entry in schedule.values()}
    assert schedule["meeting-reminders"]["schedule"] <= 60
    sources = [p for p in ROOT.glob("**/*.py") if ".venv" not in p.parts and "tests" not in p.parts]
    elsewhere = [p for p in sources if p.name != "celery.py" and re.search(r"beat_schedule|add_periodic_task", p.read_text())]
    assert elsewhere == []
    # The only countdown in the code is the retry's, which retry_delay caps (see test_ledger).
    countdowns = [p.relative_to(ROOT).as_posix() for p in sources if re.search(r"countdown=|eta=", p.read_text())]
    assert countdowns == ["notifications/tasks.py"]
