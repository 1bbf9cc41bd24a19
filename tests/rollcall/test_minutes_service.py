"""Minutes: the vote rule, what may be written, marking complete."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import Minutes
from meetings.roll_call_selectors import attendance_summary, roll_call_sheet
from meetings.services.minutes import minutes_finalize, minutes_save, vote_result
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from tests import factories as f


@pytest.fixture
def held(tree):
    """A meeting held: 6 official members summoned, 4 present, 1 probationary present."""
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() - dt.timedelta(hours=2))
    official = [f.member(tree.a1, name=f"Đảng viên {i}") for i in range(6)]
    probationary = f.member(tree.a1, name="Dự Bị", official=False, admitted=f.at(-100).date())
    entries = {m.pk: ("present", "") for m in official[:4]}
    entries[official[4].pk] = ("excused", "Ốm")
    entries[official[5].pk] = ("unexcused", "")
    entries[probationary.pk] = ("present", "")
    attendance_record(meeting=meeting, entries=entries)
    meeting.refresh_from_db()
    return meeting, official, probationary


def test_the_vote_is_counted_against_the_official_members_summoned(held):
    meeting, official, _ = held
    minutes = minutes_save(meeting=meeting, votes_for=4, votes_against=0, votes_abstain=0)
    vote = vote_result(minutes, attendance_summary(roll_call_sheet(meeting)))
    assert vote.official_summoned == 6 and vote.passed  # 4 of 6: more than half
    minutes = minutes_save(meeting=meeting, votes_for=3, votes_against=1)
    assert not vote_result(minutes, attendance_summary(roll_call_sheet(meeting))).passed  # 3 of 6: only half


def test_the_vote_total_cannot_exceed_the_official_members_present(held):
    meeting, *_ = held
    with pytest.raises(ValidationError) as caught:
        minutes_save(meeting=meeting, votes_for=3, votes_against=1, votes_abstain=1)
    assert "4" in str(caught.value) and not Minutes.objects.exists()


def test_the_chair_and_minute_taker_are_chosen_among_the_members_present(held):
    meeting, official, probationary = held
    with pytest.raises(ValidationError) as caught:
        minutes_save(meeting=meeting, chair=official[5], minute_taker=official[4])
    assert set(caught.value.message_dict) == {"chair", "minute_taker"}
    minutes = minutes_save(meeting=meeting, chair=official[0], minute_taker=probationary)
    assert (minutes.chair, minutes.minute_taker) == (official[0], probationary)


def test_the_number_keeps_only_the_number(held):
    meeting, *_ = held
    assert minutes_save(meeting=meeting, number=" 12-BB/CB ").number == "12"
    assert minutes_save(meeting=meeting, number="07").number == "07"


def test_minutes_wait_for_the_roll_call(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() - dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="điểm danh|roll call"):
        minutes_save(meeting=meeting, contents="Nội dung")


def test_marking_complete_needs_chair_minute_taker_and_contents(held):
    meeting, official, _ = held
    minutes_save(meeting=meeting)
    with pytest.raises(ValidationError) as caught:
        minutes_finalize(meeting=meeting)
    assert set(caught.value.message_dict) == {"chair", "minute_taker", "contents"}
    assert Minutes.objects.get().finalized_at is None


def test_marking_complete_happens_once_and_asks_for_the_roll_ups_on_commit(held, cast, django_capture_on_commit_callbacks):
    meeting, official, _ = held
    minutes_save(meeting=meeting, chair=official[0], minute_taker=official[1], contents="Kiểm điểm tháng")
    with mock.patch("rollups.tasks.rollups_refresh_meeting.delay") as refresh:
        with django_capture_on_commit_callbacks(execute=True):
            finalized = minutes_finalize(meeting=meeting, actor=cast.secretary.user).finalized_at
            assert minutes_finalize(meeting=meeting).finalized_at == finalized
    assert finalized is not None
    refresh.assert_called_once_with(meeting.pk)
