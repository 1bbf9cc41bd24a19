"""A member searches the library for a word typed without diacritics, finds a directive from
the province by a word inside its PDF, bookmarks it and finds it again in the bookmarks."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from library.services import directive_upload
from tests import factories as f
from tests.browser.conftest import open_menu, screenshot, sign_in
from tests.library.conftest import pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_member_finds_a_pdf_by_its_content_bookmarks_it_and_finds_it_again(page, tree):
    f.member(tree.a1, name="Lê Thị Hoa", username="hoa")
    f.member(tree.b1, name="Vũ Văn Ngoài", username="ngoai")
    directive_upload(organization=tree.province, title="Chỉ thị số 05-CT/TU", issued_by="Ban Thường vụ Tỉnh ủy",
                     issued_on=dt.date(2026, 3, 2),
                     upload=pdf_upload(text="Tăng cường bồi dưỡng quần chúng ưu tú trong doanh nghiệp."))
    directive_upload(organization=tree.b1, title="Kế hoạch của chi bộ thôn Nam", issued_by="Chi bộ thôn Nam",
                     issued_on=dt.date(2026, 3, 3),
                     upload=pdf_upload(text="Bồi dưỡng quần chúng ưu tú của thôn Nam."))
    sign_in(page, "hoa")
    open_menu(page)
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Thư viện văn bản").click()
    page.wait_for_load_state()
    page.get_by_label("Từ cần tìm").fill("quan chung uu tu")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_load_state()
    results = page.locator("#results-title + ul > li")
    expect(results).to_have_count(1)  # the other cell's plan says the same words: not hers to see
    expect(results.first).to_contain_text("Chỉ thị số 05-CT/TU")
    screenshot(page, "library-search")
    results.first.get_by_role("button", name="Đánh dấu “Chỉ thị số 05-CT/TU”").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã đánh dấu: bạn sẽ tìm lại")).to_be_visible()
    page.get_by_role("link", name="★ Văn bản đã đánh dấu").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("library_bookmarks"))
    expect(page.locator("main li")).to_have_count(1)
    screenshot(page, "library-bookmarks")
    page.get_by_role("link", name="Chỉ thị số 05-CT/TU").click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về").click()
    assert download.value.suggested_filename == "Chỉ thị số 05-CT_TU.pdf"
    screenshot(page, "library-document")
    assert not page.console_errors
