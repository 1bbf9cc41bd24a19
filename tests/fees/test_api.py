"""The API: a member's own fee months, a cell's month for its officers, figures for committees."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import token_issue
from fees.services import fee_sheet_record


@pytest.fixture
def api():
    cache.clear()

    def _client(who):
        client = APIClient()
        _token, raw = token_issue(user=who.user, name="Test phone")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client
    yield _client
    cache.clear()


@pytest.fixture
def april(payers):
    fee_sheet_record(cell=payers.tree.a1, month=dt.date(2026, 4, 1), collected_on=dt.date(2026, 4, 5),
                     received={payers.member.pk: 50_000, payers.secretary.pk: 20_000})
    return payers


def test_a_member_reads_their_own_fee_months(api, april):
    body = api(april.member).get("/api/v1/me/fees/").json()
    assert [(row["month"], row["amount_paid"]) for row in body["results"]] == [("2026-04-01", 50_000)]


def test_officers_and_committees_read_the_cells_month(api, april):
    for who in (april.secretary, april.committee):
        body = api(who).get(f"/api/v1/cells/{april.tree.a1.public_id}/fees/?month=2026-04").json()
        assert (body["due"], body["paid"], body["members_paid"]) == (100_000, 70_000, 1)


def test_committees_read_the_figures_per_unit_and_in_total(api, april):
    body = api(april.committee).get(f"/api/v1/organizations/{april.tree.commune_a.public_id}/fees/?year=2026")
    rows = body.json()["results"]
    assert rows[-1]["paid"] == 70_000 and rows[-1]["rate"] == "70.0"


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_outsiders_and_plain_members_get_404_for_the_cell_and_the_figures(api, april, who):
    client = api(getattr(april, who))
    assert client.get(f"/api/v1/cells/{april.tree.a1.public_id}/fees/").status_code == 404
    assert client.get(f"/api/v1/organizations/{april.tree.commune_a.public_id}/fees/").status_code == 404
