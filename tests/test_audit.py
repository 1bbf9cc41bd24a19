"""Every change to members, positions, meetings and attendance leaves an audit event naming the actor."""

import pghistory.models

from meetings.models import Attendance
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from members.models import Member
from members.services import member_update
from tests import factories as f


def _events(model, pk):
    return pghistory.models.Events.objects.tracks(model.objects.get(pk=pk)).order_by("pgh_created_at")


def test_a_member_update_is_recorded_with_the_acting_user(cast):
    member_update(member=cast.member, actor=cast.secretary.user, phone="0912345678")
    events = list(_events(Member, cast.member.pk))
    assert events[-1].pgh_label == "update"
    assert events[-1].pgh_data["phone"] == "0912345678"
    assert events[-1].pgh_context["user"] == cast.secretary.user.pk


def test_a_bulk_roll_call_leaves_one_event_per_row(cast):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1))
    attendance_record(meeting=meeting, actor=cast.secretary.user, entries={
        cast.member.pk: ("present", ""), cast.secretary.pk: ("present", ""),
    })
    events = pghistory.models.Events.objects.references(*Attendance.objects.filter(meeting=meeting))
    inserts = [e for e in events if e.pgh_label == "insert" and e.pgh_model == "meetings.AttendanceEvent"]
    assert len(inserts) == 2
    assert {e.pgh_context["user"] for e in inserts} == {cast.secretary.user.pk}


def test_a_queryset_update_is_recorded_too(cast):
    Member.objects.filter(pk=cast.member.pk).update(phone="0988000111")
    assert list(_events(Member, cast.member.pk))[-1].pgh_data["phone"] == "0988000111"
