"""Members' own reminder lead times in the scan: each member reminded at the lead times they
chose among those the cell allows (or the cell's default), one at a time, never twice
(a frozen clock; the ledger rows are created in-process, nothing is sent)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cells.services import organization_settings_change
from meetings import reminders
from meetings.services.reminders import reminder_choice_clear, reminder_choice_save
from meetings.services.schedule import meeting_postpone, meeting_schedule
from notifications.models import Delivery
from notifications.services.dispatch import dispatches_create, dispatches_fan_out
from tests import factories as f

DAY, HOUR = 24 * 60, 60


@pytest.fixture
def cell(tree):
    """Cell A1 offers 3 days, 1 day and 1 hour, and reminds one day before by default."""
    organization_settings_change(org=tree.commune_a, effective_date=timezone.localdate(),
                                 reminder_offsets_minutes=[DAY], reminder_choices_minutes=[3 * DAY, DAY, HOUR])
    return tree.a1


@pytest.fixture
def people(cell):
    hoa = f.member(cell, name="Lê Thị Hoa", username="hoa")
    bi = f.member(cell, name="Trần Văn Bí", username="bi")  # never chooses: the default
    quan = f.member(cell, name="Đỗ Minh Quân", username="quan")
    reminder_choice_save(member=hoa, offsets_minutes=[DAY, HOUR])
    reminder_choice_save(member=quan, offsets_minutes=[3 * DAY])
    return hoa, bi, quan


def _scan(moment: dt.datetime) -> None:
    """Record the reminders due at `moment` and create their ledger rows, as the workers would."""
    with time_machine.travel(moment, tick=False):
        ids = dispatches_create(requests=reminders.reminders_due(timezone.now()))
        dispatches_fan_out(dispatch_ids=ids)


def _reminded(meeting) -> dict[str, list[int]]:
    """Member name -> the lead times they were reminded at (in-app rows of the ledger)."""
    found: dict[str, list[int]] = {}
    for name, key in (Delivery.objects.filter(key__startswith=f"meeting:{meeting.pk}:reminder:", channel="inapp")
                      .values_list("member__full_name", "key").order_by("created_at", "id")):
        found.setdefault(name, []).append(int(key.split(":")[3].split("@")[0]))
    return found


def test_each_member_is_reminded_at_the_lead_times_they_chose_or_the_default(cell, people):
    meeting = meeting_schedule(cell=cell, starts_at=f.at(10))
    for before in (3 * DAY, DAY, HOUR):
        _scan(meeting.starts_at - dt.timedelta(minutes=before))
    assert _reminded(meeting) == {"Đỗ Minh Quân": [3 * DAY], "Lê Thị Hoa": [DAY, HOUR], "Trần Văn Bí": [DAY]}


def test_a_lead_time_the_cell_offers_but_nobody_chose_is_not_recorded(cell, people):
    _hoa, _bi, quan = people
    reminder_choice_clear(member=quan)
    meeting = meeting_schedule(cell=cell, starts_at=f.at(10))
    with time_machine.travel(meeting.starts_at - dt.timedelta(minutes=2 * DAY), tick=False):
        assert reminders.reminders_due(timezone.now()) == []
    with time_machine.travel(meeting.starts_at - dt.timedelta(minutes=2 * HOUR), tick=False):
        assert [r.params["offset"] for r in reminders.reminders_due(timezone.now())] == [DAY]


def test_a_member_gets_only_the_nearest_of_the_lead_times_already_passed(cell, people):
    soon = meeting_schedule(cell=cell, starts_at=timezone.now() + dt.timedelta(minutes=30), kind="extraordinary")
    _scan(timezone.now())
    _scan(timezone.now() + dt.timedelta(minutes=5))
    assert _reminded(soon) == {"Đỗ Minh Quân": [3 * DAY], "Lê Thị Hoa": [HOUR], "Trần Văn Bí": [DAY]}


def test_a_choice_the_organisation_stops_offering_no_longer_counts(tree, cell, people):
    hoa, _bi, quan = people
    meeting = meeting_schedule(cell=cell, starts_at=f.at(10))
    organization_settings_change(org=tree.commune_a, effective_date=timezone.localdate(),
                                 reminder_choices_minutes=[DAY, 2 * HOUR])
    for before in (3 * DAY, DAY, HOUR):
        _scan(meeting.starts_at - dt.timedelta(minutes=before))
    # Hoa keeps the day she chose; Quân's only choice is gone, so he has the default.
    assert _reminded(meeting) == {"Lê Thị Hoa": [DAY], "Trần Văn Bí": [DAY], "Đỗ Minh Quân": [DAY]}


def test_changing_one_s_choice_after_a_reminder_sends_nothing_twice(cell, people):
    hoa, _bi, _quan = people
    meeting = meeting_schedule(cell=cell, starts_at=f.at(10))
    _scan(meeting.starts_at - dt.timedelta(minutes=DAY))
    assert _reminded(meeting)["Lê Thị Hoa"] == [DAY]
    reminder_choice_save(member=hoa, offsets_minutes=[3 * DAY])  # a lead time already behind her
    _scan(meeting.starts_at - dt.timedelta(minutes=DAY - 10))
    reminder_choice_save(member=hoa, offsets_minutes=[DAY, HOUR])
    _scan(meeting.starts_at - dt.timedelta(minutes=DAY - 20))
    _scan(meeting.starts_at - dt.timedelta(minutes=HOUR))
    _scan(meeting.starts_at - dt.timedelta(minutes=HOUR - 5))
    assert _reminded(meeting)["Lê Thị Hoa"] == [DAY, HOUR]


def test_lead_times_that_passed_before_a_postponement_was_told_are_skipped_for_choices_too(cell, people):
    meeting = meeting_schedule(cell=cell, starts_at=f.at(10))
    meeting_postpone(meeting=meeting, starts_at=timezone.now() + dt.timedelta(hours=30), reason="Bão")
    _scan(timezone.now() + dt.timedelta(minutes=1))
    assert _reminded(meeting) == {}  # three days had passed when members were told; one day is ahead
    _scan(meeting.starts_at - dt.timedelta(minutes=DAY))
    assert _reminded(meeting) == {"Lê Thị Hoa": [DAY], "Trần Văn Bí": [DAY]}


def test_the_scan_costs_the_same_few_queries_for_two_meetings_or_twenty(tree, cell, people,
                                                                        django_assert_max_num_queries):
    offered = {tree.a2.pk: ([DAY], [3 * DAY, DAY], [HOUR]), tree.b1.pk: ([3 * DAY], [2 * HOUR], [3 * DAY, 2 * HOUR])}
    for other in (tree.a2, tree.b1):
        for offsets in offered[other.pk]:
            reminder_choice_save(member=f.member(other), offsets_minutes=offsets)
    cells, starts = [cell, tree.a2, tree.b1], f.at(10)
    moment = starts - dt.timedelta(hours=4)  # every meeting below is less than a day away

    def schedule(indexes):
        for index in indexes:
            meeting_schedule(cell=cells[index % 3], starts_at=starts + dt.timedelta(hours=index),
                             kind="extraordinary")

    schedule(range(2))
    with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
        assert len(reminders.reminders_due(timezone.now())) >= 2
    schedule(range(2, 20))
    with time_machine.travel(moment, tick=False), django_assert_max_num_queries(len(queries)):
        assert len(reminders.reminders_due(timezone.now())) >= 20
    assert len(queries) <= 5


def test_a_fan_out_is_judged_no_earlier_than_the_scan_that_found_the_reminder_due(cell, people):
    meeting = meeting_schedule(cell=cell, starts_at=f.at(10))
    due_at = meeting.starts_at - dt.timedelta(minutes=DAY)
    with time_machine.travel(due_at, tick=False):
        ids = dispatches_create(requests=reminders.reminders_due(timezone.now()))
    dispatches_fan_out(dispatch_ids=ids)  # a worker whose clock is behind the scan's moment
    assert _reminded(meeting) == {"Đỗ Minh Quân": [3 * DAY], "Lê Thị Hoa": [DAY], "Trần Văn Bí": [DAY]}


def test_a_fan_out_that_waited_past_a_nearer_lead_time_leaves_it_to_that_reminder(cell, people):
    meeting = meeting_schedule(cell=cell, starts_at=f.at(10))
    with time_machine.travel(meeting.starts_at - dt.timedelta(minutes=DAY), tick=False):
        ids = dispatches_create(requests=reminders.reminders_due(timezone.now()))
    with time_machine.travel(meeting.starts_at - dt.timedelta(minutes=30), tick=False):
        dispatches_fan_out(dispatch_ids=ids)  # the queue held it past Hoa's one-hour reminder
    assert _reminded(meeting) == {"Đỗ Minh Quân": [3 * DAY], "Trần Văn Bí": [DAY]}
    _scan(meeting.starts_at - dt.timedelta(minutes=30))
    assert _reminded(meeting) == {"Đỗ Minh Quân": [3 * DAY], "Lê Thị Hoa": [HOUR], "Trần Văn Bí": [DAY]}
