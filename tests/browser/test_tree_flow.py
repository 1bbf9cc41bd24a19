"""The province's organisation committee runs its tree: it merges two communes on a past
date, moves a cell, appoints a secretary for a term and a committee member in charge of a
cell; the province dashboard shows the same figures for the months before the merge."""

import pytest
from django.utils import timezone

from cells.models import Organization
from common.months import add_months
from members.models import CellInCharge, CellMembership, Role
from rollups import services as rollups
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.reports.conftest import hold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figures(page, org, month) -> list[str]:
    page.goto(f"{page.base_url}/reports/{org.public_id}/?period={month:%Y-%m}")
    stats = page.locator(".report-stats .report-stat-value")
    return [stats.nth(0).inner_text(), stats.nth(1).inner_text(), page.locator(".report-stats").nth(0).inner_text()]


def test_the_organisation_committee_merges_moves_and_appoints_without_losing_a_figure(page, cast):
    t = cast.tree
    this_month = timezone.localdate().replace(day=1)
    merge_on, before = add_months(this_month, -1), add_months(this_month, -2)
    hold(t.a1, before.replace(day=5), {cast.secretary: "present", cast.member: "unexcused"})
    hold(t.a2, before.replace(day=6), {cast.committee: "present", cast.orgcom: "present"})
    hold(t.b1, before.replace(day=7), {cast.outsider: "excused"})
    commune_c = f.org("Đảng bộ xã Cẩm Lý", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=t.province)
    cell_c1 = f.org("Chi bộ thôn Cẩm", parent=commune_c)
    newcomer = f.member(cell_c1, name="Đinh Thị Mới")
    watcher = f.member(cell_c1, name="Kiều Văn Phụ")
    f.seat(watcher, commune_c)
    rollups.rollups_rebuild(years=sorted({before.year, this_month.year}))

    sign_in(page, "orgcom")
    figures_before = _figures(page, t.province, before)

    page.goto(page.base_url + "/tree/")
    assert page.get_by_role("heading", name="Đảng bộ tỉnh Thử").is_visible()
    screenshot(page, "tree-province")
    page.get_by_role("link", name="Hợp nhất các tổ chức trực thuộc").click()
    page.get_by_label("Đảng bộ xã An Phú").check()
    page.get_by_label("Đảng bộ xã Bình Minh").check()
    page.get_by_label("Tên tổ chức mới").fill("Đảng bộ xã An Bình")
    page.get_by_label("Hợp nhất từ ngày").fill(f"{merge_on:%Y-%m-%d}")
    page.get_by_role("button", name="Xem trước", exact=True).click()
    assert page.locator("#preview").get_by_text("Đảng bộ xã An Bình").is_visible()
    screenshot(page, "tree-merge-preview")
    page.get_by_role("button", name="Xác nhận hợp nhất").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Đảng bộ xã An Bình").is_visible()
    assert page.get_by_text("Đã giải thể, giữ lịch sử").is_visible()
    screenshot(page, "tree-merged-commune")

    page.get_by_role("link", name="Chi bộ thôn Nam").click()
    page.get_by_role("link", name="Chuyển trực thuộc").click()
    page.get_by_label("Chuyển về trực thuộc").select_option(label="Đảng bộ xã Cẩm Lý (Đảng bộ cơ sở)")
    page.get_by_role("button", name="Xem trước", exact=True).click()
    assert page.locator("#preview").get_by_text("Đảng bộ xã Cẩm Lý").is_visible()
    screenshot(page, "tree-move-preview")
    page.get_by_role("button", name="Xác nhận chuyển").click()
    page.wait_for_load_state()
    assert Organization.objects.get(pk=t.b1.pk).parent_id == commune_c.pk

    page.goto(f"{page.base_url}/tree/{cell_c1.public_id}/seats/")
    page.get_by_label("Đảng viên").select_option(label="Đinh Thị Mới")
    page.get_by_label("Chức vụ").select_option(label="Bí thư")
    page.get_by_label("Nhiệm kỳ từ ngày").fill(f"{merge_on:%Y-%m-%d}")
    page.get_by_label("Nhiệm kỳ đến ngày").fill(f"{merge_on.year + 5}-{merge_on:%m}-01")
    page.get_by_role("button", name="Bổ nhiệm").click()
    page.wait_for_load_state()
    page.get_by_label("Đảng ủy viên phụ trách").select_option(label="Kiều Văn Phụ")
    page.get_by_role("button", name="Phân công phụ trách").click()
    page.wait_for_load_state()
    assert CellMembership.objects.filter(member=newcomer, cell=cell_c1, role=Role.SECRETARY).exists()
    assert CellInCharge.objects.get(cell=cell_c1).member == watcher
    screenshot(page, "tree-seats")

    page.goto(f"{page.base_url}/tree/{cell_c1.public_id}/history/")
    assert page.get_by_text("Đinh Thị Mới").first.is_visible()
    screenshot(page, "tree-history")

    assert _figures(page, t.province, before) == figures_before
    screenshot(page, "tree-province-dashboard-after")
    assert page.console_errors == [], "no CSP violation, no script error"
