"""A member with only a phone number signs in with a code by SMS (from a fake gateway on
127.0.0.1); a secretary prints a sign-in code, and the member uses it to set a password."""

import re

import pytest

from members.services import user_create_for_member
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_with_only_a_phone_signs_in_with_an_sms_code(page, tree, gateway):
    record = f.member(tree.a1, name="Đỗ Văn Điện", phone="0912 345 678")
    user_create_for_member(member=record, username="dienvd")
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("link", name="Gửi mã đăng nhập cho tôi").click()
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    screenshot(page, "phone-sign-in-request")
    page.get_by_role("button", name="Nhận mã").click()
    page.wait_for_url("**/accounts/login/code/confirm/")
    (text,) = gateway.texts_to("+84912345678")
    assert text.startswith("Mã đăng nhập Sổ tay Đảng viên: ")
    page.get_by_label("Mã xác thực").fill(re.search(r"\d{6}", text).group(0))
    screenshot(page, "phone-sign-in-code")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(page.base_url + "/")
    assert page.get_by_role("heading", name="Chào đồng chí Đỗ Văn Điện").is_visible()
    assert page.console_errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_secretary_prints_a_code_and_the_member_sets_a_password(page, tree):
    f.member(tree.a1, name="Trần Văn Bí", role="secretary", username="secretary")
    record = f.member(tree.a1, name="Đỗ Văn Điện", phone="0912 345 678")
    sign_in(page, "secretary")
    page.goto(page.base_url + f"/members/{record.public_id}/account/")
    page.get_by_label("Tên đăng nhập").fill("dienvd")
    page.get_by_role("button", name="Tạo tài khoản").click()
    code = page.locator("[data-code]").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert page.get_by_text("Gửi đồng chí Đỗ Văn Điện").is_visible()
    screenshot(page, "sign-in-code-card")
    page.emulate_media(media="print")
    screenshot(page, "sign-in-code-card-print")
    page.emulate_media(media="screen")

    member_context = page.context.browser.new_context(viewport=page.viewport_size, locale="vi-VN")
    member_page = member_context.new_page()
    member_page.viewport_name = page.viewport_name
    member_page.goto(page.base_url + "/accounts/login/")
    member_page.get_by_role("link", name="Dùng mã trên phiếu").click()
    member_page.get_by_label("Mã trên phiếu").fill(code.lower())
    member_page.get_by_label("Mật khẩu mới", exact=True).fill("Hoa-sen-2026")
    member_page.get_by_label("Nhập lại mật khẩu mới").fill("Hoa-sen-2026")
    screenshot(member_page, "sign-in-with-printed-code")
    member_page.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
    member_page.wait_for_url(page.base_url + "/")
    assert member_page.get_by_role("heading", name="Chào đồng chí Đỗ Văn Điện").is_visible()
    assert member_page.evaluate("document.documentElement.scrollWidth") <= member_page.viewport_size["width"]
    member_context.close()

    # The secretary's page now says the code was used.
    page.goto(page.base_url + f"/members/{record.public_id}/sign-in-code/")
    assert page.get_by_text(re.compile("Đã dùng lúc")).is_visible()
    screenshot(page, "sign-in-code-status")
    assert page.console_errors == []
