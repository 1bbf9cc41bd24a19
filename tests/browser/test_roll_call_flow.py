"""The secretary's meeting day on a phone and a desktop: roll call (through a lost connection),
minutes, mark complete, PDF."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from common.text import vietnamese_sort_key
from meetings.models import AbsenceExcuse, Attendance, DraftResolution, Minutes, RollCallSubmission
from meetings.services.schedule import meeting_schedule
from members.models import MemberStatus, Role
from members.services import member_change_status
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Lê Thị Hoa", "Ngô Văn Nam", "Phạm Thị Mai", "Đặng Văn Hùng", "Vũ Thị Lan", "Bùi Văn Toàn",
         "Đỗ Thị Hằng", "Hoàng Văn Sơn"]


def status_of(meeting, member):
    return Attendance.objects.filter(meeting=meeting, member=member).values_list("status", "reason").first()


def events_of(member):
    return Attendance.pgh_event_model.objects.filter(member_id=member.pk).count()


def test_the_secretary_runs_the_roll_call_and_the_minutes_to_the_pdf(page, tree):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bithu")
    m = [f.member(tree.a1, name=name) for name in NAMES]
    elder = f.member(tree.a1, name="Lý Văn Lão")
    member_change_status(member=elder, status=MemberStatus.EXEMPT, effective_date=f.at(-300).date())
    meeting = meeting_schedule(cell=tree.a1, starts_at=timezone.now() - dt.timedelta(minutes=20),
                               agenda="1. Kiểm điểm công tác tháng\n2. Sửa đường liên thôn")
    AbsenceExcuse.objects.create(meeting=meeting, member=m[7], reason="Đi công tác tỉnh",
                                 confirmed_for=meeting.starts_at)
    DraftResolution.objects.create(meeting=meeting, text="1. Hoàn thành sửa đường liên thôn trước 30/6.")
    roll_call_url = page.base_url + reverse("roll_call", kwargs={"meeting_id": meeting.public_id})
    store_key = f"handbook:roll-call:{meeting.public_id}"

    def row(member):
        return page.locator(f'.rc-row[data-member="{member.public_id}"]')

    def all_sent():
        expect(page.locator('.rc-state[data-state="sending"], .rc-state[data-state="unsaved"], '
                            '.rc-state[data-state="failed"]')).to_have_count(0)

    sign_in(page, "bithu")
    page.goto(roll_call_url)
    expect(row(m[7]).locator("input[value=excused]")).to_be_checked()
    expect(row(m[7])).to_contain_text("Đã báo vắng trước: “Đi công tác tỉnh”")
    # Vietnamese order, as on the roster: by given name, "Đ" after every "D".
    shown = page.locator(".rc-row:not([data-exempt]) legend.rc-name").all_inner_texts()
    summoned = [secretary.full_name, *NAMES]
    assert [name.strip() for name in shown] == sorted(summoned, key=vietnamese_sort_key)
    screenshot(page, "roll-call-start")

    # Everyone else present; then one excused with a reason, one absent without reason.
    page.get_by_role("button", name="Tất cả còn lại có mặt").click()
    expect(page.locator("[data-rc-status]")).to_contain_text("Đã lưu lúc")
    row(m[1]).locator("label.rc-excused").click()
    row(m[1]).get_by_label("Lý do vắng").fill("Ốm, có giấy của trạm y tế")
    row(m[1]).get_by_label("Lý do vắng").press("Tab")
    row(m[2]).locator("label.rc-unexcused").click()
    all_sent()
    expect(row(m[1]).locator(".rc-state")).to_have_text("Đã lưu")
    assert status_of(meeting, m[1]) == ("excused", "Ốm, có giấy của trạm y tế")
    assert status_of(meeting, m[2]) == ("unexcused", "")
    assert status_of(meeting, m[7]) == ("excused", "Đi công tác tỉnh")
    assert status_of(meeting, secretary) == ("present", "") and status_of(meeting, elder) is None
    expect(page.locator('[data-count="present"]')).to_have_text("6")
    screenshot(page, "roll-call-marked")

    # The choices persist across a reload.
    page.reload()
    expect(row(m[1]).locator("input[value=excused]")).to_be_checked()
    expect(row(m[1]).get_by_label("Lý do vắng")).to_have_value("Ốm, có giấy của trạm y tế")
    expect(row(m[2]).locator("input[value=unexcused]")).to_be_checked()

    # The network goes down while tapping: the entry waits on the device, then arrives once.
    before = events_of(m[3])
    page.context.set_offline(True)
    row(m[3]).locator("label.rc-unexcused").click()
    expect(row(m[3]).locator(".rc-state")).to_have_text("Chưa gửi được, sẽ thử lại")
    assert str(m[3].public_id) in page.evaluate(f"localStorage.getItem('{store_key}')")
    assert status_of(meeting, m[3]) == ("present", "")
    screenshot(page, "roll-call-offline")
    page.context.set_offline(False)
    expect(row(m[3]).locator(".rc-state")).to_have_text("Đã lưu")
    assert status_of(meeting, m[3]) == ("unexcused", "") and events_of(m[3]) == before + 1

    # The server saves a tap but its answer is lost: the retry carries the same key, changes nothing.
    lost = []

    def lose_the_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)  # reaches the server...
            route.abort()  # ...but the phone never hears back
        else:
            route.continue_()

    page.route("**/roll-call/", lose_the_answer)
    submissions = RollCallSubmission.objects.count()
    row(m[3]).locator("label.rc-present").click()
    expect(row(m[3]).locator(".rc-state")).to_have_text("Đã lưu")
    page.unroute("**/roll-call/")
    assert lost == [200]
    assert status_of(meeting, m[3]) == ("present", "") and events_of(m[3]) == before + 2
    assert RollCallSubmission.objects.count() == submissions + 1  # two requests, one submission

    # The server cannot be reached and the page is reloaded: the tap survives on the device.
    page.route("**/roll-call/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    row(m[5]).locator("label.rc-unexcused").click()
    expect(row(m[5]).locator(".rc-state")).to_have_text("Chưa gửi được, sẽ thử lại")
    page.reload()
    expect(row(m[5]).locator("input[value=unexcused]")).to_be_checked()
    expect(row(m[5]).locator(".rc-state")).to_have_text("Chưa gửi được, sẽ thử lại")
    page.unroute("**/roll-call/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(row(m[5]).locator(".rc-state")).to_have_text("Đã lưu")
    all_sent()
    assert status_of(meeting, m[5]) == ("unexcused", "")
    assert page.evaluate(f"localStorage.getItem('{store_key}')") is None
    expect(page.locator('[data-count="present"]')).to_have_text("5")
    expect(page.locator('[data-count="rate"]')).to_have_text("55,6 %")

    # The keyboard works the choices too: arrows move within a member's three options.
    row(m[6]).locator("input[value=present]").focus()
    page.keyboard.press("ArrowRight")
    expect(row(m[6]).locator("input[value=excused]")).to_be_checked()
    page.keyboard.press("ArrowLeft")
    expect(row(m[6]).locator("input[value=present]")).to_be_checked()
    all_sent()
    assert status_of(meeting, m[6]) == ("present", "")

    # The minutes: attendance computed, the draft resolution carried over; mark complete.
    page.get_by_role("link", name="Biên bản và nghị quyết").click()
    expect(page.get_by_role("heading", name="Biên bản và nghị quyết")).to_be_visible()
    expect(page.locator(".mn-summary")).to_contain_text("đồng chí Ngô Văn Nam — Ốm, có giấy của trạm y tế")
    expect(page.get_by_label("Nghị quyết được thông qua")).to_have_value("1. Hoàn thành sửa đường liên thôn trước 30/6.")
    page.get_by_label("Số văn bản").fill("12")
    page.get_by_label("Thư ký (người ghi biên bản)").select_option(label="Lê Thị Hoa")
    page.get_by_label("Ý kiến thảo luận").fill("Đồng chí Hùng đề nghị huy động ngày công sửa đường.")
    page.get_by_label("Kết luận").fill("Giao đồng chí Hùng lập kế hoạch, báo cáo trước ngày 15.")
    page.locator("#id_votes_for").fill("5")
    screenshot(page, "minutes-form")
    page.get_by_role("button", name="Lưu và đánh dấu hoàn thành").click()
    expect(page.get_by_text("Biên bản đã hoàn thành.")).to_be_visible()
    expect(page.get_by_text("Kết quả: thông qua")).to_be_visible()
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.finalized_at and minutes.chair == secretary and minutes.minute_taker == m[0]
    screenshot(page, "minutes-complete")

    # Finished minutes change only by a numbered amendment, with its reason, shown on the page.
    page.get_by_label("Kết luận").fill("Giao đồng chí Hùng lập kế hoạch, báo cáo trước ngày 20.")
    page.locator("textarea[name=reason]").fill("Chi bộ thống nhất lùi hạn báo cáo")
    page.locator("button[name=amend]").click()
    expect(page.locator('[data-amendment="1"]')).to_contain_text("Chi bộ thống nhất lùi hạn báo cáo")
    expect(page.locator('[data-amendment="1"]')).to_contain_text("ngày 15.” → “Giao đồng chí Hùng")
    assert minutes.amendments.get().number == 1

    page.get_by_role("link", name="Bản in khổ A4").click()
    expect(page.get_by_text("ĐẢNG CỘNG SẢN VIỆT NAM").first).to_be_visible()
    screenshot(page, "minutes-print")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF").click()
    path = ARTIFACTS / f"minutes-{page.viewport_name}.pdf"
    download.value.save_as(path)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "BIÊN BẢN" in text and "Số: 12-BB/CB" in text and "Ngô Văn Nam" in text and "NGHỊ QUYẾT" in text
    # Only the failures we caused ourselves (offline, aborted requests); no CSP or script error.
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
