"""A secretary keeps the roster on a phone and on a desktop: search, add, recognise, import."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from members.models import Member, MemberStatus
from members.services import member_change_status, member_create_visitor
from tests import factories as f
from tests.browser.conftest import open_menu, screenshot, sign_in
from tests.roster.files import csv_bytes, rows_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def cell_with_people(cast):
    a1 = cast.tree.a1
    f.member(a1, name="Nguyễn Thị Hương", phone="0912345678", date_of_birth=dt.date(1975, 3, 8))
    f.member(a1, name="Phạm Văn Dũng", official=False, admitted=dt.date(2025, 12, 1), phone="0987111222",
             date_of_birth=dt.date(1996, 9, 2), party_card_number=None)
    exempt = f.member(a1, name="Hoàng Văn Cao", date_of_birth=dt.date(1948, 1, 20))
    member_change_status(member=exempt, status=MemberStatus.EXEMPT, effective_date=dt.date(2024, 1, 1),
                         decision_ref="05-QĐ/CB", note="Tuổi cao, sức yếu")
    away = f.member(a1, name="Lương Thị Xa", phone="0977333444", date_of_birth=dt.date(1990, 6, 1))
    member_change_status(member=away, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2026, 3, 1),
                         other_organization="Chi bộ Trường Chính trị tỉnh")
    member_create_visitor(cell=a1, effective_date=dt.date(2026, 4, 1), full_name="Đinh Công Khách",
                          phone="0966555444", other_organization="Chi bộ Công ty Điện lực")
    return cast


def test_the_secretarys_roster_work(page, cell_with_people):
    cast = cell_with_people
    name = f"Vương Thị Lan {page.viewport_name}"
    sign_in(page, "secretary")
    open_menu(page)
    page.get_by_role("link", name="Danh sách đảng viên").first.click()
    page.wait_for_url(re.compile(r"/cells/.+/members/$"))
    expect(page.get_by_role("heading", name=re.compile("Danh sách đảng viên"))).to_be_visible()
    assert page.get_by_role("link", name="0912 345 678").get_attribute("href") == "tel:0912345678"
    screenshot(page, "roster")
    no_sideways_scroll(page)

    # Search without accents: the list narrows as one types.
    page.get_by_label("Họ tên hoặc số thẻ đảng viên").fill("huong")
    page.wait_for_url(re.compile(r"q=huong"))
    page.wait_for_function("document.querySelectorAll('#roster-results tbody tr').length === 1")
    expect(page.locator("#roster-results").get_by_text("Nguyễn Thị Hương")).to_be_visible()
    screenshot(page, "roster-search")

    # Add a probationary member; a mistake first, then corrected without retyping the rest.
    page.goto(page.base_url + f"/cells/{cast.tree.a1.public_id}/members/")
    page.get_by_role("link", name="Thêm đảng viên", exact=True).click()
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Ngày sinh").fill("1995-04-15")
    page.get_by_label("Giới tính").select_option("female")
    page.get_by_label("Điện thoại").fill("0912 888 777")
    page.get_by_label("Số thẻ đảng viên").fill("1234")
    page.get_by_label("Ngày vào Đảng").fill("2025-05-19")
    page.get_by_label("Nơi công tác").fill("Hợp tác xã Nông nghiệp An Phú")
    page.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.get_by_text("Số thẻ đảng viên gồm đúng 12 chữ số (đồng chí đã nhập 4 chữ số).")).to_be_visible()
    assert page.get_by_label("Nơi công tác").input_value() == "Hợp tác xã Nông nghiệp An Phú"
    screenshot(page, "member-new-error")
    no_sideways_scroll(page)
    page.get_by_label("Số thẻ đảng viên").fill("")
    page.get_by_role("button", name="Thêm vào danh sách").click()
    page.wait_for_url(re.compile(r"/members/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator(".member-head").get_by_text("Dự bị")).to_be_visible()
    screenshot(page, "member-detail")
    no_sideways_scroll(page)

    # Recognition as official: the date is filled in twelve months after admission.
    page.get_by_role("link", name="Công nhận đảng viên chính thức").click()
    assert page.get_by_label("Ngày hiệu lực").input_value() == "2026-05-19"
    screenshot(page, "member-status-official")
    page.get_by_label("Số quyết định").fill("88-QĐ/ĐU")
    page.get_by_role("button", name="Ghi nhận").click()
    page.wait_for_url(re.compile(r"/members/[0-9a-f-]+/$"))
    expect(page.locator(".member-head").get_by_text("Chính thức")).to_be_visible()
    expect(page.get_by_role("cell", name="88-QĐ/ĐU")).to_be_visible()
    assert Member.objects.get(full_name=name).official_date == dt.date(2026, 5, 19)

    # Import a CSV with one bad row, read the reason, fix the file, import it.
    page.goto(page.base_url + f"/cells/{cast.tree.a1.public_id}/members/import/")
    screenshot(page, "import-start")
    no_sideways_scroll(page)
    rows = rows_of(4, card_prefix="0777" if page.viewport_name == "phone" else "0666")
    rows[2][2] = "31/02/1990"
    page.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(
        files=[{"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows, delimiter=";")}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_text("Tệp có 1 lỗi. Chưa có gì được lưu.")).to_be_visible()
    expect(page.get_by_text("“31/02/1990” không phải ngày hợp lệ")).to_be_visible()
    screenshot(page, "import-errors")
    no_sideways_scroll(page)
    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    rows[2][2] = "28/02/1990"
    page.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(
        files=[{"name": "danh-sach-da-sua.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows, delimiter=";")}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_text("Sẽ thêm mới 4 đảng viên, cập nhật 0, giữ nguyên 0.")).to_be_visible()
    screenshot(page, "import-preview")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Nhập vào danh sách").click()
    expect(page.get_by_text("Đã nhập xong.")).to_be_visible()
    screenshot(page, "import-done")
    page.get_by_role("link", name="Mở danh sách đảng viên").click()
    expect(page.get_by_text("Nguyễn Văn Nhập 3")).to_be_visible()
    assert page.console_errors == []


def test_the_other_roster_pages_look_finished(page, cell_with_people):
    cast = cell_with_people
    a1 = cast.tree.a1
    hoa = cast.member
    sign_in(page, "secretary")
    for path, name in [
        (f"/cells/{a1.public_id}/members/new-temporary/", "member-visitor-new"),
        (f"/members/{hoa.public_id}/edit/", "member-edit"),
        (f"/members/{hoa.public_id}/status/temporary/", "member-status-temporary"),
        (f"/members/{hoa.public_id}/status/remove/", "member-status-remove"),
        (f"/cells/{a1.public_id}/members/?status=away", "roster-filter-away"),
    ]:
        page.goto(page.base_url + path)
        screenshot(page, name)
        no_sideways_scroll(page)
    newcomer = Member.objects.get(full_name="Phạm Văn Dũng")
    page.goto(page.base_url + f"/members/{newcomer.public_id}/account/")
    assert page.get_by_label("Tên đăng nhập").input_value() == "dungpv"
    screenshot(page, "member-account")

    page.context.clear_cookies()
    sign_in(page, "committee")
    page.goto(page.base_url + f"/cells/{a1.public_id}/members/")
    expect(page.get_by_text("Chỉ xem: đồng chí theo dõi chi bộ này từ cấp ủy cấp trên.")).to_be_visible()
    assert page.get_by_role("link", name="Thêm đảng viên", exact=True).count() == 0
    screenshot(page, "roster-committee")

    page.context.clear_cookies()
    sign_in(page, "member")
    page.goto(page.base_url + f"/members/{hoa.public_id}/")
    expect(page.get_by_text("Đây là hồ sơ của đồng chí.", exact=False)).to_be_visible()
    screenshot(page, "member-own-record")
    no_sideways_scroll(page)
    assert page.console_errors == []
