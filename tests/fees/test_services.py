"""Recording a cell's month: partial and advance payments, corrections, a retried POST."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fees.models import FeeMonth, FeeSheet, Remittance
from fees.services import fee_sheet_record, remittance_record
from rollups.models import CellMonth
from tests import factories as f
from tests.fees.conftest import salaried

D = dt.date
MAY = D(2026, 5, 1)


def ledger(member):
    return [(row.month.month, row.amount_due, row.amount_received, row.amount_paid)
            for row in FeeMonth.objects.filter(member=member).order_by("month")]


def test_a_month_records_full_partial_and_unpaid_members(payers, django_capture_on_commit_callbacks):
    extra = salaried(f.member(payers.tree.a1), 3_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5), actor=payers.secretary.user,
                         received={payers.secretary.pk: 50_000, payers.member.pk: 20_000, extra.pk: 0})
    assert ledger(payers.secretary) == [(5, 50_000, 50_000, 50_000)]
    assert ledger(payers.member) == [(5, 50_000, 20_000, 20_000)]
    assert ledger(extra) == [(5, 30_000, 0, 0)]
    sheet = FeeSheet.objects.get(cell=payers.tree.a1, month=MAY)
    assert sheet.collected_on == D(2026, 5, 5) and sheet.recorded_by == payers.secretary.user
    # The roll-ups followed on commit (eager Celery in tests).
    row = CellMonth.objects.get(cell=payers.tree.a1, month=MAY)
    assert (row.fees_due, row.fees_paid, row.fee_members, row.fee_members_paid, row.fee_sheets) == (
        130_000, 70_000, 3, 1, 1)


def test_an_advance_covers_the_next_months_and_a_correction_takes_it_back(payers):
    fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5),
                     received={payers.member.pk: 175_000})
    assert ledger(payers.member) == [(5, 50_000, 175_000, 50_000), (6, 50_000, 0, 50_000),
                                     (7, 50_000, 0, 50_000), (8, 50_000, 0, 25_000)]
    assert FeeMonth.objects.get(member=payers.member, month=D(2026, 7, 1)).paid_on == D(2026, 5, 5)
    fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 6),
                     received={payers.member.pk: 50_000})
    assert ledger(payers.member) == [(5, 50_000, 50_000, 50_000)]


def test_a_submission_sent_twice_changes_nothing_the_second_time(payers):
    fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5),
                     received={payers.member.pk: 50_000}, idempotency_key="key-0001")
    fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5),
                     received={payers.member.pk: 0}, idempotency_key="key-0002")
    # The first POST arrives again after the correction: it must not undo it.
    fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5),
                     received={payers.member.pk: 50_000}, idempotency_key="key-0001")
    assert ledger(payers.member) == [(5, 50_000, 0, 0)]


def test_a_member_without_a_basis_or_not_on_the_rolls_is_refused_and_nothing_is_saved(payers):
    nobody = f.member(payers.tree.a1, name="Chưa Có Mức")
    with pytest.raises(ValidationError):
        fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5),
                         received={payers.member.pk: 50_000, nobody.pk: 10_000})
    with pytest.raises(ValidationError):
        fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5),
                         received={payers.outsider.pk: 10_000})
    assert not FeeMonth.objects.exists() and not FeeSheet.objects.exists()


def test_a_month_not_begun_or_a_collection_in_the_future_is_refused(payers):
    with pytest.raises(ValidationError):
        fee_sheet_record(cell=payers.tree.a1, month=D(2026, 6, 1), collected_on=D(2026, 5, 5),
                         received={payers.member.pk: 50_000})
    with pytest.raises(ValidationError):
        fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 21),
                         received={payers.member.pk: 50_000})


def test_a_remittance_goes_to_an_organisation_above_the_cell(payers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        remittance_record(cell=payers.tree.a1, month=MAY, amount=70_000, remitted_on=D(2026, 5, 10),
                          to_organization=payers.tree.commune_a)
    assert Remittance.objects.get().amount == 70_000
    assert CellMonth.objects.get(cell=payers.tree.a1, month=MAY).fees_remitted == 70_000
    with pytest.raises(ValidationError):
        remittance_record(cell=payers.tree.a1, month=MAY, amount=1, remitted_on=D(2026, 5, 10),
                          to_organization=payers.tree.commune_b)
