"""A member's evaluation from the self-assessment on a phone to the committee's decision, with
the quota warning, and a cell's own evaluation decided by the commune."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from evaluations import selectors, services
from evaluations.models import MemberEvaluation, OrganizationEvaluation
from members.models import Role
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.evaluations.conftest import national_scheme, points_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username):
    page.context.clear_cookies()
    sign_in(page, username)


def test_a_member_is_evaluated_from_self_assessment_to_decision_and_the_cell_too(page, tree):
    national_scheme()
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bithu")
    member = f.member(tree.a1, name="Lê Thị Hoa", username="dangvien")
    good = [f.member(tree.a1, name=f"Nguyễn Văn Tốt {n}") for n in (1, 2)]
    committee = f.member(tree.a2, name="Phạm Đức Ủy", username="uyvien")
    f.seat(committee, tree.commune_a)
    year = selectors.default_year()
    evaluation_round = services.round_open(organization=tree.commune_a, year=year,
                                           deadline=timezone.localdate() + dt.timedelta(days=10))
    for other in good:  # two members already rated good: one "excellent" more is over 20 % of good
        evaluation = MemberEvaluation.objects.get(member=other, year=year)
        services.member_self_assess(evaluation=evaluation, points=points_for(evaluation_round, 80), text="")
        services.member_review(evaluation=evaluation, proposed_level="good", votes_for=4)
        services.member_decide(evaluation=evaluation, level="good")

    # The member, on a phone: the facts are shown, the points typed, the account written.
    _as(page, "dangvien")
    page.goto(page.base_url + reverse("evaluation_mine"))
    page.locator(f'li[data-year="{year}"] a.button').click()
    expect(page.locator("[data-facts]")).to_be_visible()
    for field, points in zip(page.locator("input[type=number]").all(), (20, 19, 37, 19), strict=True):
        field.fill(str(points))
    page.locator("textarea[name=text]").fill("Hoàn thành xuất sắc nhiệm vụ chuyên môn, gương mẫu nơi cư trú.")
    screenshot(page, "evaluation-self-assessment")
    page.locator("main form button[type=submit]").click()
    expect(page.locator('[data-progress="self_assessed"]')).to_be_visible()

    # The secretary reviews: proposes "excellent", the four official members vote for it.
    _as(page, "bithu")
    page.goto(page.base_url + reverse("evaluation_cell", args=[tree.a1.public_id, year]))
    page.locator('li[data-member="Lê Thị Hoa"] a.button').click()
    page.check("input[name=proposed_level][value=excellent]")
    page.locator("input[name=votes_for]").fill("4")
    page.locator("main form button[type=submit]").click()
    expect(page.locator('li[data-member="Lê Thị Hoa"]')).to_have_attribute("data-progress", "reviewed")
    # ... and the cell assesses itself.
    page.get_by_role("link", name="Chi bộ tự kiểm điểm").click()
    for field, points in zip(page.locator("input[type=number]").all(), (18, 17, 35, 17), strict=True):
        field.fill(str(points))
    page.locator("main form button[type=submit]").click()
    page.goto(page.base_url + reverse("evaluation_cell", args=[tree.a1.public_id, year]))
    # ... then its meeting reviews that self-assessment and votes on the level to propose.
    page.get_by_role("link", name="Chi bộ nhận xét, biểu quyết").click()
    page.check("input[name=proposed_level][value=good]")
    page.locator("input[name=votes_for]").fill("2")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form .errorlist")).to_contain_text("2 trên 4")  # four official members: not passed
    expect(page.locator("input[name=votes_for]")).to_have_value("2")
    page.locator("input[name=votes_for]").fill("3")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-steps]")).to_contain_text("3 trên 4 đảng viên chính thức tán thành")
    page.goto(page.base_url + reverse("evaluation_cell", args=[tree.a1.public_id, year]))
    screenshot(page, "evaluation-cell")

    # The commune committee decides: over the quota, it is warned with the counts and confirms.
    _as(page, "uyvien")
    page.goto(page.base_url + reverse("evaluation_org", args=[tree.commune_a.public_id]) + f"?year={year}")
    page.locator("[data-awaiting] a", has_text="Lê Thị Hoa").click()
    expect(page.locator("input[name=level][value=excellent]")).to_be_checked()
    page.locator("main form button[type=submit]").click()
    warning = page.locator("[data-over-quota]")
    expect(warning).to_contain_text("1 xuất sắc trên 2 tốt")
    assert MemberEvaluation.objects.get(member=member, year=year).decided_at is None
    screenshot(page, "evaluation-quota-warning")
    page.check("input[name=confirm_over_quota]")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(str(year))
    decided = MemberEvaluation.objects.get(member=member, year=year)
    assert (decided.level, decided.decided_by.username, decided.reviewed_by.username) == ("excellent", "uyvien", "bithu")
    # The cell's own evaluation, decided by the commune.
    page.locator("[data-units-awaiting] a", has_text="Chi bộ thôn Đông").click()
    page.check("input[name=level][value=good]")
    page.locator("main form button[type=submit]").click()
    assert OrganizationEvaluation.objects.get(organization=tree.a1, year=year).level == "good"
    page.goto(page.base_url + reverse("evaluation_org", args=[tree.commune_a.public_id]) + f"?year={year}")
    screenshot(page, "evaluation-committee")
    # The commune's criteria form for next year: the national form to start from, a wrong total refused.
    page.get_by_role("link", name="Bộ tiêu chí đánh giá").click()
    expect(page.locator("[data-in-force]")).to_contain_text("mẫu chung toàn quốc")
    page.locator("input[name=name]").fill("Tiêu chí của xã An Phú")
    page.locator("input[name=points_1]").fill("25")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_contain_text("phải cộng lại đủ 100 điểm")
    expect(page.locator("input[name=points_1]")).to_have_value("25")
    page.locator("input[name=points_2]").fill("15")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-own-schemes]")).to_contain_text("Tiêu chí của xã An Phú")
    screenshot(page, "evaluation-criteria-form")

    # The member sees the decision in their history.
    _as(page, "dangvien")
    page.goto(page.base_url + reverse("evaluation_mine"))
    expect(page.locator(f'li[data-year="{year}"] .pill')).to_have_text("Xuất sắc")
    page.locator(f'li[data-year="{year}"] a').first.click()
    expect(page.locator("[data-steps]")).to_contain_text(secretary.full_name)
    screenshot(page, "evaluation-member-history")
    assert not page.console_errors
