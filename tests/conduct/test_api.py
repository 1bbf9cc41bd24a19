"""The conduct registers in the API: the member's own records, officers and committees per scope."""

import pytest
from django.urls import reverse

from tests.api.conftest import api, clean_cache  # noqa: F401 (fixtures)
from tests.conduct.conftest import commend, discipline

pytestmark = pytest.mark.urls("tests.conduct.urls_api")


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


def test_a_committee_reads_its_yearly_counts_and_badges(cast, records, api):  # noqa: F811
    client = api(cast.committee)
    body = client.get(reverse("api_organization_conduct", args=[cast.tree.commune_a.public_id]),
                      {"year": 2025}).json()
    assert body["total"]["commendation_total"] == 1 and body["total"]["disciplines"]["reprimand"] == 1
    badges = client.get(reverse("api_organization_badges", args=[cast.tree.commune_a.public_id]),
                        {"occasion": "2026-09-02"}).json()
    assert badges["occasion"] == "2026-09-02" and badges["due"] == []
    assert client.get(reverse("api_organization_badges", args=[cast.tree.commune_a.public_id]),
                      {"occasion": "2026-09-03"}).status_code == 400
