"""The member's own evaluation in the API: read it, send the self-assessment; nobody else's."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.evaluations.conftest import evaluation_of


@pytest.fixture
def api(db):
    def _client(member):
        client = APIClient()
        client.force_authenticate(member.user)
        return client
    return _client


def test_the_member_reads_their_evaluations_with_the_criteria(cast, opened, api):
    body = api(cast.member).get(reverse("api_my_evaluations")).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["year"], row["progress"], row["total_points"], row["cell"]) == (2025, "not_started", 100, "Chi bộ thôn Đông")
    assert [c["max_points"] for c in row["criteria"]] == [20, 20, 40, 20]


def test_the_member_sends_the_self_assessment(cast, opened, api):
    evaluation = evaluation_of(cast.member)
    criteria = list(opened.scheme.criteria.all())
    url = reverse("api_my_self_assessment", args=[evaluation.public_id])
    payload = {"points": [{"criterion": c.pk, "points": c.max_points - 2} for c in criteria], "text": "Tự đánh giá"}
    response = api(cast.member).post(url, payload, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["score"], response.json()["self_level"], response.json()["progress"]) == (92, "excellent", "self_assessed")
    assert response.json()["facts"]["disciplined"] is False


def test_bad_points_are_a_400_with_the_error_body(cast, opened, api):
    evaluation = evaluation_of(cast.member)
    criterion = opened.scheme.criteria.first()
    url = reverse("api_my_self_assessment", args=[evaluation.public_id])
    response = api(cast.member).post(url, {"points": [{"criterion": criterion.pk, "points": 99}]}, format="json")
    assert response.status_code == 400
    assert "error" in response.json() and "points" in response.json()["error"]["fields"]


def test_nobody_else_sends_or_reads_it(cast, opened, api):
    evaluation = evaluation_of(cast.member)
    url = reverse("api_my_self_assessment", args=[evaluation.public_id])
    for who in (cast.outsider, cast.secretary, cast.committee):
        assert api(who).post(url, {"points": []}, format="json").status_code == 404
    assert api(cast.outsider).get(reverse("api_my_evaluations")).json()["count"] == 0


def test_the_schema_still_generates_with_the_evaluation_endpoints(db, client):
    response = client.get(reverse("api_schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me/evaluations/" in paths
    assert "/api/v1/me/evaluations/{evaluation_id}/self-assessment/" in paths
