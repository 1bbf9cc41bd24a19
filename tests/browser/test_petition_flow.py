"""A cell raises a petition; the commune forwards it to the province; the province resolves it;
the cell reads the answer. On a phone, in Vietnamese."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from petitions.models import Petition
from tests.browser.conftest import screenshot, sign_in
from tests.petitions.conftest import ensure_categories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username):
    page.context.clear_cookies()
    sign_in(page, username)


@pytest.mark.parametrize("page", [(360, 740)], indirect=True, ids=["phone"])
def test_a_petition_goes_up_to_the_province_and_its_answer_comes_back_to_the_cell(page, cast):
    ensure_categories()
    _as(page, "secretary")
    page.goto(page.base_url + reverse("petitions_home"))
    page.get_by_role("link", name="Gửi kiến nghị").first.click()
    page.get_by_label("Loại").select_option(label="Khó khăn, vướng mắc")
    page.get_by_label("Tiêu đề").fill("Thiếu địa điểm sinh hoạt chi bộ")
    page.get_by_label("Nội dung").fill("Nhà văn hóa thôn đang sửa chữa, chi bộ chưa có nơi sinh hoạt ổn định.")
    screenshot(page, "petition-raise")
    page.get_by_role("button", name="Gửi kiến nghị").click()
    expect(page.locator("h1")).to_have_text("Thiếu địa điểm sinh hoạt chi bộ")
    expect(page.locator("[data-holder]")).to_have_text("Đảng bộ xã An Phú")
    petition = Petition.objects.get()
    detail = page.base_url + reverse("petition_detail", kwargs={"petition_id": petition.public_id})

    _as(page, "committee")
    page.goto(detail)
    page.get_by_text("Chuyển lên Đảng bộ tỉnh Thử").click()
    page.get_by_label("Lý do chuyển lên cấp trên").fill("Vượt thẩm quyền của Đảng ủy xã.")
    screenshot(page, "petition-forward")
    page.get_by_role("button", name="Chuyển lên", exact=True).click()
    expect(page.locator("[data-holder]")).to_have_text("Đảng bộ tỉnh Thử")
    expect(page.locator("details[data-action]")).to_have_count(0)  # no longer the commune's to act on

    _as(page, "orgcom")
    page.goto(page.base_url + reverse("petitions_committee", kwargs={"org_id": cast.tree.province.public_id}))
    screenshot(page, "petition-committee")
    page.get_by_role("link", name="Thiếu địa điểm sinh hoạt chi bộ").click()
    page.get_by_text("Giải quyết xong").click()
    page.get_by_label("Kết quả giải quyết").fill("Tỉnh bố trí hội trường Trung tâm văn hóa xã làm nơi sinh hoạt tạm.")
    page.get_by_role("button", name="Ghi nhận đã giải quyết").click()
    expect(page.locator("[data-status]")).to_have_text("Đã giải quyết")
    page.goto(page.base_url + reverse("org_dashboard", kwargs={"org_id": cast.tree.province.public_id}))
    expect(page.locator('[data-figure="petitions-resolved"]')).to_have_text("1")  # the card loads its figures
    page.locator('[data-card="petitions"]').scroll_into_view_if_needed()
    screenshot(page, "petition-dashboard-card")

    _as(page, "secretary")
    page.goto(page.base_url + reverse("petitions_sent", kwargs={"org_id": cast.tree.a1.public_id}))
    expect(page.locator("[data-answer]")).to_contain_text("Tỉnh bố trí hội trường")
    screenshot(page, "petition-sent")
    page.get_by_role("link", name="Thiếu địa điểm sinh hoạt chi bộ").click()
    expect(page.locator("[data-step]")).to_have_count(3)
    screenshot(page, "petition-detail")
    assert not page.console_errors
