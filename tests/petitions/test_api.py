"""The petitions in the API: the same scope, rules and services as the pages; one error body."""

import yaml
from django.urls import reverse

from petitions.models import Petition


def _raise_url(org):
    return reverse("api_organization_petitions", kwargs={"organization_id": org.public_id})


def _act(client, petition_id, **body):
    return client.post(reverse("api_petition_act", kwargs={"petition_id": petition_id}), body, format="json")


def test_a_cell_raises_the_commune_forwards_the_province_resolves_and_the_cell_reads_it(cast, categories, api):
    cell = api(cast.secretary)
    response = cell.post(_raise_url(cast.tree.a1), {"category": "difficulty", "title": "Thiếu địa điểm",
                                                   "text": "Nhà văn hóa đang sửa."}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["holder"]["name"] == "Đảng bộ xã An Phú" and body["actions"] == []
    pid = body["id"]
    commune = api(cast.committee)
    assert commune.get(reverse("api_petition_detail", kwargs={"petition_id": pid})).json()["actions"] == [
        "assign", "answer", "forward", "resolve"]
    assert _act(commune, pid, action="forward", text="Vượt thẩm quyền").json()["holder"]["name"] == "Đảng bộ tỉnh Thử"
    assert _act(commune, pid, action="answer", text="Trả lời").status_code == 404  # no longer theirs
    resolved = _act(api(cast.orgcom), pid, action="resolve", text="Tỉnh bố trí địa điểm tạm.").json()
    assert resolved["status"] == "resolved" and [s["kind"] for s in resolved["steps"]] == ["raised", "forwarded", "resolved"]
    mine = cell.get(_raise_url(cast.tree.a1)).json()["results"]
    assert mine[0]["answer"] == "Tỉnh bố trí địa điểm tạm." and mine[0]["status"] == "resolved"
    detail = cell.get(reverse("api_petition_detail", kwargs={"petition_id": pid})).json()
    assert detail["actions"] == ["reopen"]
    assert _act(cell, pid, action="reopen", text="Chưa có địa điểm thật.").json()["status"] == "reopened"


def test_bad_input_is_a_400_with_the_error_body_in_the_caller_language(cast, categories, api):
    client = api(cast.secretary, language="en")
    response = client.post(_raise_url(cast.tree.a1), {"category": "nope", "title": "", "text": 3}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and {"title", "text"} <= set(error["fields"])
    response = client.post(_raise_url(cast.tree.a1), {"category": "nope", "title": "A", "text": "B"}, format="json")
    assert response.json()["error"]["fields"] == {"category": ["Choose one of the categories."]}


def test_a_refusal_of_the_rules_is_a_400_not_a_500(cast, petition, api):
    client = api(cast.committee)
    response = _act(client, petition.public_id, action="resolve", text="")
    assert response.status_code == 400 and "text" in response.json()["error"]["fields"]
    _act(client, petition.public_id, action="resolve", text="Xong")
    response = _act(client, petition.public_id, action="answer", text="Thêm")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    response = _act(client, petition.public_id, action="assign", member=str(cast.outsider.public_id))
    assert response.status_code == 400


def test_the_lists_hold_only_what_the_caller_may_read(cast, petition, api):
    assert api(cast.outsider).get(reverse("api_petitions")).json()["count"] == 0
    assert api(cast.orgcom).get(reverse("api_petitions") + "?state=unresolved").json()["count"] == 1
    received = api(cast.committee).get(reverse("api_organization_petitions_received",
                                               kwargs={"organization_id": cast.tree.commune_a.public_id}))
    assert [p["id"] for p in received.json()["results"]] == [str(petition.public_id)]
    figures = api(cast.committee).get(reverse("api_organization_petition_figures",
                                              kwargs={"organization_id": cast.tree.commune_a.public_id})).json()
    assert figures["unresolved"] == 1 and figures["overdue"] == 0
    assert Petition.objects.count() == 1


def test_the_schema_describes_the_petition_operations(cast, client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    paths = schema["paths"]
    assert {"/api/v1/petitions/", "/api/v1/petitions/{petition_id}/act/",
            "/api/v1/organizations/{organization_id}/petitions/"} <= set(paths)
    assert "201" in paths["/api/v1/organizations/{organization_id}/petitions/"]["post"]["responses"]


def test_the_lists_keep_a_constant_number_of_queries(cast, categories, api, django_assert_max_num_queries):
    from tests.petitions.conftest import raise_petition

    client = api(cast.committee)
    urls = [reverse("api_petitions"), _raise_url(cast.tree.commune_a),
            reverse("api_organization_petitions_received", kwargs={"organization_id": cast.tree.commune_a.public_id})]
    counts = []
    for size in (1, 8):
        for i in range(size):
            raise_petition(cast.tree.a1, cast.secretary, categories["petition"], title=f"Từ chi bộ {i}")
            raise_petition(cast.tree.commune_a, cast.committee, categories["difficulty"], title=f"Từ xã {i}")
        client.get(urls[0])  # may record the token's use (api.services.token_touch): not a list's query
        sizes = []
        for url in urls:
            with django_assert_max_num_queries(8) as captured:
                assert client.get(url).status_code == 200
            sizes.append(len(captured.captured_queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
