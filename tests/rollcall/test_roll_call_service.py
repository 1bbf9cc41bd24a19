"""The roll-call service: idempotency keys, corrections, exempt members, the sheet it builds on."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import AbsenceExcuse, Attendance, Meeting, RollCallSubmission
from meetings.roll_call_selectors import attendance_summary, roll_call_sheet
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_cancel, meeting_schedule
from members.models import MemberStatus
from members.services import member_change_status
from tests import factories as f


@pytest.fixture
def meeting(tree):
    return meeting_schedule(cell=tree.a1, starts_at=timezone.now() - dt.timedelta(minutes=30))


def test_a_submission_with_a_key_already_received_changes_nothing(tree, meeting):
    a = f.member(tree.a1)
    attendance_record(meeting=meeting, entries={a.pk: ("present", "")}, idempotency_key="key-first-0001")
    attendance_record(meeting=meeting, entries={a.pk: ("unexcused", "")}, idempotency_key="key-later-0002")
    # The first submission arrives again (its answer was lost): the later correction stands.
    rows = attendance_record(meeting=meeting, entries={a.pk: ("present", "")}, idempotency_key="key-first-0001")
    assert [(r.member_id, r.status) for r in rows] == [(a.pk, "unexcused")]
    assert RollCallSubmission.objects.filter(meeting=meeting).count() == 2


def test_a_retried_submission_writes_no_audit_event(tree, meeting):
    a = f.member(tree.a1)
    attendance_record(meeting=meeting, entries={a.pk: ("excused", "Ốm")}, idempotency_key="retry-key-001")
    events = Attendance.pgh_event_model.objects.count()
    attendance_record(meeting=meeting, entries={a.pk: ("excused", "Ốm")}, idempotency_key="retry-key-001")
    assert Attendance.pgh_event_model.objects.count() == events


def test_a_refused_submission_does_not_burn_its_key(tree, meeting):
    a, stranger = f.member(tree.a1), f.member(tree.b1)
    with pytest.raises(ValidationError):
        attendance_record(meeting=meeting, entries={stranger.pk: ("present", "")}, idempotency_key="burnt-key-01")
    attendance_record(meeting=meeting, entries={a.pk: ("present", "")}, idempotency_key="burnt-key-01")
    assert meeting.attendances.get().member_id == a.pk


def test_a_malformed_key_is_refused_with_a_message(tree, meeting):
    a = f.member(tree.a1)
    with pytest.raises(ValidationError, match="Mã lần gửi"):
        attendance_record(meeting=meeting, entries={a.pk: ("present", "")}, idempotency_key="<script>")
    assert not meeting.attendances.exists()


def test_a_cancelled_meeting_takes_no_roll_call(tree):
    a = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    meeting_cancel(meeting=meeting, reason="Bão")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5),
                                                 ends_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="hủy|cancelled"):
        attendance_record(meeting=meeting, entries={a.pk: ("present", "")})
    assert not meeting.attendances.exists()


def test_an_exempt_member_marked_present_by_mistake_can_be_cleared(tree, meeting):
    exempt = f.member(tree.a1)
    member_change_status(member=exempt, status=MemberStatus.EXEMPT, effective_date=f.at(-30).date())
    attendance_record(meeting=meeting, entries={exempt.pk: ("present", "")})
    attendance_record(meeting=meeting, entries={exempt.pk: ("", "")})
    assert not meeting.attendances.exists()


def test_an_exempt_member_cannot_be_marked_absent_and_the_message_names_them(tree, meeting):
    exempt = f.member(tree.a1, name="Đỗ Văn Miễn")
    member_change_status(member=exempt, status=MemberStatus.EXEMPT, effective_date=f.at(-30).date())
    with pytest.raises(ValidationError, match="Đỗ Văn Miễn"):
        attendance_record(meeting=meeting, entries={exempt.pk: ("excused", "Ốm")})


def test_the_sheet_starts_from_advance_excuses_and_keeps_earlier_marks(tree, meeting):
    excused, marked, fresh = f.member(tree.a1, name="A Báo"), f.member(tree.a1, name="B Đã"), f.member(tree.a1, name="C Mới")
    AbsenceExcuse.objects.create(meeting=meeting, member=excused, reason="Đi công tác", confirmed_for=meeting.starts_at)
    AbsenceExcuse.objects.create(meeting=meeting, member=fresh, reason="Rút lại", withdrawn_at=timezone.now(), confirmed_for=meeting.starts_at)
    attendance_record(meeting=meeting, entries={marked.pk: ("unexcused", "")})
    rows = {row.member.pk: row for row in roll_call_sheet(meeting).summoned}
    assert (rows[excused.pk].status, rows[excused.pk].reason, rows[excused.pk].saved_status) == ("excused", "Đi công tác", "")
    assert rows[marked.pk].status == "unexcused"
    assert rows[fresh.pk].status == "" and rows[fresh.pk].excuse is None


def test_the_summary_counts_what_was_recorded_and_the_rate(tree, meeting):
    members = [f.member(tree.a1) for _ in range(4)]
    probationary = f.member(tree.a1, official=False, admitted=f.at(-100).date())
    attendance_record(meeting=meeting, entries={
        members[0].pk: ("present", ""), members[1].pk: ("present", ""), probationary.pk: ("present", ""),
        members[2].pk: ("excused", "Ốm"),
    })
    summary = attendance_summary(roll_call_sheet(meeting))
    assert summary.summoned == 5
    assert (len(summary.present), len(summary.excused), len(summary.unexcused), len(summary.unmarked)) == (3, 1, 0, 1)
    assert summary.rate == pytest.approx(60.0)
    assert (summary.official_summoned, summary.official_present) == (4, 2)
    assert summary.excused[0].saved_reason == "Ốm"


def test_a_member_recorded_then_exempted_stays_among_the_summoned(tree, meeting):
    a = f.member(tree.a1)
    attendance_record(meeting=meeting, entries={a.pk: ("unexcused", "")})
    member_change_status(member=a, status=MemberStatus.EXEMPT, effective_date=f.at(-30).date())
    sheet = roll_call_sheet(meeting)
    assert [row.member for row in sheet.summoned] == [a] and sheet.summoned[0].status == "unexcused"
