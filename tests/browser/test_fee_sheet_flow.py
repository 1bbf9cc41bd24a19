"""A secretary records a month of party fees for 20 members on a phone in under a minute."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from common.months import month_start
from fees.models import FeeMonth
from fees.services import fee_basis_set, fee_rate_set
from members.models import Role
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretary_records_a_month_of_fees_for_twenty_members(page, tree):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bithu")
    members = [secretary, *(f.member(tree.a1, name=f"Đảng Viên {n:02d}") for n in range(1, 20))]
    # A transactional test flushes the tables after it, the migration's rates too: set the rate here.
    fee_rate_set(kind="salary", percent=Decimal("1"), effective_from=dt.date(2011, 1, 1))
    for member in members:
        fee_basis_set(member=member, kind="salary", base_amount=5_000_000, effective_from=dt.date(2020, 1, 1))
    late, partial = members[3], members[7]
    month = month_start(timezone.localdate())
    sign_in(page, "bithu")
    started = time.monotonic()
    page.goto(page.base_url + reverse("fees_sheet", kwargs={"cell_id": tree.a1.public_id}))
    expect(page.locator(".fee-row")).to_have_count(20)
    page.locator("button[data-all-paid]").click()
    page.wait_for_load_state()
    expect(page.locator(f'.fee-row[data-member="{late.public_id}"]')).to_be_visible()
    page.locator(f'.fee-row[data-member="{late.public_id}"] .rc-unexcused').click()
    page.locator(f'.fee-row[data-member="{partial.public_id}"] .rc-excused').click()
    page.locator(f"#amount-{partial.public_id}").fill("20.000")
    expect(page.locator('[data-fee-total="members"]')).to_have_text("18")
    page.get_by_role("button", name="Lưu tháng").or_(page.get_by_role("button", name="Save the month")).click()
    page.wait_for_load_state()
    elapsed = time.monotonic() - started
    assert elapsed < 60, elapsed
    paid = dict(FeeMonth.objects.filter(month=month).values_list("member_id", "amount_paid"))
    assert len(paid) == 20 and paid[late.pk] == 0 and paid[partial.pk] == 20_000
    assert sum(1 for value in paid.values() if value == 50_000) == 18
    screenshot(page, "fee-sheet")
    assert not page.console_errors
