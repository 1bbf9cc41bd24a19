"""The fee pages: the month on one screen, the year and its xlsx, the committee's figures,
a member's own fees; outsiders get a 404; queries do not grow with the data."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fees.models import FeeBasis, FeeMonth, FeeSubmission
from fees.services import fee_sheet_record
from tests import factories as f
from tests.fees.conftest import grow

D = dt.date
MAY = D(2026, 5, 1)


def sheet_url(cell, month="2026-05"):
    return reverse("fees_sheet", kwargs={"cell_id": cell.public_id}) + f"?month={month}"


def test_everyone_paid_then_the_exceptions_records_the_month(payers, login):
    others = grow(payers.tree.a1, 3)
    client = login(payers.secretary)
    page = client.get(sheet_url(payers.tree.a1))
    assert page.status_code == 200
    key = page.context["idempotency_key"]
    posted = {"idempotency_key": key, "month": "2026-05", "collected_on": "2026-05-05", "all_paid": "1",
              f"fee-{payers.member.public_id}": "none",
              f"fee-{others[0].public_id}": "part", f"amount-{others[0].public_id}": "20.000"}
    assert client.post(sheet_url(payers.tree.a1), posted).status_code == 302
    paid = dict(FeeMonth.objects.filter(month=MAY).values_list("member_id", "amount_paid"))
    assert paid == {payers.secretary.pk: 50_000, payers.member.pk: 0, others[0].pk: 20_000,
                    others[1].pk: 40_000, others[2].pk: 40_000}
    # The same POST again (a lost answer, a double tap) changes nothing, even after a correction.
    fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 6),
                     received={payers.member.pk: 50_000})
    assert client.post(sheet_url(payers.tree.a1), posted).status_code == 302
    assert FeeMonth.objects.get(member=payers.member, month=MAY).amount_paid == 50_000
    assert FeeSubmission.objects.filter(key=key).count() == 1


def test_a_bad_amount_is_refused_with_the_entries_kept_and_nothing_saved(payers, login):
    client = login(payers.secretary)
    response = client.post(sheet_url(payers.tree.a1), {
        "idempotency_key": "abcdefgh1", "month": "2026-05", "collected_on": "2026-05-05",
        f"fee-{payers.member.public_id}": "part", f"amount-{payers.member.public_id}": "năm mươi"})
    assert response.status_code == 400 and response.context["errors"]
    assert not FeeMonth.objects.exists()


def test_a_member_without_a_basis_shows_and_the_basis_page_sets_it(payers, login):
    newcomer = f.member(payers.tree.a1, name="Mới Vào")
    client = login(payers.secretary)
    rows = {row.member.pk: row for row in client.get(sheet_url(payers.tree.a1)).context["sheet"].rows}
    assert rows[newcomer.pk].due is None
    url = reverse("fee_basis", kwargs={"cell_id": payers.tree.a1.public_id, "member_id": newcomer.public_id})
    assert client.post(url, {"kind": "salary", "base_amount": "", "effective_from": "2026-05-01"}).status_code == 400
    assert client.post(url, {"kind": "salary", "base_amount": "6.000.000",
                             "effective_from": "2026-05-01"}).status_code == 302
    assert FeeBasis.objects.get(member=newcomer).base_amount == 6_000_000
    rows = {row.member.pk: row for row in client.get(sheet_url(payers.tree.a1)).context["sheet"].rows}
    assert rows[newcomer.pk].due == 60_000


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_outsiders_and_plain_members_cannot_see_or_record_the_cells_fees(payers, login, who):
    client = login(getattr(payers, who))
    cell = payers.tree.a1
    assert client.get(sheet_url(cell)).status_code == 404
    assert client.post(sheet_url(cell), {"all_paid": "1", "collected_on": "2026-05-05"}).status_code == 404
    assert client.get(reverse("fees_ledger", kwargs={"cell_id": cell.public_id})).status_code == 404
    assert client.get(reverse("fees_committee", kwargs={"org_id": payers.tree.commune_a.public_id})).status_code == 404
    basis = reverse("fee_basis", kwargs={"cell_id": cell.public_id, "member_id": payers.member.public_id})
    assert client.get(basis).status_code == 404
    assert client.get(reverse("fees_import", kwargs={"cell_id": cell.public_id})).status_code == 404
    assert not FeeMonth.objects.exists()


def test_the_committee_reads_the_cells_month_but_cannot_record_it(payers, login):
    client = login(payers.committee)
    page = client.get(sheet_url(payers.tree.a1))
    assert page.status_code == 200 and not page.context["can_write"]
    assert client.post(sheet_url(payers.tree.a1), {"all_paid": "1", "collected_on": "2026-05-05"}).status_code == 404


def test_the_year_exports_member_rows_by_months_for_the_treasurer(payers, login):
    fee_sheet_record(cell=payers.tree.a1, month=D(2026, 4, 1), collected_on=D(2026, 4, 5),
                     received={payers.member.pk: 50_000, payers.secretary.pk: 30_000})
    client = login(payers.secretary)
    url = reverse("fees_ledger", kwargs={"cell_id": payers.tree.a1.public_id})
    assert client.get(url + "?year=2026").status_code == 200
    response = client.get(url + "?year=2026&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_name = {row[0]: row for row in rows}
    assert by_name[payers.member.full_name][4] == 50_000  # April is the fourth month column
    assert by_name[payers.secretary.full_name][4] == 30_000
    assert by_name[payers.secretary.full_name][13:] == (50_000, 30_000)  # due, paid


def test_the_committee_sees_collection_per_unit_and_the_remittance(payers, login):
    fee_sheet_record(cell=payers.tree.a1, month=D(2026, 4, 1), collected_on=D(2026, 4, 5),
                     received={payers.member.pk: 50_000, payers.secretary.pk: 0})
    client = login(payers.secretary)
    client.post(reverse("fees_remittance", kwargs={"cell_id": payers.tree.a1.public_id}), {
        "month": "2026-04", "amount": "50.000", "remitted_on": "2026-04-30",
        "to_organization": payers.tree.commune_a.pk})
    client = login(payers.committee)
    url = reverse("fees_committee", kwargs={"org_id": payers.tree.commune_a.public_id}) + "?year=2026"
    figures = client.get(url).context["figures"]
    a1 = next(unit for unit in figures.units if unit.organization == payers.tree.a1)
    assert (a1.due, a1.paid, a1.members, a1.members_paid, a1.remitted, a1.cells_recorded) == (
        100_000, 50_000, 2, 1, 50_000, 1)
    assert str(figures.total.rate) == "50.0"
    workbook = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    assert any(row[0] == payers.tree.a1.name for row in workbook.active.iter_rows(values_only=True))


def test_a_member_sees_their_own_fee_months_only(payers, login):
    fee_sheet_record(cell=payers.tree.a1, month=D(2026, 4, 1), collected_on=D(2026, 4, 5),
                     received={payers.member.pk: 50_000, payers.secretary.pk: 30_000})
    rows = login(payers.member).get(reverse("fees_mine")).context["rows"]
    assert [(row.member_id, row.amount_paid) for row in rows] == [(payers.member.pk, 50_000)]


def test_the_sheet_keeps_a_constant_number_of_queries(payers, login, constant_queries):
    fee_sheet_record(cell=payers.tree.a1, month=MAY, collected_on=D(2026, 5, 5),
                     received={payers.member.pk: 50_000})
    client = login(payers.secretary)
    constant_queries(lambda: client.get(sheet_url(payers.tree.a1)), lambda: grow(payers.tree.a1, 25), ceiling=14)


def test_the_committee_page_keeps_a_constant_number_of_queries(payers, login, constant_queries):
    def more():
        for cell in (payers.tree.a1, payers.tree.a2):
            members = grow(cell, 10)
            fee_sheet_record(cell=cell, month=D(2026, 4, 1), collected_on=D(2026, 4, 5),
                             received={m.pk: 40_000 for m in members})
    client = login(payers.committee)
    url = reverse("fees_committee", kwargs={"org_id": payers.tree.commune_a.public_id})
    constant_queries(lambda: client.get(url), more, ceiling=10)


def test_a_month_not_begun_falls_back_to_the_current_one(payers, login):
    page = login(payers.secretary).get(sheet_url(payers.tree.a1, "2026-09"))
    assert page.context["month"] == MAY

