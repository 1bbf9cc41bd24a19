import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from meetings.models import Meeting
from meetings.rules import summoned_members
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule, meeting_update
from members.models import MemberStatus
from members.services import member_change_status
from tests import factories as f


def test_a_regular_meeting_lasts_ninety_minutes_and_takes_the_cells_place(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(5))
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=90)
    assert meeting.place == "Nhà văn hóa thôn Đông"
    assert meeting.period == meeting.scheduled_date.replace(day=1)


def test_a_thematic_meeting_lasts_two_hours(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(5), kind=Meeting.Kind.THEMATIC, title="Chuyển đổi số")
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=120)


def test_a_second_regular_meeting_in_a_month_is_refused_with_a_message(tree):
    start = f.at(40).replace(day=5)
    meeting_schedule(cell=tree.a1, starts_at=start)
    with pytest.raises(ValidationError) as caught:
        meeting_schedule(cell=tree.a1, starts_at=start.replace(day=20))
    assert "starts_at" in caught.value.message_dict


def test_only_cells_hold_meetings(tree):
    with pytest.raises(ValidationError):
        meeting_schedule(cell=tree.commune_a, starts_at=f.at(5))


def test_postponing_keeps_the_scheduled_date_and_raises_the_sequence(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(5))
    meeting_postpone(meeting=meeting, starts_at=f.at(9), reason="Trùng lịch bầu cử")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.POSTPONED
    assert meeting.scheduled_date == f.at(5).date()
    assert meeting.starts_at == f.at(9)
    assert meeting.sequence == 1


def test_postponing_needs_a_reason_and_a_future_time(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(5))
    with pytest.raises(ValidationError):
        meeting_postpone(meeting=meeting, starts_at=f.at(9), reason="  ")
    with pytest.raises(ValidationError):
        meeting_postpone(meeting=meeting, starts_at=f.at(-2), reason="Mưa bão")


def test_postponing_to_an_end_before_the_start_is_refused_with_a_message(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(5))
    with pytest.raises(ValidationError) as caught:
        meeting_postpone(meeting=meeting, starts_at=f.at(9), ends_at=f.at(9) - dt.timedelta(hours=1), reason="Mưa")
    assert "ends_at" in caught.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_a_cancelled_meeting_cannot_be_changed(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(5))
    meeting_cancel(meeting=meeting, reason="Bão số 3")
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, place="Khác")


def test_summoned_members_leave_out_exempt_and_away_members_and_add_visitors(tree):
    present = f.member(tree.a1)
    exempt = f.member(tree.a1)
    away = f.member(tree.a1)
    visitor = f.member(tree.b1)
    gone = f.member(tree.a1)
    member_change_status(member=exempt, status=MemberStatus.EXEMPT, effective_date=f.at(-30).date())
    member_change_status(member=away, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=f.at(-30).date(),
                         temporary_cell=tree.b1)
    member_change_status(member=visitor, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=f.at(-30).date(),
                         temporary_cell=tree.a1)
    member_change_status(member=gone, status=MemberStatus.TRANSFERRED_OUT, effective_date=f.at(-30).date())
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    assert set(summoned_members(meeting)) == {present, visitor}


def test_roll_call_is_recorded_and_marks_the_meeting_held(tree):
    a, b, c = f.member(tree.a1), f.member(tree.a1, official=False, admitted=f.at(-100).date()), f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    rows = attendance_record(meeting=meeting, entries={
        a.pk: ("present", ""), b.pk: ("excused", "Ốm"), c.pk: ("unexcused", "ignored"),
    })
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.roll_call_recorded_at
    by_member = {r.member_id: r for r in rows}
    assert (by_member[b.pk].status, by_member[b.pk].reason, by_member[b.pk].was_official) == ("excused", "Ốm", False)
    assert by_member[c.pk].reason == ""
    assert by_member[a.pk].was_official


def test_sending_the_same_roll_call_twice_writes_nothing_new(tree, django_assert_max_num_queries):
    a = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    attendance_record(meeting=meeting, entries={a.pk: ("present", "")})
    first = meeting.attendances.get()
    attendance_record(meeting=meeting, entries={a.pk: ("present", "")})
    again = meeting.attendances.get()
    assert (again.pk, again.recorded_at) == (first.pk, first.recorded_at)


def test_a_correction_updates_the_row_in_place(tree):
    a = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    attendance_record(meeting=meeting, entries={a.pk: ("unexcused", "")})
    attendance_record(meeting=meeting, entries={a.pk: ("excused", "Đi viện")})
    assert list(meeting.attendances.values_list("status", "reason")) == [("excused", "Đi viện")]


def test_roll_call_refuses_someone_not_summoned_and_writes_nothing(tree):
    a = f.member(tree.a1)
    stranger = f.member(tree.b1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    with pytest.raises(ValidationError):
        attendance_record(meeting=meeting, entries={a.pk: ("present", ""), stranger.pk: ("present", "")})
    assert not meeting.attendances.exists()


def test_an_exempt_member_may_be_recorded_present_only(tree):
    exempt = f.member(tree.a1)
    member_change_status(member=exempt, status=MemberStatus.EXEMPT, effective_date=f.at(-30).date())
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    attendance_record(meeting=meeting, entries={exempt.pk: ("present", "")})
    with pytest.raises(ValidationError):
        attendance_record(meeting=meeting, entries={exempt.pk: ("unexcused", "")})


def test_roll_call_waits_for_the_meeting(tree):
    a = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(3))
    with pytest.raises(ValidationError):
        attendance_record(meeting=meeting, entries={a.pk: ("present", "")})


def test_services_ask_for_their_follow_ups_on_commit(tree, django_capture_on_commit_callbacks):
    a = f.member(tree.a1)
    with (mock.patch("rollups.tasks.rollups_refresh_meeting.delay") as refresh,
          mock.patch("meetings.tasks.check_absences.delay") as absences):
        with django_capture_on_commit_callbacks(execute=False) as scheduling:
            meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
        assert not refresh.called  # nothing leaves before the commit
        for callback in scheduling:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            attendance_record(meeting=meeting, entries={a.pk: ("present", "")})
    assert refresh.call_args_list == [mock.call(meeting.pk), mock.call(meeting.pk)]
    absences.assert_called_once_with(meeting.pk)
