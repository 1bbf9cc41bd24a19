"""The mobile app's operations: open drafts for my cells, my cell's comments, my cell's summary."""

import pytest
from django.urls import reverse

from tests.consultations.conftest import comment, send


@pytest.fixture
def api(client):
    def as_(member):
        client.force_login(member.user)
        return client
    return as_


def test_a_member_lists_the_open_drafts_for_their_cell(cast, draft, api):
    body = api(cast.member).get(reverse("api_consultations_open")).json()
    assert [r["id"] for r in body["results"]] == [str(draft.public_id)]
    assert body["results"][0]["comments_open"] is True
    assert api(cast.outsider).get(reverse("api_consultations_open")).json()["count"] == 0


def test_a_member_comments_and_reads_their_cells_comments_only(cast, people, draft, api):
    url = reverse("api_consultation_comments", args=[draft.public_id])
    response = api(cast.member).post(url, {"text": "Cần làm rõ nguồn lực"}, content_type="application/json")
    assert response.status_code == 201
    comment(draft, people.a2_member, cast.tree.a2, text="Ý kiến chi bộ thôn Đoài")
    texts = [c["text"] for c in api(cast.member).get(url).json()["results"]]
    assert texts == ["Cần làm rõ nguồn lực"]


def test_bad_input_is_a_clear_400(cast, draft, api):
    url = reverse("api_consultation_comments", args=[draft.public_id])
    response = api(cast.member).post(url, {"text": ""}, content_type="application/json")
    assert response.status_code == 400 and "text" in response.json()["error"]["fields"]
    response = api(cast.member).post(url, {"text": 12}, content_type="application/json")
    assert response.status_code == 400


def test_outsiders_get_404_everywhere(cast, draft, api):
    client = api(cast.outsider)
    for name in ("api_consultation_comments", "api_consultation_cell_summary"):
        assert client.get(reverse(name, args=[draft.public_id])).status_code == 404
    url = reverse("api_consultation_comments", args=[draft.public_id])
    assert client.post(url, {"text": "x"}, content_type="application/json").status_code == 404


def test_the_cells_summary_is_read_once_sent(cast, draft, api):
    url = reverse("api_consultation_cell_summary", args=[draft.public_id])
    mine = comment(draft, cast.member, cast.tree.a1)
    send(draft, cast.tree.a1, comments=[mine], send=False)
    assert api(cast.member).get(url).status_code == 404  # a draft: only the officers
    assert api(cast.secretary).get(url).json()["status"] == "draft"
    send(draft, cast.tree.a1, comments=[mine])
    body = api(cast.member).get(url).json()
    assert body["status"] == "sent" and body["points"] == [
        {"comment": str(mine.public_id), "taken": True, "group": "Về kinh tế"}]
