"""A member signs in on a phone and on a desktop and sees the next meeting."""

import pytest

from meetings.services.schedule import meeting_schedule
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_and_sees_the_next_meeting(page, tree):
    f.member(tree.a1, name="Lê Thị Hoa", username="hoa")
    meeting_schedule(cell=tree.a1, starts_at=f.at(3), agenda="Bàn kế hoạch tháng 12")
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url
    screenshot(page, "sign-in")
    sign_in(page, "hoa")
    assert page.get_by_role("heading", name="Chào đồng chí Lê Thị Hoa").is_visible()
    assert page.get_by_text("Bàn kế hoạch tháng 12").is_visible()
    assert page.get_by_text(f.at(3).strftime("%d/%m/%Y")).is_visible()
    screenshot(page, "member-home")
    assert page.console_errors == []
    # Nothing spills sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
