"""The API: candidates for the cell's officers and the committees above; figures for committees."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from admissions.models import Step
from admissions.services import admission_plan_set
from api.services import token_issue
from tests import factories as f


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


def test_officers_list_and_read_candidates(api, cast, candidate, take):
    take(candidate, Step.SPONSORS)
    listed = api(cast.secretary).get(f"/api/v1/cells/{cast.tree.a1.public_id}/candidates/")
    assert listed.status_code == 200 and [c["full_name"] for c in listed.json()["results"]] == [candidate.full_name]
    detail = api(cast.committee).get(f"/api/v1/candidates/{candidate.public_id}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["stage"] == "sponsors" and len(body["sponsors"]) == 2 and body["member_id"] is None


def test_outsiders_and_members_get_404_for_candidates(api, cast, candidate):
    for who in (cast.outsider, cast.member):
        assert api(who).get(f"/api/v1/cells/{cast.tree.a1.public_id}/candidates/").status_code == 404
        assert api(who).get(f"/api/v1/candidates/{candidate.public_id}/").status_code == 404


def test_committees_read_the_years_figures(api, cast):
    f.member(cast.tree.a1, official=False, admitted=dt.date(2026, 2, 1), date_of_birth=dt.date(2001, 1, 1))
    admission_plan_set(organization=cast.tree.commune_a, year=2026, target=4, target_young=2)
    response = api(cast.orgcom).get(f"/api/v1/organizations/{cast.tree.province.public_id}/admissions/?year=2026")
    assert response.status_code == 200
    rows = response.json()["results"]
    commune_a, total = rows[0], rows[-1]
    assert (commune_a["admitted"], commune_a["target"], commune_a["rate"]) == (1, 4, "25.0")
    assert {c["key"]: (c["admitted"], c["target"]) for c in commune_a["categories"]}["young"] == (1, 2)
    assert total["name"] == cast.tree.province.name and total["admitted"] == 1
    assert api(cast.secretary).get(f"/api/v1/organizations/{cast.tree.province.public_id}/admissions/").status_code == 404
    bad_year = api(cast.orgcom).get(f"/api/v1/organizations/{cast.tree.province.public_id}/admissions/?year=x")
    assert bad_year.status_code == 400
