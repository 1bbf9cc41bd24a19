"""Scheduling pages: new meetings of every kind, change, postpone and cancel, with clear messages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.services.schedule import meeting_schedule
from tests import factories as f
from tests.meetings.conftest import hold


def new_url(cell):
    return reverse("meeting_new", args=[cell.public_id])


def day(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_the_secretary_schedules_a_thematic_meeting(cast, login):
    response = login(cast.secretary).post(new_url(cast.tree.a1), {
        "kind": "thematic", "title": "Học tập Nghị quyết", "date": day(10), "start_time": "08:00",
        "end_time": "", "place": "Hội trường", "agenda": "Quán triệt"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meeting_detail", args=[meeting.public_id])
    assert meeting.kind == "thematic" and meeting.title == "Học tập Nghị quyết"
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=120)
    assert timezone.localtime(meeting.starts_at).hour == 8 and meeting.created_by == cast.secretary.user


def test_a_thematic_meeting_needs_its_topic_and_what_was_typed_stays(cast, login):
    response = login(cast.secretary).post(new_url(cast.tree.a1), {
        "kind": "thematic", "title": "", "date": day(10), "start_time": "08:00", "place": "Sân đình",
        "agenda": "Nội dung đã gõ"})
    page = response.content.decode()
    assert response.status_code == 200 and "Hãy ghi chủ đề của buổi sinh hoạt chuyên đề." in page
    assert 'value="Sân đình"' in page and "Nội dung đã gõ" in page
    assert not Meeting.objects.exists()


def test_an_end_before_the_start_is_refused(cast, login):
    response = login(cast.secretary).post(new_url(cast.tree.a1), {
        "kind": "extraordinary", "date": day(3), "start_time": "19:00", "end_time": "18:00"})
    assert "Giờ kết thúc phải sau giờ bắt đầu." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_second_regular_meeting_in_a_month_is_refused_on_the_date_field(cast, login):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    target = timezone.localdate() + dt.timedelta(days=5)
    response = login(cast.secretary).post(new_url(cast.tree.a1), {
        "kind": "regular", "date": target.replace(day=28 if target.day < 28 else 1).isoformat(),
        "start_time": "19:00"})
    assert "Chi bộ đã có buổi sinh hoạt thường kỳ trong tháng này." in response.content.decode()
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "committee", "outsider"])
def test_only_the_cells_officers_schedule(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(new_url(cast.tree.a1)).status_code == 404
    assert client.post(new_url(cast.tree.a1), {"kind": "extraordinary", "date": day(3),
                                               "start_time": "19:00"}).status_code == 404
    assert not Meeting.objects.exists()


def test_the_secretary_changes_place_and_agenda_and_the_calendar_sequence_rises(meeting, cast, login):
    local = timezone.localtime(meeting.starts_at)
    response = login(cast.secretary).post(reverse("meeting_edit", args=[meeting.public_id]), {
        "title": "", "date": local.date().isoformat(), "start_time": "20:00", "end_time": "21:45",
        "place": "Nhà ông Tư", "agenda": "Nội dung mới"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Nhà ông Tư" and meeting.agenda == "Nội dung mới" and meeting.sequence == 1
    assert timezone.localtime(meeting.starts_at).hour == 20


def test_the_edit_page_keeps_a_bad_entry(meeting, cast, login):
    local = timezone.localtime(meeting.starts_at)
    response = login(cast.secretary).post(reverse("meeting_edit", args=[meeting.public_id]), {
        "date": local.date().isoformat(), "start_time": "20:00", "end_time": "19:00", "place": "Nhà ông Tư"})
    assert "Giờ kết thúc phải sau giờ bắt đầu." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Nhà văn hóa thôn Đông" and meeting.sequence == 0


def test_postponing_needs_a_future_time_and_a_reason(meeting, cast, login):
    client = login(cast.secretary)
    page = client.post(reverse("meeting_postpone", args=[meeting.public_id]), {
        "date": day(-1), "start_time": "19:30", "reason": ""}).content.decode()
    assert "Thời gian mới phải ở tương lai." in page and "Trường này là bắt buộc." in page
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    response = client.post(reverse("meeting_postpone", args=[meeting.public_id]), {
        "date": day(6), "start_time": "19:30", "reason": "Trùng lịch bầu cử"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "postponed" and meeting.status_reason == "Trùng lịch bầu cử"
    assert meeting.scheduled_date == timezone.localdate() + dt.timedelta(days=3)  # the original date stays


def test_cancelling_needs_a_reason(meeting, cast, login):
    client = login(cast.secretary)
    assert "Trường này là bắt buộc." in client.post(reverse("meeting_cancel", args=[meeting.public_id]),
                                                     {"reason": " "}).content.decode()
    client.post(reverse("meeting_cancel", args=[meeting.public_id]), {"reason": "Bão số 5"})
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.status_reason == "Bão số 5"


def test_a_held_meeting_cannot_be_changed_from_the_pages(cast, login):
    held = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-2))
    hold(held, {})
    client = login(cast.secretary)
    for name in ("meeting_edit", "meeting_postpone", "meeting_cancel"):
        response = client.post(reverse(name, args=[held.public_id]), {"reason": "x"}, follow=True)
        assert "không sửa được nữa" in response.content.decode()
    held.refresh_from_db()
    assert held.status == "held" and held.sequence == 0


@pytest.mark.parametrize("who", ["member", "committee", "outsider"])
def test_only_the_cells_officers_change_postpone_or_cancel(meeting, cast, login, who):
    client = login(getattr(cast, who))
    for name in ("meeting_edit", "meeting_postpone", "meeting_cancel"):
        assert client.get(reverse(name, args=[meeting.public_id])).status_code == 404
        assert client.post(reverse(name, args=[meeting.public_id]), {
            "date": day(8), "start_time": "19:00", "end_time": "21:00", "reason": "x"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "planned" and meeting.sequence == 0


@pytest.mark.parametrize("name", ["meeting_new", "meeting_edit", "meeting_postpone", "meeting_cancel"])
def test_the_forms_keep_a_constant_number_of_queries(cast, login, meeting, django_assert_max_num_queries, name):
    client = login(cast.secretary)
    target = reverse(name, args=[cast.tree.a1.public_id if name == "meeting_new" else meeting.public_id])
    with django_assert_max_num_queries(8):
        assert client.get(target).status_code == 200


def test_a_meeting_that_has_already_started_is_refused_until_confirmed_and_nothing_typed_is_lost(cast, login):
    client = login(cast.secretary)
    typed = {"kind": "extraordinary", "title": "", "date": day(-1), "start_time": "08:00", "end_time": "",
             "place": "Hội trường", "agenda": "Bầu bổ sung chi ủy"}
    response = client.post(new_url(cast.tree.a1), typed)
    page = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Bầu bổ sung chi ủy" in page and 'name="started_confirmed"' in page
    response = client.post(new_url(cast.tree.a1), {**typed, "started_confirmed": "on"})
    assert response.status_code == 302 and Meeting.objects.get().agenda == "Bầu bổ sung chi ủy"
