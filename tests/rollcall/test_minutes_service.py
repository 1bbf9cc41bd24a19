"""Minutes: the vote rule, what may be written, marking complete."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import Minutes
from meetings.roll_call_selectors import attendance_summary, roll_call_sheet
from meetings.services.minutes import minutes_finalize, minutes_save, vote_passes, vote_result
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from tests import factories as f


@pytest.mark.parametrize(("votes_for", "official_summoned", "passes"), [
    (6, 10, True), (5, 10, False), (4, 7, True), (3, 7, False), (1, 1, True), (0, 0, False),
])
def test_a_resolution_passes_with_more_than_half_of_the_official_members_summoned(votes_for, official_summoned, passes):
    assert vote_passes(votes_for=votes_for, official_summoned=official_summoned) is passes


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


def test_marking_complete_happens_once_and_later_edits_are_audited(held, cast):
    meeting, official, _ = held
    minutes_save(meeting=meeting, chair=official[0], minute_taker=official[1], contents="Kiểm điểm tháng")
    finalized = minutes_finalize(meeting=meeting, actor=cast.secretary.user).finalized_at
    assert finalized is not None
    assert minutes_finalize(meeting=meeting).finalized_at == finalized
    minutes_save(meeting=meeting, chair=official[0], minute_taker=official[1], contents="Kiểm điểm tháng (sửa)",
                 actor=cast.secretary.user)
    minutes = Minutes.objects.get()
    assert minutes.finalized_at == finalized and minutes.contents.endswith("(sửa)")
    last = minutes.events.order_by("-pgh_id").first()
    assert (last.pgh_label, last.contents, last.updated_by_id) == ("update", "Kiểm điểm tháng (sửa)", cast.secretary.user.pk)


def test_marking_complete_announces_it(held):
    from meetings import signals

    meeting, official, _ = held
    heard = []
    def listen(sender, **kwargs):
        heard.append(kwargs["meeting_id"])
    signals.minutes_finalized.connect(listen)
    try:
        minutes_save(meeting=meeting, chair=official[0], minute_taker=official[1], contents="Nội dung")
        minutes_finalize(meeting=meeting)
        minutes_finalize(meeting=meeting)
    finally:
        signals.minutes_finalized.disconnect(listen)
    assert heard == [meeting.pk]
