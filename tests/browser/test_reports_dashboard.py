"""A commune committee member opens the dashboard on a desktop and on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from common.months import add_months
from rollups import services as rollups
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.reports.conftest import hold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_commune_dashboard_answers_who_met_on_schedule(page, cast):
    t = cast.tree
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    due = last_month.replace(day=5)
    people = [cast.secretary, cast.member, *(f.member(t.a1) for _ in range(8))]
    for months_back in range(5, 0, -1):
        day = add_months(last_month, -months_back).replace(day=5)
        hold(t.a1, day, {p: "unexcused" if (p == cast.member and months_back < 3) else "present" for p in people})
    hold(t.a1, due, {p: "unexcused" if p == cast.member else "present" for p in people})
    hold(t.a1, due + dt.timedelta(days=10), dict.fromkeys(people, "present"), kind="thematic")
    others = [cast.committee, cast.orgcom, *(f.member(t.a2) for _ in range(4))]
    hold(t.a2, add_months(last_month, -2).replace(day=5), dict.fromkeys(others, "present"))
    hold(t.a2, due, {p: "excused" if i % 3 == 0 else "present" for i, p in enumerate(others)},
         held_on=due + dt.timedelta(days=4))
    missing = f.org("Chi bộ thôn Bắc", parent=t.commune_a)
    hold(missing, add_months(last_month, -3).replace(day=5), {f.member(missing): "present"})
    rollups.rollups_rebuild(years=sorted({last_month.year, add_months(last_month, -5).year}))

    sign_in(page, "committee")
    page.goto(page.base_url + "/reports/")
    assert page.get_by_role("heading", name="Đảng bộ xã An Phú").is_visible()
    table = page.locator("table.report-table")
    assert table.get_by_role("row", name="Chi bộ thôn Đông").get_by_text("Đúng lịch").is_visible() or \
        table.get_by_text("Đúng lịch").first.is_visible()
    assert table.get_by_text("Họp muộn").first.is_visible()
    assert table.get_by_text("Không sinh hoạt").first.is_visible()
    assert page.locator("svg.chart").count() == 2
    screenshot(page, "reports-commune-dashboard")
    assert page.console_errors == [], "no CSP violation, no script error"

    page.get_by_role("link", name="Chi bộ thôn Đông").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Chi bộ thôn Đông", exact=True).is_visible()
    risk = page.locator("section[aria-labelledby=risk-title]")
    assert risk.get_by_text("Lê Thị Hoa").is_visible(), "listed among the members at risk"
    screenshot(page, "reports-cell-report")
    assert page.console_errors == []
