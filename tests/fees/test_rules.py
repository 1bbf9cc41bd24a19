"""The fee rules: the amount due from data, rounding, allocation of advances, unpaid months."""

import datetime as dt
from decimal import Decimal

import pytest

from fees import rules
from fees.models import FeeBasis, FeeKind, FeeRate
from members.models import CellMembership, MemberStatus

D = dt.date


def basis(kind=FeeKind.SALARY, amount=None, since=D(2026, 1, 1)):
    return FeeBasis(kind=kind, base_amount=amount, effective_from=since)


def rate(kind=FeeKind.SALARY, percent=None, fixed=None, since=D(2011, 1, 1)):
    return FeeRate(kind=kind, percent=percent, fixed_amount=fixed, effective_from=since)


def test_one_percent_of_a_salary_is_rounded_half_up_to_whole_dong():
    assert rules.amount_due(basis(amount=4_680_050), rate(percent=Decimal("1")), D(2026, 5, 1)) == 46_801
    assert rules.amount_due(basis(amount=4_680_049), rate(percent=Decimal("1")), D(2026, 5, 1)) == 46_800


def test_half_a_percent_of_a_pension_and_a_fixed_sum_for_students():
    pension = basis(FeeKind.PENSION, 3_000_001)
    assert rules.amount_due(pension, rate(FeeKind.PENSION, percent=Decimal("0.5")), D(2026, 5, 1)) == 15_000
    student = basis(FeeKind.STUDENT)
    assert rules.amount_due(student, rate(FeeKind.STUDENT, fixed=5000), D(2026, 5, 1)) == 5000


def test_no_amount_without_a_basis_a_rate_of_its_kind_or_a_base_amount():
    salary = rate(percent=Decimal("1"))
    assert rules.amount_due(None, salary, D(2026, 5, 1)) is None
    assert rules.amount_due(basis(FeeKind.PENSION, 1), salary, D(2026, 5, 1)) is None
    assert rules.amount_due(basis(amount=None), salary, D(2026, 5, 1)) is None


def test_the_basis_and_rate_in_force_on_the_months_last_day_apply(db):
    bases = [basis(amount=4_000_000, since=D(2026, 1, 1)), basis(amount=6_000_000, since=D(2026, 5, 15))]
    book = rules.RateBook([rate(percent=Decimal("1")), rate(percent=Decimal("2"), since=D(2026, 7, 1))])
    assert book.due(bases, D(2026, 4, 1)) == 40_000
    assert book.due(bases, D(2026, 5, 1)) == 60_000  # the raise of mid-May counts for May
    assert book.due(bases, D(2026, 7, 1)) == 120_000  # a new rate is a new row with its date
    assert book.due(bases, D(2025, 12, 1)) is None  # before any basis


def test_the_migration_holds_the_domain_rates(db):
    book = rules.RateBook()
    assert book.due([basis(amount=5_000_000)], D(2026, 5, 1)) == 50_000
    assert book.due([basis(FeeKind.PENSION, 4_000_000)], D(2026, 5, 1)) == 20_000
    assert book.due([basis(FeeKind.STUDENT)], D(2026, 5, 1)) == 5000


def test_an_advance_covers_the_following_months_in_order():
    lines = rules.allocate([(D(2026, 5, 1), 50_000, 160_000, D(2026, 5, 3), 7)], due_of=lambda m: 50_000)
    assert [(line.month.month, line.amount_paid, line.paid_on) for line in lines] == [
        (5, 50_000, D(2026, 5, 3)), (6, 50_000, D(2026, 5, 3)), (7, 50_000, D(2026, 5, 3)),
        (8, 10_000, D(2026, 5, 3))]
    assert all(line.collected_by_id == 7 for line in lines)


def test_a_partial_payment_leaves_the_month_short_and_later_money_does_not_go_back():
    lines = rules.allocate([(D(2026, 4, 1), 50_000, 20_000, D(2026, 4, 2), None),
                            (D(2026, 5, 1), 50_000, 80_000, D(2026, 5, 2), None)], due_of=lambda m: 50_000)
    assert [(line.month.month, line.amount_paid) for line in lines] == [(4, 20_000), (5, 50_000), (6, 30_000)]


def test_a_month_is_unpaid_once_it_is_over_and_short():
    may = D(2026, 5, 1)
    assert not rules.is_unpaid(amount_due=50_000, amount_paid=0, month=may, today=D(2026, 5, 31))
    assert rules.is_unpaid(amount_due=50_000, amount_paid=49_999, month=may, today=D(2026, 6, 1))
    assert not rules.is_unpaid(amount_due=50_000, amount_paid=50_000, month=may, today=D(2026, 6, 1))


@pytest.mark.parametrize(("status", "kind", "owes"), [
    (MemberStatus.OFFICIAL, CellMembership.Kind.HOME, True),
    (MemberStatus.PROBATIONARY, CellMembership.Kind.HOME, True),
    (MemberStatus.EXEMPT, CellMembership.Kind.HOME, True),
    (MemberStatus.TEMPORARY_TRANSFER, CellMembership.Kind.HOME, False),
    (MemberStatus.TEMPORARY_TRANSFER, CellMembership.Kind.TEMPORARY, True),
    (MemberStatus.REMOVED, CellMembership.Kind.HOME, False),
])
def test_who_owes_the_cells_fee(status, kind, owes):
    assert rules.owes_fees(status=status, membership_kind=kind) is owes
