"""Every 4xx has one body, in the client's language; bad input is never a 500."""

import pytest

from tests import factories as f


def error(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_messages_are_vietnamese_by_default_and_english_on_request(cast, api):
    assert error(api().get("/api/v1/me/"))["message"] == "Đồng chí chưa đăng nhập."
    assert error(api(language="en").get("/api/v1/me/"))["message"] == "Authentication credentials were not provided."


def test_field_messages_follow_the_language_too(cast, api):
    client = api(cast.secretary, language="en")
    response = client.post(f"/api/v1/cells/{cast.tree.a1.public_id}/meetings/", {}, format="json")
    assert error(response)["fields"] == {"starts_at": ["This field is required."]}
    response = api(cast.secretary).post(f"/api/v1/cells/{cast.tree.a1.public_id}/meetings/", {}, format="json")
    assert error(response)["fields"] == {"starts_at": ["Trường này là bắt buộc."]}
    assert error(response)["message"] == "Một số dữ liệu gửi lên chưa hợp lệ."


def test_an_unknown_path_is_a_json_404(cast, api):
    for path in ["/api/v1/nothing/", "/api/v1/meetings/not-a-uuid/", "/api/v2/me/"]:
        response = api(cast.member).post(path, {}, format="json")
        assert response.status_code == 404 and error(response)["code"] == "not_found"


def test_a_method_the_endpoint_lacks_is_a_405_with_allow(cast, api):
    response = api(cast.member).delete("/api/v1/me/")
    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_a_415_or_a_400(cast, api):
    client = api(cast.member)
    response = client.post("/api/v1/auth/token/", "login=a&password=b", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and error(response)["code"] == "unsupported_media_type"
    response = client.post("/api/v1/auth/token/", "{login: ", content_type="application/json")
    assert response.status_code == 400 and error(response)["code"] == "parse_error"
    response = client.post("/api/v1/auth/token/", b"\xff\xfe{}", content_type="application/json")
    assert response.status_code == 400 and error(response)["code"] == "parse_error"


def test_absurdly_nested_or_huge_bodies_are_refused(cast, api):
    client = api(cast.member)
    response = client.post("/api/v1/auth/token/", "[" * 100_000, content_type="application/json")
    assert response.status_code == 400 and error(response)["code"] == "parse_error"
    huge = '{"login": "' + "a" * 300_000 + '"}'
    response = client.post("/api/v1/auth/token/", huge, content_type="application/json")
    assert response.status_code == 413 and error(response)["code"] == "too_large"


@pytest.mark.parametrize("body", [[], "chuỗi", 42, None, {"login": ["a"], "password": {"x": 1}}, {"login": "a\u0000b", "password": "x"}])
def test_wrong_json_shapes_and_types_are_a_400(db, api, body):
    response = api().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400 and error(response)["code"] == "invalid"


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=-1", "page_size=0", "page_size=101", "page=1.5", "page="])
def test_bad_pagination_parameters_are_a_400(cast, api, query):
    response = api(cast.member).get(f"/api/v1/meetings/?{query}")
    assert response.status_code == 400
    assert set(error(response)["fields"]) <= {"page", "page_size"}


def test_a_page_past_the_end_is_a_404_and_page_size_is_honoured(cast, api):
    from meetings.services.schedule import meeting_schedule

    for days in (3, 4, 5):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days), kind="extraordinary")
    client = api(cast.member)
    body = client.get("/api/v1/meetings/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "page=2" in body["next"]
    assert len(client.get("/api/v1/meetings/?page_size=2&page=2").json()["results"]) == 1
    assert client.get("/api/v1/meetings/?page_size=2&page=3").status_code == 404


def test_the_schema_documents_the_error_body_on_every_operation(client, db):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = [code for code in operation["responses"] if code.startswith("4")]
            assert errors, f"{method} {path}"
            for code in errors:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}


def test_an_odd_accept_header_still_gets_json(cast, api):
    response = api(cast.member).get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_an_unknown_format_parameter_is_ignored_and_the_schema_comes_as_json_on_request(cast, api):
    assert api(cast.member).get("/api/v1/me/?format=xml").status_code == 200
    response = api().get("/api/schema/?format=json")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
