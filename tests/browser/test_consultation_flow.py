"""A commune committee publishes a draft; two cells' members comment; each secretary sends a
summary; the commune merges them and sends one summary up to the province, which sees it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Consultation, ConsultationSummary
from members.models import CommitteeSeat, Role
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def _button(page, vi: str, en: str):
    return page.get_by_role("button", name=vi).or_(page.get_by_role("button", name=en))


def _comment(page, url: str, username: str, text: str) -> None:
    _as(page, username)
    page.goto(url)
    page.locator("textarea[name=text]").fill(text)
    _button(page, "Gửi góp ý", "Send my comment").click()
    page.wait_for_load_state()
    expect(page.get_by_text(text)).to_be_visible()


def _send_cell_summary(page, draft_url: str, username: str, cell_name: str, text: str) -> None:
    _as(page, username)
    page.goto(draft_url)
    page.get_by_role("link", name=cell_name).click()
    page.locator("input[type=checkbox][name^=take-]").first.check()
    page.locator("input[type=text][name^=group-]").first.fill("Về kinh tế")
    page.locator("textarea[name=text]").fill(text)
    _button(page, "Gửi lên cấp trên", "Send up").click()
    page.wait_for_load_state()
    expect(page.get_by_text(text)).to_be_visible()


def test_a_draft_goes_down_to_two_cells_and_one_summary_comes_back_up_to_the_province(page, tree):
    committee = f.member(tree.a2, name="Phạm Đức Ủy", username="uyvien")
    f.seat(committee, tree.commune_a)
    f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bithu1")
    f.member(tree.a1, name="Lê Thị Hoa", username="hoa")
    f.member(tree.a2, name="Đinh Văn Đoài", role=Role.SECRETARY, username="bithu2")
    f.member(tree.a2, name="Ngô Thị Hai", username="hai")
    orgcom = f.member(tree.a2, name="Hoàng Minh Tổ", username="tinh")
    f.seat(orgcom, tree.province, CommitteeSeat.Body.ORGANIZATION_COMMITTEE)

    # The commune committee publishes the draft to its cells.
    _as(page, "uyvien")
    page.goto(page.base_url + reverse("consultation_list"))
    page.get_by_role("link", name=f"Gửi dự thảo xin ý kiến: {tree.commune_a.name}").click()
    page.locator("input[name=title]").fill("Dự thảo Nghị quyết về chuyển đổi số")
    page.locator("input[name=issuing_body]").fill("Ban Chấp hành Đảng bộ xã")
    closing = timezone.localdate() + dt.timedelta(days=7)
    page.locator("input[name=closing_on]").fill(closing.isoformat())
    page.locator("textarea[name=summary]").fill("Xin ý kiến về mục tiêu và giải pháp chuyển đổi số.")
    page.locator("input[name=send_final_up]").check()
    screenshot(page, "consultation-publish")
    _button(page, "Gửi xin ý kiến các chi bộ", "Publish to the cells").click()
    page.wait_for_load_state()
    draft = Consultation.objects.get()
    draft_url = page.base_url + reverse("consultation_detail", args=[draft.public_id])
    assert page.url == draft_url and draft.reports_to == tree.province

    # A member of each cell comments.
    _comment(page, draft_url, "hoa", "Đề nghị bổ sung chỉ tiêu về dịch vụ công trực tuyến.")
    screenshot(page, "consultation-member")
    _comment(page, draft_url, "hai", "Cần hỗ trợ đảng viên cao tuổi dùng điện thoại thông minh.")
    expect(page.get_by_text("dịch vụ công trực tuyến")).to_have_count(0)  # never another cell's

    # Each secretary sends the cell's summary up.
    _send_cell_summary(page, draft_url, "bithu1", tree.a1.name, "Chi bộ thôn Đông nhất trí, đề nghị bổ sung chỉ tiêu.")
    screenshot(page, "consultation-cell-summary")
    _send_cell_summary(page, draft_url, "bithu2", tree.a2.name, "Chi bộ thôn Đoài đề nghị hỗ trợ người cao tuổi.")

    # The commune sees both, merges them and sends one summary up to the province.
    _as(page, "uyvien")
    page.goto(draft_url)
    page.get_by_role("link", name=tree.commune_a.name).click()
    expect(page.locator("#progress-title")).to_contain_text("2/2")
    for box in page.locator("input[type=checkbox][name^=take-]").all():
        box.check()
    page.locator("textarea[name=text]").fill("Đảng bộ xã tổng hợp ý kiến của 2 chi bộ: nhất trí với dự thảo.")
    screenshot(page, "consultation-merge")
    _button(page, "Gửi lên cấp trên", "Send up").click()
    page.wait_for_load_state()
    merged = ConsultationSummary.objects.get(organization=tree.commune_a)
    assert merged.is_sent and merged.points.filter(taken=True).count() == 2

    # The province sees the commune's summary.
    _as(page, "tinh")
    page.goto(page.base_url + reverse("consultation_list"))
    page.get_by_role("link", name="Dự thảo Nghị quyết về chuyển đổi số").click()
    page.get_by_role("link", name="Tiến độ và các bản tổng hợp").click()
    expect(page.get_by_text("Đảng bộ xã tổng hợp ý kiến của 2 chi bộ")).to_be_visible()
    screenshot(page, "consultation-province")
    assert not page.console_errors
