"""Who sees and does what: the member their own, the cell's officers their cell's, committees
their subtree's; everyone else gets a 404 on every page and endpoint."""

import pytest
from django.urls import reverse

from evaluations import services
from tests.evaluations.conftest import YEAR, evaluation_of, points_for, unit_evaluation_of, walk


@pytest.fixture
def reviewed(cast, opened):
    evaluation = evaluation_of(cast.member)
    services.member_self_assess(evaluation=evaluation, points=points_for(opened, 80), text="")
    services.member_review(evaluation=evaluation, proposed_level="good", votes_for=2)
    unit = unit_evaluation_of(cast.tree.a1)
    services.organization_self_assess(evaluation=unit, points=points_for(opened, 80), text="")
    services.organization_review(evaluation=unit, proposed_level="good", votes_for=2)
    return evaluation


def _pages(cast, evaluation, unit):
    return [
        reverse("evaluation_detail", args=[evaluation.public_id]),
        reverse("evaluation_self", args=[evaluation.public_id]),
        reverse("evaluation_review", args=[evaluation.public_id]),
        reverse("evaluation_decide", args=[evaluation.public_id]),
        reverse("evaluation_cell", args=[cast.tree.a1.public_id, YEAR]),
        reverse("unit_evaluation_detail", args=[unit.public_id]),
        reverse("unit_evaluation_self", args=[unit.public_id]),
        reverse("unit_evaluation_review", args=[unit.public_id]),
        reverse("unit_evaluation_decide", args=[unit.public_id]),
        reverse("unit_evaluation_amend", args=[unit.public_id]),
        reverse("evaluation_amend", args=[evaluation.public_id]),
        reverse("evaluation_org", args=[cast.tree.commune_a.public_id]),
        reverse("evaluation_export", args=[cast.tree.commune_a.public_id]),
        reverse("api_my_self_assessment", args=[evaluation.public_id]),
    ]


def test_an_outsider_gets_404_everywhere(cast, reviewed, login):
    client = login(cast.outsider)
    for url in _pages(cast, reviewed, unit_evaluation_of(cast.tree.a1)):
        method = client.post if "api" in url else client.get
        assert method(url).status_code == 404, url
        if "api" not in url:
            # A read-only page answers 405 to any POST, before looking anything up.
            assert client.post(url, {"level": "excellent", "votes_for": 9}).status_code in (404, 405), url
    assert evaluation_of(cast.member).decided_at is None
    assert client.get(reverse("evaluation_mine")).status_code == 200
    assert "Lê Thị Hoa" not in client.get(reverse("evaluation_mine")).content.decode()


def test_the_member_sees_their_own_but_cannot_review_or_decide(cast, reviewed, login):
    client = login(cast.member)
    assert client.get(reverse("evaluation_detail", args=[reviewed.public_id])).status_code == 200
    for name in ("evaluation_review", "evaluation_decide"):
        assert client.get(reverse(name, args=[reviewed.public_id])).status_code == 404
    assert client.get(reverse("evaluation_cell", args=[cast.tree.a1.public_id, YEAR])).status_code == 404
    other = evaluation_of(cast.secretary)
    assert client.get(reverse("evaluation_detail", args=[other.public_id])).status_code == 404


def test_the_cell_officers_review_their_cell_and_do_not_decide(cast, reviewed, login):
    client = login(cast.secretary)
    assert client.get(reverse("evaluation_cell", args=[cast.tree.a1.public_id, YEAR])).status_code == 200
    assert client.get(reverse("evaluation_review", args=[reviewed.public_id])).status_code == 200
    assert client.get(reverse("evaluation_decide", args=[reviewed.public_id])).status_code == 404
    assert client.get(reverse("evaluation_self", args=[reviewed.public_id])).status_code == 404
    assert client.get(reverse("evaluation_org", args=[cast.tree.commune_a.public_id])).status_code == 404


def test_the_commune_committee_decides_members_and_cells_but_not_its_own(cast, reviewed, login):
    client = login(cast.committee)
    assert client.get(reverse("evaluation_decide", args=[reviewed.public_id])).status_code == 200
    unit = unit_evaluation_of(cast.tree.a1)
    assert client.get(reverse("unit_evaluation_decide", args=[unit.public_id])).status_code == 200
    own = unit_evaluation_of(cast.tree.commune_a)
    assert client.get(reverse("unit_evaluation_self", args=[own.public_id])).status_code == 200
    assert client.get(reverse("unit_evaluation_decide", args=[own.public_id])).status_code == 404
    assert login(cast.orgcom).get(reverse("unit_evaluation_decide", args=[own.public_id])).status_code == 404  # not assessed
    services.organization_self_assess(evaluation=own, points=points_for(own.round, 90), text="")
    assert login(cast.orgcom).get(reverse("unit_evaluation_decide", args=[own.public_id])).status_code == 404  # not reviewed
    assert login(cast.orgcom).get(reverse("unit_evaluation_review", args=[own.public_id])).status_code == 404
    response = login(cast.committee).post(reverse("unit_evaluation_review", args=[own.public_id]),
                                          {"proposed_level": "good", "votes_for": 1, "note": ""})
    assert response.status_code == 302
    assert login(cast.orgcom).get(reverse("unit_evaluation_decide", args=[own.public_id])).status_code == 200


def test_the_cell_officers_record_their_cell_meeting_review_with_the_vote(cast, opened, login):
    unit = unit_evaluation_of(cast.tree.a1)
    services.organization_self_assess(evaluation=unit, points=points_for(opened, 80), text="")
    url = reverse("unit_evaluation_review", args=[unit.public_id])
    for who in (cast.outsider, cast.member, cast.committee):
        assert login(who).get(url).status_code == 404
    client = login(cast.secretary)
    refused = client.post(url, {"proposed_level": "good", "votes_for": 1, "note": "Chưa đạt"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "1 trên 2" in page and "Chưa đạt" in page
    assert client.post(url, {"proposed_level": "good", "votes_for": 2, "note": ""}).status_code == 302
    detail = client.get(reverse("unit_evaluation_detail", args=[unit.public_id])).content.decode()
    assert "2 trên 2 đảng viên chính thức tán thành" in detail


def test_a_decided_evaluation_is_amended_only_by_the_deciding_committee(cast, opened, login):
    decided = walk(cast, cast.secretary)
    url = reverse("evaluation_amend", args=[decided.public_id])
    for who in (cast.outsider, cast.secretary, cast.member):
        assert login(who).get(url).status_code == 404
    response = login(cast.committee).post(url, {"new_level": "completed", "reason": "Điều chỉnh"})
    assert response.status_code == 302
    assert evaluation_of(cast.secretary).level == "completed"
