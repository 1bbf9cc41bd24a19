"""The roll-call page: who may open it, the plain form, the JSON taps, bad input, query counts."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AbsenceExcuse, Attendance, Meeting, RollCallSubmission
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_cancel, meeting_schedule
from members.models import MemberStatus
from members.services import member_change_status
from tests import factories as f
from tests.rollcall.conftest import grow


def url(meeting):
    return reverse("roll_call", kwargs={"meeting_id": meeting.public_id})


def post_json(client, meeting, data):
    return client.post(url(meeting), data, HTTP_ACCEPT="application/json")


def test_the_secretary_sees_every_summoned_member_and_the_advance_excuses(cast, login, meeting):
    exempt = f.member(cast.tree.a1, name="Đỗ Văn Miễn")
    member_change_status(member=exempt, status=MemberStatus.EXEMPT, effective_date=f.at(-30).date())
    AbsenceExcuse.objects.create(meeting=meeting, member=cast.member, reason="Đi viện thăm mẹ", confirmed_for=meeting.starts_at)
    page = login(cast.secretary).get(url(meeting)).content.decode()
    assert "Trần Văn Bí" in page and "Lê Thị Hoa" in page
    assert "Đi viện thăm mẹ" in page
    assert f'name="status-{cast.member.public_id}" value="excused" checked' in page
    assert "Đảng viên miễn sinh hoạt" in page and "Đỗ Văn Miễn" in page
    assert 'name="idempotency_key"' in page
    assert "roll-call.js" in page and "<script>" not in page


def test_the_plain_form_records_the_roll_call(cast, login, meeting):
    response = login(cast.secretary).post(url(meeting), {
        "idempotency_key": "plain-form-key-1",
        f"status-{cast.secretary.public_id}": "present",
        f"status-{cast.member.public_id}": "excused", f"reason-{cast.member.public_id}": "Ốm",
    })
    assert response.status_code == 302
    assert set(meeting.attendances.values_list("member_id", "status", "reason")) == {
        (cast.secretary.pk, "present", ""), (cast.member.pk, "excused", "Ốm"),
    }
    assert Attendance.objects.filter(meeting=meeting).first().recorded_by == cast.secretary.user
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_all_present_marks_the_unmarked_and_keeps_excuses(cast, login, meeting):
    others = grow(cast.tree.a1, 3)
    AbsenceExcuse.objects.create(meeting=meeting, member=cast.member, reason="Công tác xa", confirmed_for=meeting.starts_at)
    login(cast.secretary).post(url(meeting), {
        "idempotency_key": "all-present-key-1", "all_present": "1",
        f"status-{cast.member.public_id}": "excused", f"reason-{cast.member.public_id}": "Công tác xa",
    })
    statuses = dict(meeting.attendances.values_list("member_id", "status"))
    assert statuses == {cast.secretary.pk: "present", cast.member.pk: "excused", **{m.pk: "present" for m in others}}


def test_a_tap_sent_twice_with_its_key_arrives_once(cast, login, meeting):
    client = login(cast.secretary)
    tap = {"idempotency_key": "tap-key-00000001", f"status-{cast.member.public_id}": "unexcused"}
    first = post_json(client, meeting, tap)
    assert first.status_code == 200 and first.json()["ok"]
    assert first.json()["saved"][str(cast.member.public_id)] == {"status": "unexcused", "reason": ""}
    post_json(client, meeting, {"idempotency_key": "tap-key-00000002", f"status-{cast.member.public_id}": "present"})
    again = post_json(client, meeting, tap)  # the first tap's answer was lost; it comes again
    assert again.status_code == 200
    assert meeting.attendances.get(member=cast.member).status == "present"
    assert Attendance.pgh_event_model.objects.filter(member_id=cast.member.pk).count() == 2
    assert RollCallSubmission.objects.filter(meeting=meeting).count() == 2


def test_naming_someone_not_summoned_is_refused_and_nothing_changes(cast, login, meeting):
    stranger = f.member(cast.tree.b1, name="Người Lạ")
    response = login(cast.secretary).post(url(meeting), {
        "idempotency_key": "stranger-key-01",
        f"status-{cast.member.public_id}": "excused", f"reason-{cast.member.public_id}": "Lý do đã gõ",
        f"status-{stranger.public_id}": "present",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "không có trong danh sách triệu tập" in page
    assert "Lý do đã gõ" in page  # what was typed is kept
    assert not meeting.attendances.exists()
    answer = post_json(login(cast.secretary), meeting, {f"status-{stranger.public_id}": "present"})
    assert answer.status_code == 400 and answer.json()["ok"] is False and answer.json()["errors"]


def test_a_cancelled_meeting_refuses_the_roll_call(cast, login):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    meeting_cancel(meeting=meeting, reason="Bão số 3")
    page = login(cast.secretary).get(url(meeting)).content.decode()
    assert "đã hủy" in page and "disabled" in page
    response = post_json(login(cast.secretary), meeting, {f"status-{cast.member.public_id}": "present"})
    assert response.status_code == 400 and "hủy" in response.json()["errors"][0]
    assert not meeting.attendances.exists()


def test_the_roll_call_opens_one_hour_before_the_meeting(cast, login):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(hours=3))
    page = login(cast.secretary).get(url(meeting)).content.decode()
    assert "một giờ trước" in page
    response = login(cast.secretary).post(url(meeting), {f"status-{cast.member.public_id}": "present"})
    assert response.status_code == 400 and not meeting.attendances.exists()
    soon = meeting_schedule(cell=cast.tree.a1, kind="extraordinary", starts_at=timezone.now() + dt.timedelta(minutes=50))
    assert post_json(login(cast.secretary), soon, {f"status-{cast.member.public_id}": "present"}).status_code == 200


@pytest.mark.parametrize("who", ["committee", "orgcom"])
def test_the_committees_above_read_the_roll_call_and_cannot_change_it(cast, login, meeting, who):
    attendance_record(meeting=meeting, entries={cast.member.pk: ("unexcused", "")})
    client = login(getattr(cast, who))
    page = client.get(url(meeting)).content.decode()
    assert "Lê Thị Hoa" in page and "disabled" in page and "Lưu điểm danh" not in page
    assert client.post(url(meeting), {f"status-{cast.member.public_id}": "present"}).status_code == 404
    assert meeting.attendances.get(member=cast.member).status == "unexcused"


@pytest.mark.parametrize("who", ["member", "outsider", "orgcom_of_other_province"])
def test_members_and_outsiders_get_a_404_and_change_nothing(cast, login, meeting, who):
    if who == "orgcom_of_other_province":
        other = f.org("Đảng bộ tỉnh Khác", kind="province")
        person = f.member(f.org("Chi bộ Khác", parent=f.org("Xã Khác", kind="grassroots_committee", parent=other)),
                          username="far")
        f.seat(person, other)
    else:
        person = getattr(cast, who)
    client = login(person)
    assert client.get(url(meeting)).status_code == 404
    assert client.post(url(meeting), {f"status-{cast.member.public_id}": "present"}).status_code == 404
    assert not meeting.attendances.exists()


def test_a_superuser_may_take_the_roll_call(cast, login, meeting):
    response = post_json(login(cast.admin), meeting, {f"status-{cast.member.public_id}": "present"})
    assert response.status_code == 200 and meeting.attendances.get(member=cast.member).recorded_by == cast.admin


def test_the_summary_counts_the_marks_and_the_rate(cast, login, meeting):
    grow(cast.tree.a1, 2)
    attendance_record(meeting=meeting, entries={cast.member.pk: ("excused", "Ốm"), cast.secretary.pk: ("present", "")})
    page = login(cast.secretary).get(url(meeting)).content.decode()
    assert 'data-count="present">1<' in page and 'data-count="excused">1<' in page
    assert 'data-count="unmarked">2<' in page and 'data-count="rate">25,0 %<' in page


@pytest.mark.parametrize("size", [10, 100])
def test_the_roll_call_page_keeps_a_constant_number_of_queries(cast, login, meeting, size,
                                                               django_assert_max_num_queries):
    members = grow(cast.tree.a1, size)
    for member in members[:3]:
        AbsenceExcuse.objects.create(meeting=meeting, member=member, reason="Bận việc gia đình", confirmed_for=meeting.starts_at)
    attendance_record(meeting=meeting, entries={m.pk: ("present", "") for m in members[3:]})
    client = login(cast.secretary)
    with django_assert_max_num_queries(12):
        assert client.get(url(meeting)).status_code == 200
    with django_assert_max_num_queries(26):
        response = post_json(client, meeting, {"idempotency_key": f"size-{size}-key",
                                               **{f"status-{m.public_id}": "unexcused" for m in members[:3]}})
    assert json.loads(response.content)["ok"]


def test_the_roll_call_speaks_english_when_asked(cast, login, meeting):
    client = login(cast.secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(url(meeting)).content.decode()
    assert "Roll call" in page and "Mark everyone else present" in page and "Absent without reason" in page
