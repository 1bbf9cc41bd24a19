"""The API's pages in Chromium: Swagger UI under our CSP, the member's token page."""

import pytest

from api.models import ApiToken
from api.services import token_issue
from tests import factories as f
from tests.browser.conftest import open_menu, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_operation_without_csp_errors(page):
    page.goto(page.base_url + "/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 20
    assert page.get_by_text("Sign in with a username or email and a password").is_visible()
    screenshot(page, "api-docs")
    assert page.console_errors == []


def test_a_member_revokes_a_lost_phones_token(page, tree):
    member = f.member(tree.a1, name="Lê Thị Hoa", username="hoa")
    token_issue(user=member.user, name="Điện thoại bị mất")
    sign_in(page, "hoa")
    open_menu(page)
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Cài đặt").click()
    assert page.get_by_role("heading", name="Cài đặt").is_visible()
    screenshot(page, "settings")
    page.get_by_role("link", name="Thiết bị đăng nhập ứng dụng").click()
    assert page.get_by_role("heading", name="Mã truy cập ứng dụng").is_visible()
    assert page.get_by_text("Điện thoại bị mất", exact=True).is_visible()
    screenshot(page, "api-tokens")
    page.get_by_role("button", name="Thu hồi").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã thu hồi", exact=True).is_visible()
    assert ApiToken.objects.get().revoked_at is not None
    screenshot(page, "api-tokens-revoked")
    assert page.console_errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
