"""Meetings through the API: the member's list and detail, documents, comments, excuses, and the
secretary's schedule, change, postpone, cancel and roll call. Outsiders get 404 and change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AbsenceExcuse, Attendance, DraftComment, Meeting
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_cancel, meeting_schedule
from tests import factories as f


def url(meeting, suffix=""):
    return f"/api/v1/meetings/{meeting.public_id}/{suffix}"


# --- My meetings -------------------------------------------------------------------------------


def test_my_meetings_lists_the_upcoming_meetings_of_my_cells_soonest_first(cast, api):
    later = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(40))
    sooner = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), kind="thematic")
    meeting_schedule(cell=cast.tree.b1, starts_at=f.at(4))  # another commune's cell
    body = api(cast.member).get("/api/v1/meetings/").json()
    assert [m["id"] for m in body["results"]] == [str(sooner.public_id), str(later.public_id)]
    assert body["results"][0]["cell"]["name"] == "Chi bộ thôn Đông"


def test_past_meetings_are_the_held_cancelled_and_ended_ones_latest_first(cast, api):
    held = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-40), kind="extraordinary")
    cancelled = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(10), kind="extraordinary")
    meeting_cancel(meeting=cancelled, reason="Trùng lịch")
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    body = api(cast.member).get("/api/v1/meetings/?when=past").json()
    assert [m["id"] for m in body["results"]] == [str(cancelled.public_id), str(held.public_id)]


def test_my_meetings_filter_by_dates(cast, api):
    first = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), kind="extraordinary")
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(20), kind="extraordinary")
    day = timezone.localdate(first.starts_at)
    body = api(cast.member).get(f"/api/v1/meetings/?when=all&date_from={day}&date_to={day}").json()
    assert [m["id"] for m in body["results"]] == [str(first.public_id)]


def test_dates_in_the_wrong_order_or_form_are_a_400_with_fields(cast, api):
    client = api(cast.member)
    body = client.get("/api/v1/meetings/?date_from=2026-05-01&date_to=2026-04-01").json()
    assert list(body["error"]["fields"]) == ["date_to"]
    body = client.get("/api/v1/meetings/?date_from=01/05/2026&when=soon").json()
    assert body["error"]["code"] == "invalid" and set(body["error"]["fields"]) == {"date_from", "when"}


# --- Detail, documents ---------------------------------------------------------------------------


def test_a_member_reads_the_meeting_with_agenda_documents_and_draft(cast, api, meeting):
    body = api(cast.member).get(url(meeting.meeting)).json()
    assert body["agenda"] == "Kiểm điểm công tác quý"
    assert body["draft_resolution"]["text"].startswith("Nghị quyết tháng")
    assert body["draft_resolution"]["comment_count"] == 1
    assert body["documents"][0]["title"] == "Dự thảo báo cáo"
    assert body["documents"][0]["download_url"].endswith(f"/documents/{meeting.document.public_id}/")
    assert body["can_manage"] is False and body["my_excuse"] is None


def test_the_secretary_sees_they_can_manage_and_the_committee_can_read(cast, api, meeting):
    assert api(cast.secretary).get(url(meeting.meeting)).json()["can_manage"] is True
    assert api(cast.committee).get(url(meeting.meeting)).json()["can_manage"] is False
    assert api(cast.orgcom).get(url(meeting.meeting)).status_code == 200


def test_an_outsider_gets_404_for_the_meeting_and_everything_in_it(cast, api, meeting):
    client = api(cast.outsider)
    for path in ["", "comments/", f"documents/{meeting.document.public_id}/", "roll-call/"]:
        response = client.get(url(meeting.meeting, path))
        assert response.status_code == 404, path
        assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy.", "fields": {}}}


def test_a_member_downloads_a_document(cast, api, meeting):
    response = api(cast.member).get(url(meeting.meeting, f"documents/{meeting.document.public_id}/"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"noi dung 11"
    assert response["Content-Disposition"].startswith("attachment") and "D%E1%BB%B1%20th%E1%BA%A3o" in response["Content-Disposition"]


def test_a_document_of_another_meeting_is_a_404(cast, api, meeting):
    other = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(9), kind="extraordinary")
    response = api(cast.member).get(url(other, f"documents/{meeting.document.public_id}/"))
    assert response.status_code == 404


# --- Comments and excuses ----------------------------------------------------------------------


def test_a_member_comments_on_the_draft(cast, api, meeting):
    response = api(cast.member).post(url(meeting.meeting, "comments/"), {"text": "  Thêm chỉ tiêu kết nạp.  "}, format="json")
    assert response.status_code == 201
    assert response.json()["text"] == "Thêm chỉ tiêu kết nạp." and response.json()["member"]["full_name"] == "Lê Thị Hoa"
    listed = api(cast.member).get(url(meeting.meeting, "comments/")).json()
    assert [c["text"] for c in listed["results"]] == ["Đề nghị bổ sung nhiệm vụ.", "Thêm chỉ tiêu kết nạp."]


def test_an_overseer_reads_the_comments_but_does_not_comment(cast, api, meeting):
    client = api(cast.committee)
    assert client.get(url(meeting.meeting, "comments/")).json()["count"] == 1
    response = client.post(url(meeting.meeting, "comments/"), {"text": "Ý kiến"}, format="json")
    assert response.status_code == 400
    assert DraftComment.objects.count() == 1


def test_an_outsider_cannot_comment(cast, api, meeting):
    response = api(cast.outsider).post(url(meeting.meeting, "comments/"), {"text": "Ý kiến"}, format="json")
    assert response.status_code == 404
    assert DraftComment.objects.count() == 1


def test_an_empty_or_non_text_comment_is_a_400(cast, api, meeting):
    client = api(cast.member)
    for text in ["", "   ", 5, None, ["a"]]:
        response = client.post(url(meeting.meeting, "comments/"), {"text": text}, format="json")
        assert response.status_code == 400 and "text" in response.json()["error"]["fields"], text


def test_comments_without_a_draft_are_an_empty_list_and_refused(cast, api):
    plain = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    client = api(cast.member)
    assert client.get(url(plain, "comments/")).json()["count"] == 0
    response = client.post(url(plain, "comments/"), {"text": "Ý kiến"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["non_field_errors"]


def test_a_member_excuses_themself_and_withdraws(cast, api, meeting):
    client = api(cast.member)
    response = client.put(url(meeting.meeting, "excuse/"), {"reason": "Đi công tác"}, format="json")
    assert response.status_code == 200 and response.json()["reason"] == "Đi công tác"
    assert client.get(url(meeting.meeting)).json()["my_excuse"]["reason"] == "Đi công tác"
    client.put(url(meeting.meeting, "excuse/"), {"reason": "Ốm"}, format="json")
    assert AbsenceExcuse.objects.get().reason == "Ốm"
    assert client.delete(url(meeting.meeting, "excuse/")).status_code == 204
    assert client.get(url(meeting.meeting)).json()["my_excuse"] is None
    roll = api(cast.secretary).get(url(meeting.meeting, "roll-call/")).json()
    assert all(entry["excuse"] is None for entry in roll["entries"])


def test_the_secretary_sees_the_excuse_in_the_roll_call(cast, api, meeting):
    api(cast.member).put(url(meeting.meeting, "excuse/"), {"reason": "Đi công tác"}, format="json")
    roll = api(cast.secretary).get(url(meeting.meeting, "roll-call/")).json()
    assert {e["member"]["full_name"]: e["excuse"] for e in roll["entries"]}["Lê Thị Hoa"] == "Đi công tác"


def test_an_excuse_after_the_start_or_from_someone_not_summoned_is_refused(cast, api, meeting):
    response = api(cast.committee).put(url(meeting.meeting, "excuse/"), {"reason": "Bận"}, format="json")
    assert response.status_code == 400
    started = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() - dt.timedelta(minutes=5), kind="extraordinary")
    response = api(cast.member).put(url(started, "excuse/"), {"reason": "Bận"}, format="json")
    assert response.status_code == 400
    assert not AbsenceExcuse.objects.exists()


def test_an_outsider_cannot_excuse_themself_from_another_cells_meeting(cast, api, meeting):
    response = api(cast.outsider).put(url(meeting.meeting, "excuse/"), {"reason": "Bận"}, format="json")
    assert response.status_code == 404 and not AbsenceExcuse.objects.exists()


# --- Scheduling ----------------------------------------------------------------------------------


def schedule(client, cell, **data):
    body = {"starts_at": f.at(12).isoformat(), "agenda": "Triển khai nghị quyết", **data}
    return client.post(f"/api/v1/cells/{cell.public_id}/meetings/", body, format="json")


def test_the_secretary_schedules_a_meeting(cast, api):
    response = schedule(api(cast.secretary), cast.tree.a1, kind="thematic", title="Chuyển đổi số")
    assert response.status_code == 201
    body = response.json()
    meeting = Meeting.objects.get(public_id=body["id"])
    assert meeting.kind == "thematic" and meeting.created_by == cast.secretary.user
    assert body["place"] == "Nhà văn hóa thôn Đông" and body["can_manage"] is True


@pytest.mark.parametrize("who", ["member", "committee", "orgcom", "outsider"])
def test_only_the_cells_officers_schedule(cast, api, who):
    response = schedule(api(getattr(cast, who)), cast.tree.a1)
    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_a_second_regular_meeting_in_a_month_is_a_400_on_starts_at(cast, api):
    client = api(cast.secretary)
    start = f.at(40).replace(day=5)
    assert schedule(client, cast.tree.a1, starts_at=start.isoformat()).status_code == 201
    response = schedule(client, cast.tree.a1, starts_at=start.replace(day=20).isoformat())
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["starts_at"]


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:59:59Z", "1000-01-01T00:00:00+14:00", "hôm nay", 20260101, None])
def test_absurd_times_are_a_400_never_a_500(cast, api, starts_at):
    response = schedule(api(cast.secretary), cast.tree.a1, starts_at=starts_at)
    assert response.status_code == 400
    assert "starts_at" in response.json()["error"]["fields"]


def test_the_secretary_changes_postpones_and_cancels(cast, api, meeting):
    client = api(cast.secretary)
    changed = client.patch(url(meeting.meeting), {"place": "Hội trường xã"}, format="json").json()
    assert changed["place"] == "Hội trường xã" and changed["sequence"] == 1
    new_time = f.at(6).isoformat()
    postponed = client.post(url(meeting.meeting, "postpone/"), {"starts_at": new_time, "reason": "Mưa bão"}, format="json")
    assert postponed.status_code == 200 and postponed.json()["status"] == "postponed"
    cancelled = client.post(url(meeting.meeting, "cancel/"), {"reason": "Dịch bệnh"}, format="json")
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["status_reason"] == "Dịch bệnh"
    again = client.post(url(meeting.meeting, "cancel/"), {"reason": "Dịch bệnh"}, format="json")
    assert again.status_code == 400 and again.json()["error"]["fields"]["non_field_errors"]


def test_an_empty_change_or_reason_is_a_400(cast, api, meeting):
    client = api(cast.secretary)
    assert client.patch(url(meeting.meeting), {}, format="json").status_code == 400
    assert client.post(url(meeting.meeting, "cancel/"), {"reason": "  "}, format="json").status_code == 400
    meeting.meeting.refresh_from_db()
    assert meeting.meeting.status == "planned"


@pytest.mark.parametrize("who", ["member", "committee", "outsider"])
def test_nobody_else_changes_postpones_or_cancels(cast, api, meeting, who):
    client = api(getattr(cast, who))
    assert client.patch(url(meeting.meeting), {"place": "X"}, format="json").status_code == 404
    assert client.post(url(meeting.meeting, "postpone/"), {"starts_at": f.at(6).isoformat(), "reason": "X"},
                       format="json").status_code == 404
    assert client.post(url(meeting.meeting, "cancel/"), {"reason": "X"}, format="json").status_code == 404
    meeting.meeting.refresh_from_db()
    assert (meeting.meeting.status, meeting.meeting.sequence) == ("planned", 0)


# --- Roll call -----------------------------------------------------------------------------------------


@pytest.fixture
def starting(cast):
    return meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(minutes=20), kind="extraordinary")


def roll_call(cast, excused_reason="Ốm"):
    return {"entries": [
        {"member_id": str(cast.secretary.public_id), "status": "present"},
        {"member_id": str(cast.member.public_id), "status": "excused", "reason": excused_reason},
    ]}


def test_the_secretary_submits_the_roll_call(cast, api, starting):
    response = api(cast.secretary).put(url(starting, "roll-call/"), roll_call(cast), format="json")
    assert response.status_code == 200
    entries = {e["member"]["full_name"]: (e["status"], e["reason"]) for e in response.json()["entries"]}
    assert entries == {"Trần Văn Bí": ("present", ""), "Lê Thị Hoa": ("excused", "Ốm")}
    starting.refresh_from_db()
    assert starting.status == "held" and response.json()["recorded_at"]


def test_sending_the_same_roll_call_twice_changes_nothing(cast, api, starting):
    client = api(cast.secretary)
    first = client.put(url(starting, "roll-call/"), roll_call(cast), format="json").json()
    before = list(Attendance.objects.order_by("pk").values_list("pk", "status", "reason", "recorded_at"))
    second = client.put(url(starting, "roll-call/"), roll_call(cast), format="json")
    assert second.status_code == 200 and second.json() == first
    assert list(Attendance.objects.order_by("pk").values_list("pk", "status", "reason", "recorded_at")) == before


def test_a_correction_changes_only_what_changed(cast, api, starting):
    client = api(cast.secretary)
    client.put(url(starting, "roll-call/"), roll_call(cast), format="json")
    present = Attendance.objects.get(member=cast.secretary)
    client.put(url(starting, "roll-call/"), roll_call(cast, excused_reason="Đi viện"), format="json")
    assert Attendance.objects.get(member=cast.member).reason == "Đi viện"
    assert Attendance.objects.get(member=cast.secretary).recorded_at == present.recorded_at


def test_a_roll_call_naming_a_stranger_or_twice_the_same_member_is_a_400(cast, api, starting):
    client = api(cast.secretary)
    body = {"entries": [{"member_id": str(cast.outsider.public_id), "status": "present"}]}
    response = client.put(url(starting, "roll-call/"), body, format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["entries.0.member_id"]
    twice = {"entries": [{"member_id": str(cast.member.public_id), "status": "present"}] * 2}
    assert client.put(url(starting, "roll-call/"), twice, format="json").status_code == 400
    bad = {"entries": [{"member_id": str(cast.member.public_id), "status": "late"}]}
    response = client.put(url(starting, "roll-call/"), bad, format="json")
    assert list(response.json()["error"]["fields"]) == ["entries.0.status"]
    assert not Attendance.objects.exists()


def test_the_roll_call_does_not_open_days_before_the_meeting(cast, api, meeting):
    response = api(cast.secretary).put(url(meeting.meeting, "roll-call/"), roll_call(cast), format="json")
    assert response.status_code == 400 and not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_members_and_outsiders_get_404_for_the_roll_call(cast, api, starting, who):
    client = api(getattr(cast, who))
    assert client.get(url(starting, "roll-call/")).status_code == 404
    assert client.put(url(starting, "roll-call/"), roll_call(cast), format="json").status_code == 404
    assert not Attendance.objects.exists()


def test_the_committee_above_reads_the_roll_call_as_on_the_page_but_does_not_call_it(cast, api, starting):
    client = api(cast.committee)
    response = client.get(url(starting, "roll-call/"))
    assert response.status_code == 200 and response.json()["can_write"] is False
    assert client.put(url(starting, "roll-call/"), roll_call(cast), format="json").status_code == 404
    assert not Attendance.objects.exists()
    assert api(cast.secretary).get(url(starting, "roll-call/")).json()["can_write"] is True


def test_the_roll_call_shows_what_was_recorded_through_the_pages_too(cast, api, starting):
    attendance_record(meeting=starting, entries={cast.member.pk: ("unexcused", "")})
    entries = api(cast.secretary).get(url(starting, "roll-call/")).json()["entries"]
    assert {e["member"]["full_name"]: e["status"] for e in entries} == {"Lê Thị Hoa": "unexcused", "Trần Văn Bí": None}


def test_postponing_to_an_end_before_the_start_is_a_400_not_a_500(cast, api, meeting):
    body = {"starts_at": f.at(6).isoformat(), "ends_at": f.at(5).isoformat(), "reason": "Mưa bão"}
    response = api(cast.secretary).post(url(meeting.meeting, "postpone/"), body, format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["ends_at"]


@pytest.mark.parametrize(("who", "cell", "visible"), [
    ("member", "a1", True), ("secretary", "a1", True), ("committee", "a1", True), ("orgcom", "b1", True),
    ("member", "a2", False), ("secretary", "b1", False), ("outsider", "a1", False), ("committee", "b1", False),
])
def test_a_cells_meetings_are_listed_for_whoever_may_see_the_cell(cast, api, who, cell, visible):
    target = getattr(cast.tree, cell)
    meeting_schedule(cell=target, starts_at=f.at(5))
    response = api(getattr(cast, who)).get(f"/api/v1/cells/{target.public_id}/meetings/")
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response.json()["count"] == 1


@pytest.mark.parametrize(("who", "cell"), [("secretary", "a1"), ("committee", "a2"), ("outsider", "b1")])
def test_my_meetings_are_those_of_my_own_cells_whatever_my_role(cast, api, who, cell):
    for name in ("a1", "a2", "b1"):
        meeting_schedule(cell=getattr(cast.tree, name), starts_at=f.at(5))
    results = api(getattr(cast, who)).get("/api/v1/meetings/").json()["results"]
    assert [m["cell"]["id"] for m in results] == [str(getattr(cast.tree, cell).public_id)]


def test_a_retried_submission_with_the_same_key_cannot_undo_a_later_correction(cast, api, starting):
    client = api(cast.secretary)
    path = url(starting, "roll-call/")
    client.put(path, roll_call(cast, excused_reason="Ốm"), format="json", HTTP_IDEMPOTENCY_KEY="first-submission")
    client.put(path, roll_call(cast, excused_reason="Đi viện"), format="json", HTTP_IDEMPOTENCY_KEY="correction-1")
    late_retry = client.put(path, roll_call(cast, excused_reason="Ốm"), format="json",
                            HTTP_IDEMPOTENCY_KEY="first-submission")
    assert late_retry.status_code == 200
    assert Attendance.objects.get(member=cast.member).reason == "Đi viện"
    bad_key = client.put(path, roll_call(cast), format="json", HTTP_IDEMPOTENCY_KEY="no spaces!")
    assert bad_key.status_code == 400


def test_a_null_status_clears_a_mark_and_the_roll_call_says_when_it_is_closed(cast, api, starting, meeting):
    client = api(cast.secretary)
    client.put(url(starting, "roll-call/"), roll_call(cast), format="json")
    body = {"entries": [{"member_id": str(cast.member.public_id), "status": None}]}
    entries = client.put(url(starting, "roll-call/"), body, format="json").json()["entries"]
    assert {e["member"]["full_name"]: e["status"] for e in entries} == {"Lê Thị Hoa": None, "Trần Văn Bí": "present"}
    assert client.get(url(starting, "roll-call/")).json()["problem"] is None
    assert client.get(url(meeting.meeting, "roll-call/")).json()["problem"] == "Chỉ điểm danh được từ một giờ trước khi buổi sinh hoạt bắt đầu."


def test_the_roll_call_summary_and_rate_are_those_the_roll_call_and_minutes_pages_show(cast, api, login, starting):
    third = f.member(cast.tree.a1, name="Đỗ Văn Ba")
    attendance_record(meeting=starting, entries={
        cast.secretary.pk: ("present", ""), cast.member.pk: ("present", ""), third.pk: ("unexcused", ""),
    })
    summary = api(cast.secretary).get(url(starting, "roll-call/")).json()["summary"]
    assert summary == {
        "summoned": 3, "present": 2, "excused": 0, "unexcused": 1, "unmarked": 0, "exempt_present": 0,
        "official_summoned": 3, "official_present": 2, "rate": 66.7,
    }
    client = login(cast.secretary)
    for page in ("roll_call", "minutes_edit"):
        shown = client.get(reverse(page, kwargs={"meeting_id": starting.public_id})).context["summary"]
        assert (shown.summoned, len(shown.present), len(shown.unexcused)) == (3, 2, 1)
        assert shown.rate == Decimal(str(summary["rate"])), page


def test_the_roll_call_says_why_each_member_is_on_it_and_who_is_not_marked_yet(cast, api, starting):
    probationary = f.member(cast.tree.a1, name="Đặng Thị Mới", official=False)
    attendance_record(meeting=starting, entries={cast.member.pk: ("present", "")})
    entries = {e["member"]["full_name"]: e for e in api(cast.secretary).get(url(starting, "roll-call/")).json()["entries"]}
    assert {name: (e["basis"], e["status"]) for name, e in entries.items()} == {
        "Trần Văn Bí": ("official", None), "Lê Thị Hoa": ("official", "present"),
        probationary.full_name: ("probationary", None),
    }


def test_a_roll_call_write_takes_only_present_excused_unexcused_or_a_clear(cast, api, starting):
    client = api(cast.secretary)
    unmarked = {"entries": [{"member_id": str(cast.member.public_id), "status": "unmarked"}]}
    response = client.put(url(starting, "roll-call/"), unmarked, format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["entries.0.status"]
    assert not Attendance.objects.exists()
    client.put(url(starting, "roll-call/"), roll_call(cast), format="json")
    cleared = {"entries": [{"member_id": str(cast.member.public_id), "status": ""}]}
    entries = client.put(url(starting, "roll-call/"), cleared, format="json").json()["entries"]
    assert {e["member"]["full_name"]: e["status"] for e in entries} == {"Lê Thị Hoa": None, "Trần Văn Bí": "present"}


def test_the_services_refusal_of_a_roll_call_is_the_usual_error_body(cast, api, starting):
    exempt = f.member(cast.tree.a1, name="Ngô Văn Miễn", status="exempt")
    body = {"entries": [{"member_id": str(exempt.public_id), "status": "unexcused"}]}
    response = api(cast.secretary).put(url(starting, "roll-call/"), body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["fields"]["non_field_errors"] == [error["message"]]
    assert not Attendance.objects.exists()
