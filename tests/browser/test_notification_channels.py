"""Text messages in the notification settings, in Chromium on a desktop and a 360 px phone."""

import re

import pytest

from notifications.models import ChannelPreference
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_turns_text_messages_on_for_reminders_only(page, tree):
    hoa = f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org", phone="0912 345 672")
    sign_in(page, "hoa")
    page.goto(page.base_url + "/settings/notifications/")
    sms = page.get_by_label("Tin nhắn SMS")
    assert not sms.is_checked()  # off until the member turns it on
    assert "0912 345 672" in page.content()
    sms.check()
    page.locator("#id_reminders_only_sms").check()
    page.get_by_role("button", name=re.compile(r"^Lưu")).click()
    page.wait_for_load_state()
    assert page.get_by_label("Tin nhắn SMS").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "notification-settings-sms")
    saved = ChannelPreference.objects.get(user=hoa.user, channel="sms")
    assert (saved.enabled, saved.reminders_only) == (True, True)
    assert page.console_errors == []
