"""The conduct registers in the API: the member's own records, officers and committees per scope."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from conduct.services import badge_present
from tests import factories as f
from tests.api.conftest import api, clean_cache  # noqa: F401 (fixtures)
from tests.conduct.conftest import commend, discipline


@pytest.fixture
def records(cast):
    return commend(cast.member), discipline(cast.member)


def test_a_member_reads_their_own_records(cast, records, api):  # noqa: F811
    body = api(cast.member).get(reverse("api_my_conduct")).json()
    assert [c["id"] for c in body["commendations"]] == [str(records[0].public_id)]
    assert [d["level"] for d in body["disciplines"]] == ["reprimand"]
    assert body["badges"] == []


def test_a_plain_member_of_the_cell_reads_no_one_elses_discipline(cast, records, neighbour, api):  # noqa: F811
    assert api(neighbour).get(reverse("api_member_conduct", args=[cast.member.public_id])).status_code == 404
    body = api(neighbour).get(reverse("api_cell_conduct", args=[cast.tree.a1.public_id])).json()
    assert len(body["commendations"]) == 1 and body["disciplines"] == []


@pytest.mark.parametrize("who", ["secretary", "committee", "orgcom"])
def test_officers_and_committees_read_a_members_records(cast, records, api, who):  # noqa: F811
    body = api(getattr(cast, who)).get(reverse("api_member_conduct", args=[cast.member.public_id])).json()
    assert len(body["commendations"]) == 1 and len(body["disciplines"]) == 1


def test_outsiders_get_404_everywhere(cast, records, api):  # noqa: F811
    client = api(cast.outsider)
    assert client.get(reverse("api_member_conduct", args=[cast.member.public_id])).status_code == 404
    assert client.get(reverse("api_cell_conduct", args=[cast.tree.a1.public_id])).status_code == 404
    assert client.get(reverse("api_organization_conduct", args=[cast.tree.commune_a.public_id])).status_code == 404
    assert client.get(reverse("api_organization_badges", args=[cast.tree.commune_a.public_id])).status_code == 404


def test_a_committee_reads_its_yearly_counts_page_by_page_with_the_total_last(cast, records, api):  # noqa: F811
    url = reverse("api_organization_conduct", args=[cast.tree.commune_a.public_id])
    body = api(cast.committee).get(url, {"year": 2025}).json()
    *units, total = body["results"]
    assert body["count"] == len(units) + 1 and total["organization"]["id"] == str(cast.tree.commune_a.public_id)
    assert total["commendation_total"] == 1 and total["disciplines"]["reprimand"] == 1
    # Every form is named, a form no one received as 0.
    assert total["commendations"]["order_or_medal"] == 0 and total["disciplines"]["expulsion"] == 0
    first = api(cast.committee).get(url, {"year": 2025, "page": 1, "page_size": 1}).json()
    assert first["count"] == body["count"] and first["results"] == body["results"][:1]


@pytest.fixture
def veteran(cast):
    lao = f.member(cast.tree.a1, name="Hoàng Văn Lão", admitted=dt.date(1981, 7, 1))  # 45 years on 1/7/2026
    xa = f.member(cast.tree.a2, name="Vũ Thị Xa", admitted=dt.date(1996, 8, 1))  # 30 years
    badge_present(member=xa, years=30, presented_on=dt.date(2026, 9, 2), decision_number="7-QĐ/ĐU",
                  presented_by="Đảng ủy xã")
    return lao, xa


def test_a_committee_reads_the_badges_due_then_those_presented_at_an_occasion(cast, veteran, api):  # noqa: F811
    url = reverse("api_organization_badges", args=[cast.tree.commune_a.public_id])
    body = api(cast.committee).get(url, {"occasion": "2026-09-02"}).json()
    assert body["count"] == 2
    assert [(r["member"]["full_name"], r["years"], r["presented_on"]) for r in body["results"]] == [
        ("Hoàng Văn Lão", 45, None), ("Vũ Thị Xa", 30, "2026-09-02")]
    assert {r["occasion"] for r in body["results"]} == {"2026-09-02"}


def test_the_badges_left_without_an_occasion_name_the_next_one(cast, veteran, api):  # noqa: F811
    url = reverse("api_organization_badges", args=[cast.tree.commune_a.public_id])
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=dt.UTC), tick=False):
        rows = api(cast.committee).get(url).json()["results"]
    assert rows and {r["occasion"] for r in rows} == {"2026-09-02"}


def test_a_day_that_is_no_presentation_date_is_a_400(cast, api):  # noqa: F811
    url = reverse("api_organization_badges", args=[cast.tree.commune_a.public_id])
    assert api(cast.committee).get(url, {"occasion": "2026-09-03"}).status_code == 400


@pytest.mark.parametrize("name", ["api_organization_conduct", "api_organization_badges"])
@pytest.mark.parametrize("query", ["page_size=101", "page_size=0", "page=0", "page=abc"])
def test_the_committee_lists_take_the_apis_page_parameters_strictly(cast, api, name, query):  # noqa: F811
    url = reverse(name, args=[cast.tree.commune_a.public_id])
    response = api(cast.committee).get(f"{url}?{query}")
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) <= {"page", "page_size"}


@pytest.mark.parametrize("name", ["api_organization_conduct", "api_organization_badges"])
def test_a_page_past_the_end_of_a_committee_list_is_a_404(cast, api, name):  # noqa: F811
    url = reverse(name, args=[cast.tree.commune_a.public_id])
    assert api(cast.committee).get(f"{url}?page=99").status_code == 404
