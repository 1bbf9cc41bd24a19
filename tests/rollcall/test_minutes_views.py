"""Minutes pages: the officers' form, members' read-only view, the A4 print page and the PDF."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings.models import DraftResolution, Minutes
from meetings.services.minutes import minutes_amend, minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from tests import factories as f
from tests.rollcall.conftest import grow


def url(name, meeting):
    return reverse(name, kwargs={"meeting_id": meeting.public_id})


@pytest.fixture
def held(cast, meeting):
    """The roll call of `meeting`: the secretary and two members present, Hoa excused, one absent."""
    present = [f.member(cast.tree.a1, name="Ngô Thị Lan"), f.member(cast.tree.a1, name="Đặng Văn Hùng")]
    absent = f.member(cast.tree.a1, name="Bùi Văn Vắng")
    attendance_record(meeting=meeting, entries={
        cast.secretary.pk: ("present", ""), present[0].pk: ("present", ""), present[1].pk: ("present", ""),
        cast.member.pk: ("excused", "Đi viện thăm mẹ"), absent.pk: ("unexcused", ""),
    })
    meeting.refresh_from_db()
    return meeting, present


def form_data(cast, held, **overrides):
    meeting, present = held
    data = {
        "number": "12", "chair": str(cast.secretary.public_id), "minute_taker": str(present[0].public_id),
        "contents": "Kiểm điểm công tác tháng; triển khai nhiệm vụ.", "opinions": "Đồng chí Hùng đề nghị sửa đường.",
        "conclusions": "Giao đồng chí Hùng lập kế hoạch trước ngày 15.", "votes_for": "3", "votes_against": "0",
        "votes_abstain": "0", "resolution": "1. Hoàn thành sửa đường liên thôn.\n2. Thu đảng phí đúng hạn.",
    }
    data.update(overrides)
    return data


def complete(cast, held):
    meeting, present = held
    minutes_save(meeting=meeting, number="12", chair=cast.secretary, minute_taker=present[0],
                 contents="Kiểm điểm công tác tháng", votes_for=3, resolution="Thu đảng phí đúng hạn.")
    minutes_finalize(meeting=meeting)
    return Minutes.objects.get(meeting=meeting)


def test_the_minutes_wait_for_the_roll_call(cast, login, meeting):
    page = login(cast.secretary).get(url("minutes_edit", meeting)).content.decode()
    assert "Cần điểm danh trước" in page and url("roll_call", meeting) in page
    response = login(cast.secretary).post(url("minutes_edit", meeting), {"contents": "x", "votes_for": "0",
                                                                         "votes_against": "0", "votes_abstain": "0"})
    assert response.status_code == 400 and not Minutes.objects.exists()


def test_the_form_starts_from_the_roll_call_the_agenda_and_the_draft_resolution(cast, login, held):
    meeting, _ = held
    DraftResolution.objects.create(meeting=meeting, text="Dự thảo: sửa đường liên thôn")
    page = login(cast.secretary).get(url("minutes_edit", meeting)).content.decode()
    assert "Tổng số đảng viên được triệu tập: 5 đồng chí, trong đó 5 đảng viên chính thức." in page
    assert "Có mặt: 3 đồng chí. Vắng mặt: 2 đồng chí." in page
    assert "đồng chí Lê Thị Hoa — Đi viện thăm mẹ" in page
    assert "Vắng không lý do (1 đồng chí):" in page and "đồng chí Bùi Văn Vắng" in page
    assert "Tỷ lệ dự họp: <strong>60,0 %</strong>" in page
    assert "Dự thảo: sửa đường liên thôn</textarea>" in page
    assert "Kiểm điểm công tác tháng" in page  # the agenda starts the contents
    assert f'<option value="{cast.secretary.public_id}" selected>' in page  # the secretary chairs
    assert "Bùi Văn Vắng</option>" not in page  # only the members present can be chosen


def test_the_secretary_writes_the_minutes_and_marks_them_complete(cast, login, held):
    meeting, present = held
    client = login(cast.secretary)
    assert client.post(url("minutes_edit", meeting), form_data(cast, held)).status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert (minutes.number, minutes.chair, minutes.minute_taker, minutes.votes_for) == ("12", cast.secretary, present[0], 3)
    assert minutes.finalized_at is None and minutes.updated_by == cast.secretary.user
    response = client.post(url("minutes_edit", meeting), {**form_data(cast, held), "finalize": "1"})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.finalized_at is not None
    page = client.get(url("minutes_edit", meeting)).content.decode()
    assert "Biên bản đã hoàn thành." in page and "Hoàn thành đúng hạn" in page


def test_finished_minutes_change_only_by_a_numbered_amendment_shown_with_old_and_new(cast, login, held):
    meeting, present = held
    complete(cast, held)
    client = login(cast.secretary)
    page = client.get(url("minutes_edit", meeting)).content.decode()
    assert 'name="reason"' in page and 'name="finalize"' not in page
    without_reason = client.post(url("minutes_edit", meeting), form_data(cast, held, contents="Nội dung đã sửa"))
    assert without_reason.status_code == 400 and Minutes.objects.get().contents == "Kiểm điểm công tác tháng"
    response = client.post(url("minutes_edit", meeting), form_data(
        cast, held, contents="Nội dung đã sửa", minute_taker=str(present[1].public_id), reason="Ghi nhầm thư ký"))
    assert response.status_code == 302
    minutes = Minutes.objects.get()
    assert (minutes.contents, minutes.minute_taker) == ("Nội dung đã sửa", present[1])
    amendment = minutes.amendments.get()
    assert (amendment.number, amendment.reason, amendment.made_by) == (1, "Ghi nhầm thư ký", cast.secretary.user)
    changed = {c["field"]: (c["old"], c["new"]) for c in amendment.changes}
    assert changed["minute_taker"] == ("Ngô Thị Lan", "Đặng Văn Hùng")
    assert changed["contents"] == ("Kiểm điểm công tác tháng", "Nội dung đã sửa")
    page = client.get(url("minutes_edit", meeting)).content.decode()
    assert 'data-amendment="1"' in page and "Ghi nhầm thư ký" in page and "đồng chí Trần Văn Bí" in page
    assert "“Ngô Thị Lan” → “Đặng Văn Hùng”" in page


def test_a_vote_total_above_the_official_members_present_is_refused_and_the_text_kept(cast, login, held):
    meeting, _ = held
    response = login(cast.secretary).post(url("minutes_edit", meeting),
                                          form_data(cast, held, votes_for="3", votes_against="1", contents="Giữ lại chữ này"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tổng số biểu quyết là 4 nhưng chỉ có 3 đảng viên chính thức có mặt." in page
    assert "Giữ lại chữ này" in page
    assert not Minutes.objects.exists()


def test_a_chair_who_was_absent_or_a_negative_vote_is_refused(cast, login, held):
    meeting, _ = held
    client = login(cast.secretary)
    assert client.post(url("minutes_edit", meeting), form_data(cast, held, chair=str(cast.member.public_id))).status_code == 400
    assert client.post(url("minutes_edit", meeting), form_data(cast, held, votes_for="-1")).status_code == 400
    assert client.post(url("minutes_edit", meeting), form_data(cast, held, votes_for="nhiều")).status_code == 400
    assert not Minutes.objects.exists()


def test_marking_incomplete_minutes_complete_explains_what_is_missing(cast, login, held):
    meeting, _ = held
    response = login(cast.secretary).post(url("minutes_edit", meeting),
                                          {**form_data(cast, held, minute_taker="", contents=""), "finalize": "1"})
    assert response.status_code == 400
    assert "Hãy chọn thư ký trước khi đánh dấu hoàn thành." in response.content.decode()
    assert Minutes.objects.get().finalized_at is None  # saved, not complete


def test_a_member_sees_the_minutes_only_once_complete_and_never_changes_them(cast, login, held):
    meeting, _ = held
    client = login(cast.member)
    for name in ("minutes_edit", "minutes_print", "minutes_pdf"):
        assert client.get(url(name, meeting)).status_code == 404
    complete(cast, held)
    page = client.get(url("minutes_edit", meeting)).content.decode()
    assert "Kiểm điểm công tác tháng" in page and "<textarea" not in page
    assert client.get(url("minutes_print", meeting)).status_code == 200
    assert client.get(url("minutes_pdf", meeting))["Content-Type"] == "application/pdf"
    assert client.post(url("minutes_edit", meeting), form_data(cast, held, contents="Sửa trộm")).status_code == 404
    assert Minutes.objects.get().contents == "Kiểm điểm công tác tháng"


@pytest.mark.parametrize("who", ["committee", "orgcom"])
def test_the_committees_above_read_drafts_and_change_nothing(cast, login, held, who):
    meeting, present = held
    minutes_save(meeting=meeting, chair=cast.secretary, minute_taker=present[0], contents="Bản nháp")
    client = login(getattr(cast, who))
    page = client.get(url("minutes_edit", meeting)).content.decode()
    assert "Bản nháp" in page and "<textarea" not in page
    assert "DỰ THẢO" in client.get(url("minutes_print", meeting)).content.decode()
    assert client.post(url("minutes_edit", meeting), form_data(cast, held)).status_code == 404
    assert Minutes.objects.get().contents == "Bản nháp"


def test_the_secretary_of_another_cell_sees_changes_and_downloads_nothing(cast, login, held):
    meeting, _ = held
    complete(cast, held)
    client = login(cast.outsider)
    for name in ("minutes_edit", "minutes_print", "minutes_pdf", "roll_call"):
        assert client.get(url(name, meeting)).status_code == 404
    assert client.post(url("minutes_edit", meeting), form_data(cast, held, contents="Xâm nhập")).status_code == 404
    assert client.post(url("roll_call", meeting), {f"status-{cast.member.public_id}": "unexcused"}).status_code == 404
    assert Minutes.objects.get().contents == "Kiểm điểm công tác tháng"
    assert meeting.attendances.get(member=cast.member).status == "excused"


def test_the_print_page_follows_the_party_document_layout(cast, login, held):
    meeting, present = held
    complete(cast, held)
    page = login(cast.secretary).get(url("minutes_print", meeting)).content.decode()
    day = timezone.localdate(meeting.starts_at)
    for text in (
        "ĐẢNG BỘ XÃ AN PHÚ", "CHI BỘ THÔN ĐÔNG", "Số: 12-BB/CB", "ĐẢNG CỘNG SẢN VIỆT NAM",
        f"An Phú, ngày {day:%d} tháng {day:%m} năm {day.year}", "BIÊN BẢN",
        f"Sinh hoạt chi bộ thường kỳ tháng {day:%m/%Y}", "NGƯỜI GHI BIÊN BẢN", "T/M CHI BỘ", "BÍ THƯ",
        "Trần Văn Bí", "Ngô Thị Lan", "NGHỊ QUYẾT", "Số: 12-NQ/CB", "CHI BỘ QUYẾT NGHỊ:", "Kết quả: thông qua",
        "print.css",
    ):
        assert text in page, text
    assert "DỰ THẢO" not in page and "<script>" not in page


def test_the_pdf_is_an_a4_document_with_the_vietnamese_text(cast, login, held):
    meeting, _ = held
    complete(cast, held)
    response = login(cast.secretary).get(url("minutes_pdf", meeting))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=\"bien-ban-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2  # the minutes, then the resolution on a page of its own
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for phrase in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BIÊN BẢN", "CHI BỘ THÔN ĐÔNG", "Số: 12-BB/CB", "T/M CHI BỘ",
                   "Lê Thị Hoa", "Đi viện thăm mẹ", "NGHỊ QUYẾT", "Số: 12-NQ/CB", "Thu đảng phí đúng hạn"):
        assert phrase in text, phrase
    resolution_page = " ".join(reader.pages[-1].extract_text().split())
    assert "NGHỊ QUYẾT" in resolution_page and "BIÊN BẢN" not in resolution_page


def test_a_meeting_without_a_roll_call_has_no_document(cast, login, meeting):
    client = login(cast.secretary)
    assert client.get(url("minutes_print", meeting)).status_code == 404
    assert client.get(url("minutes_pdf", meeting)).status_code == 404


@pytest.mark.parametrize("size", [10, 100])
def test_the_minutes_pages_keep_a_constant_number_of_queries(cast, login, meeting, size, django_assert_max_num_queries):
    members = grow(cast.tree.a1, size)
    attendance_record(meeting=meeting, entries={
        **{m.pk: ("present", "") for m in members[2:]}, members[0].pk: ("excused", "Ốm"),
        members[1].pk: ("unexcused", ""), cast.secretary.pk: ("present", ""),
    })
    minutes_save(meeting=meeting, chair=cast.secretary, minute_taker=members[2], contents="Nội dung", votes_for=5)
    minutes_finalize(meeting=meeting, confirm_failed_vote=True)
    minutes_amend(meeting=meeting, actor=cast.secretary.user, reason="Sửa thư ký", minute_taker=members[3])
    client = login(cast.secretary)
    with django_assert_max_num_queries(16):
        assert client.get(url("minutes_edit", meeting)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(url("minutes_print", meeting)).status_code == 200
    with django_assert_max_num_queries(30):
        response = client.post(url("minutes_edit", meeting), {
            "chair": str(cast.secretary.public_id), "minute_taker": str(members[2].public_id), "contents": "Lần ba",
            "votes_for": "5", "votes_against": "0", "votes_abstain": "0", "reason": "Sửa lần ba",
        })
    assert response.status_code == 302


def test_the_print_page_speaks_english_when_asked(cast, login, held):
    meeting, _ = held
    complete(cast, held)
    client = login(cast.secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(url("minutes_print", meeting)).content.decode()
    assert "COMMUNIST PARTY OF VIETNAM" in page and "MINUTES" in page and "No. 12-BB/CB" in page
