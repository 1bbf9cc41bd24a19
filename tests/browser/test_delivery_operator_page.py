"""The operator's page of message delivery in Chromium, on a desktop and on a 360 px phone."""

import pytest
from django.utils import timezone

from meetings import reminders
from meetings.services.schedule import meeting_schedule
from notifications.models import Delivery
from notifications.services import dispatch
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_sees_what_needs_attention_and_sends_a_message_again(page, tree, monkeypatch):
    monkeypatch.setattr(dispatch, "_enqueue_deliveries", lambda ids: None)  # nothing leaves during the test
    members = [f.member(tree.a1, name=name, email=email) for name, email in [
        ("Nguyễn Thị Lan Hương", "huong@example.org"), ("Phạm Văn Đức", "duc@example.org")]]
    meeting_schedule(cell=tree.a1, starts_at=f.at(2), place="Nhà văn hóa thôn Đông")
    now = timezone.now()
    dispatch.dispatches_fan_out(dispatch_ids=dispatch.dispatches_create(requests=reminders.reminders_due(now), now=now))
    Delivery.objects.filter(member=members[0]).update(
        status="permanent_failure", address="huong@example.org", attempts=1,
        last_error="recipient refused (550): {'huong@example.org': (550, b'5.1.1 No such mailbox')}")
    Delivery.objects.filter(member=members[1]).update(status="sent", address="duc@example.org", attempts=2,
                                                      uncertain=1)
    f.user("vanhanh", is_staff=True)

    sign_in(page, "vanhanh")
    page.goto(page.base_url + "/operator/deliveries/")
    assert page.locator("h1").inner_text() == "Gửi thông báo"
    text = page.locator("main").inner_text()
    assert "Nguyễn Thị Lan Hương" in text and "Có thể nhận hai lần" in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "delivery-operator")

    page.locator("input[name=delivery]").check()
    page.get_by_role("button", name="Gửi lại các thông báo đã chọn").click()
    page.wait_for_load_state()
    assert "1 tin nhắn sẽ được gửi lại." in page.locator("body").inner_text()
    assert Delivery.objects.get(member=members[0]).status == "pending"
