"""The inbox and the notification settings in Chromium, on a desktop and on a 360 px phone."""

import re

import pytest
from django.utils import timezone

from meetings import reminders
from meetings.services.schedule import meeting_cancel, meeting_schedule
from members.models import Role
from notifications.models import BadAddress, Notification
from notifications.services.dispatch import dispatches_create
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_reads_reminders_in_the_inbox_and_marks_them_read(page, tree):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bi", email="bi@example.org")
    hoa = f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org")
    meeting_schedule(cell=tree.a1, starts_at=f.at(2), place="Nhà văn hóa thôn Đông",
                     agenda="Quán triệt Nghị quyết Hội nghị Trung ương 10 khóa XIII\nCông tác phát triển đảng viên")
    cancelled = meeting_schedule(cell=tree.a1, starts_at=f.at(2, hour=14, minute=0), kind="thematic",
                                 title="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")
    dispatches_create(requests=reminders.reminders_due(timezone.now()))  # tasks run in-process here
    meeting_cancel(meeting=cancelled, reason="Trùng lịch tiếp xúc cử tri của xã", actor=secretary.user)
    dispatches_create(requests=reminders.change_notices_due(timezone.now()))
    assert Notification.objects.filter(user=hoa.user).count() == 3  # two reminders, one cancellation

    sign_in(page, "hoa")
    page.goto(page.base_url + "/inbox/")
    assert page.locator(".site-header .badge-count:visible").inner_text() == "3"
    assert page.locator(".inbox-unread").count() == 3
    assert "Nhà văn hóa thôn Đông" in page.locator(".inbox-list").inner_text()
    assert _fits(page)
    screenshot(page, "inbox")

    page.locator(".inbox-item").first.get_by_role("button", name="Đánh dấu đã đọc").click()
    page.wait_for_load_state()
    assert page.locator(".site-header .badge-count:visible").inner_text() == "2"
    page.get_by_role("button", name="Đánh dấu tất cả đã đọc").click()
    page.wait_for_load_state()
    assert page.locator(".site-header .badge-count").count() == 0
    assert page.locator(".inbox-unread").count() == 0
    assert page.console_errors == []


def test_a_member_chooses_channels_and_language(page, tree):
    hoa = f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org")
    BadAddress.objects.create(channel="email", address="hoa@example.org", error="550 5.1.1 No such mailbox")
    sign_in(page, "hoa")
    page.goto(page.base_url + "/settings/notifications/")
    assert "Không gửi được thư đến địa chỉ này" in page.content()
    assert _fits(page)
    screenshot(page, "notification-settings")

    page.get_by_label("Email").uncheck()
    page.get_by_label("English").check()
    page.get_by_role("button", name=re.compile(r"^Lưu")).click()
    page.wait_for_load_state()
    assert "Your notification settings are saved." in page.content()
    hoa.user.refresh_from_db()
    assert hoa.user.language == "en"
    assert page.console_errors == []
