"""The member's and the secretary's meeting flows on a desktop and a 360 px phone, with screenshots."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from meetings.models import Attendance, Meeting, Minutes
from meetings.services.discussion import draft_comment_add, draft_publish
from meetings.services.documents import document_add
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_postpone, meeting_schedule
from members.models import Role
from tests import factories as f
from tests.browser.conftest import open_menu, screenshot, sign_in
from tests.meetings.conftest import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _held_meeting(cell, days_ago, members, statuses, resolution=""):
    meeting = meeting_schedule(cell=cell, starts_at=f.at(-days_ago), agenda="Kiểm điểm công tác tháng")
    attendance_record(meeting=meeting, entries={
        m.pk: (status, "Đi công tác" if status == Attendance.Status.EXCUSED else "")
        for m, status in zip(members, statuses, strict=True)
    })
    if resolution:
        Minutes.objects.create(meeting=meeting, resolution=resolution, finalized_at=meeting.ends_at + dt.timedelta(hours=20))
    return meeting


@pytest.fixture
def month(tree):
    """Cell A1 in the middle of a month: a secretary, a member with an account, a few others,
    two held meetings (one with a resolution) and the next meeting with a document and a draft."""
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bithu")
    member = f.member(tree.a1, name="Lê Thị Hoa", username="hoa")
    others = [f.member(tree.a1, name=name) for name in ("Nguyễn Văn An", "Phạm Thị Bình", "Đỗ Văn Cường")]
    everyone = [secretary, member, *others]
    P, E, U = Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.UNEXCUSED
    _held_meeting(tree.a1, 40, everyone, [P, P, P, U, P])
    _held_meeting(tree.a1, 10, everyone, [P, E, P, U, P],
                  resolution="Tập trung thu hoạch lúa mùa, hoàn thành thu đảng phí quý IV.")
    upcoming = meeting_schedule(
        cell=tree.a1, starts_at=f.at(3), kind=Meeting.Kind.THEMATIC, title="Học tập Nghị quyết Đại hội XIV",
        agenda="1. Quán triệt Nghị quyết\n2. Liên hệ thực tiễn địa phương\n3. Thảo luận", actor=secretary.user,
    )
    document_add(meeting=upcoming, upload=pdf("Đề cương tuyên truyền.pdf"), title="Đề cương tuyên truyền")
    draft_publish(meeting=upcoming, text="1. Chi bộ thống nhất quán triệt Nghị quyết.\n2. Mỗi đảng viên có kế hoạch hành động.")
    draft_comment_add(meeting=upcoming, member=others[0], text="Đề nghị bổ sung chỉ tiêu về chuyển đổi số.")
    later = meeting_schedule(cell=tree.a1, starts_at=f.at(20), agenda="Sinh hoạt thường kỳ")
    meeting_postpone(meeting=later, starts_at=f.at(22), reason="Trùng lịch bầu cử thôn")
    return secretary, member, upcoming


def test_a_member_sees_the_next_meeting_excuses_themself_comments_and_subscribes(page, month, live_server):
    _, member, upcoming = month
    sign_in(page, "hoa")
    expect(page.get_by_role("heading", name="Buổi sinh hoạt tiếp theo")).to_be_visible()
    expect(page.get_by_text("Học tập Nghị quyết Đại hội XIV").first).to_be_visible()
    expect(page.get_by_text("còn 3 ngày")).to_be_visible()
    expect(page.get_by_role("link", name="Đề cương tuyên truyền")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "member-home")

    page.get_by_text("Tôi không dự được: xin vắng").click()
    page.get_by_label("Lý do vắng mặt").fill("Đi công tác tại Hà Nội")
    screenshot(page, "member-home-excuse-form")
    page.get_by_role("button", name="Gửi xin vắng").click()
    expect(page.get_by_text("Đã gửi xin vắng tới bí thư chi bộ.")).to_be_visible()
    expect(page.get_by_text("Đồng chí đã xin vắng: “Đi công tác tại Hà Nội”.")).to_be_visible()

    page.get_by_role("link", name="Đọc và góp ý dự thảo nghị quyết").click()
    page.get_by_label("Ý kiến góp ý của đồng chí").fill("Nhất trí, đề nghị thêm mục tiêu kết nạp đảng viên mới.")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page.get_by_text("Cảm ơn đồng chí: ý kiến đã được ghi nhận vào dự thảo.")).to_be_visible()
    expect(page.get_by_text("Nhất trí, đề nghị thêm mục tiêu kết nạp đảng viên mới.")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "member-meeting-detail")

    open_menu(page)
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Cài đặt").click()
    page.get_by_role("link", name="Lịch sinh hoạt trên điện thoại").click()
    feed_url = page.get_by_label("Địa chỉ lịch").input_value()
    assert page.get_by_role("link", name="Đăng ký trong ứng dụng Lịch").get_attribute("href").startswith("webcal://")
    assert fits_the_screen(page)
    screenshot(page, "member-calendar-settings")
    response = page.request.get(live_server.url + urlsplit(feed_url).path)
    assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.body()).walk("VEVENT")}
    assert any(uid.startswith(str(upcoming.public_id)) for uid in events)
    assert page.console_errors == []


def test_a_secretary_sets_up_the_series_posts_a_document_and_the_draft(page, month, tmp_path):
    sign_in(page, "bithu")
    page.get_by_role("link", name="Tổng quan và việc cần làm").click()
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "secretary-cell-home")

    page.get_by_role("navigation", name="Các trang của chi bộ").get_by_role("link", name="Lịch thường kỳ").click()
    assert page.get_by_label("Ngày trong tháng").input_value() == "5"  # the province's day
    page.get_by_label("Giờ bắt đầu").fill("19:30")
    page.get_by_label("Địa điểm").fill("Nhà văn hóa thôn Đông")
    screenshot(page, "secretary-series-form")
    page.get_by_role("button", name="Thiết lập và lên lịch 12 tháng").click()
    expect(page.get_by_text("Đã thiết lập lịch thường kỳ")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "secretary-series")

    page.locator(".meeting-row:has(.pill:text-is('Đã lên lịch')) .meeting-row-title").first.click()
    page.get_by_label("Tệp").set_input_files(str(_pdf_file(tmp_path)))
    page.get_by_label("Tiêu đề").fill("Báo cáo kết quả tháng")
    page.get_by_role("button", name="Đăng tài liệu").click()
    expect(page.get_by_text("Đã đăng “Báo cáo kết quả tháng” cho đảng viên.")).to_be_visible()
    expect(page.get_by_role("link", name="Báo cáo kết quả tháng")).to_be_visible()

    page.get_by_role("textbox", name="Dự thảo nghị quyết").fill("Chi bộ thống nhất các chỉ tiêu tháng tới.")
    page.get_by_role("button", name="Đăng dự thảo").click()
    expect(page.get_by_text("Đã đăng dự thảo nghị quyết")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "secretary-meeting-detail")

    page.get_by_role("link", name="Hoãn", exact=True).click()
    screenshot(page, "secretary-postpone")
    page.get_by_role("link", name="Thay đổi", exact=True).click()
    screenshot(page, "secretary-edit")
    page.get_by_role("link", name="Hủy", exact=True).click()
    screenshot(page, "secretary-cancel")

    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Sinh hoạt chi bộ").first.click()
    assert fits_the_screen(page)
    screenshot(page, "secretary-meetings")
    page.get_by_role("link", name="Lên lịch sinh hoạt").first.click()
    page.get_by_role("button", name="Lên lịch").click()  # empty: the form explains what is missing
    expect(page.get_by_text("Đồng chí vui lòng sửa các mục dưới đây rồi gửi lại:")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "secretary-new-meeting-errors")
    assert page.console_errors == []


def _pdf_file(tmp_path):
    path = tmp_path / "Báo cáo.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 4000)
    return path


def test_the_standing_committee_reads_the_cell_and_the_pages_speak_english(page, month, tree):
    _, _, upcoming = month
    reader = f.member(tree.a2, name="Phạm Đức Ủy", username="thuongvu")
    f.seat(reader, tree.commune_a)
    sign_in(page, "thuongvu")
    page.goto(page.base_url + f"/cells/{tree.a1.public_id}/")
    expect(page.get_by_text("chỉ xem, không sửa")).to_be_visible()
    expect(page.get_by_role("link", name="Lên lịch sinh hoạt")).to_have_count(0)
    assert fits_the_screen(page)
    screenshot(page, "committee-cell-home")
    page.goto(page.base_url + f"/meetings/{upcoming.public_id}/")
    expect(page.get_by_role("button", name="Đăng tài liệu")).to_have_count(0)
    assert fits_the_screen(page)
    screenshot(page, "committee-meeting-detail")
    page.goto(page.base_url + "/settings/")  # the language switch is in Settings
    page.get_by_role("button", name="English").click()
    page.goto(page.base_url + f"/cells/{tree.a1.public_id}/meetings/")
    expect(page.get_by_role("heading", name="Meetings of Chi bộ thôn Đông")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "committee-meetings-english")
    page.goto(page.base_url + f"/cells/{tree.a1.public_id}/")
    expect(page.get_by_role("heading", name="To do")).to_be_visible()
    screenshot(page, "committee-cell-home-english")
    assert page.console_errors == []
