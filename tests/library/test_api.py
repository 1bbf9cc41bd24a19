"""The library in the API: search, one document, its file, bookmarks; the same scope as the pages."""

import pytest
from django.urls import reverse

from tests.api.conftest import api, clean_cache  # noqa: F401 (fixtures)
from tests.library.conftest import pdf_upload, put


@pytest.fixture
def shelves(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "province": put("province", cast.tree.province, title="Chỉ thị phát triển đảng viên",
                            file=pdf_upload(text="Bồi dưỡng quần chúng ưu tú.")),
            "a1": put("a1", cast.tree.a1, title="Nghị quyết chi bộ tháng 3", kind="resolution"),
            "b1": put("b1", cast.tree.b1, title="Nghị quyết chi bộ thôn Nam", kind="resolution"),
        }


def test_a_member_searches_without_diacritics_inside_the_file(cast, shelves, api):  # noqa: F811
    body = api(cast.member).get(reverse("api_library"), {"q": "quan chung uu tu"}).json()
    assert [r["id"] for r in body["results"]] == [str(shelves["province"].public_id)]
    assert body["results"][0]["has_file"] is True and body["results"][0]["is_bookmarked"] is False


def test_filters_and_an_organisations_library(cast, shelves, api):  # noqa: F811
    client = api(cast.member)
    body = client.get(reverse("api_library"), {"kind": "resolution"}).json()
    assert [r["title"] for r in body["results"]] == ["Nghị quyết chi bộ tháng 3"]
    body = client.get(reverse("api_library"), {"organization": str(cast.tree.commune_a.public_id)}).json()
    assert [r["title"] for r in body["results"]] == ["Chỉ thị phát triển đảng viên"]


def test_the_count_stops_at_the_cap(cast, shelves, api, monkeypatch):  # noqa: F811
    from library import api as library_api

    monkeypatch.setattr(library_api, "COUNT_CAP", 1)
    body = api(cast.member).get(reverse("api_library"), {"page_size": 1}).json()
    assert body["count"] == 1 and body["next"] is None and len(body["results"]) == 1


def test_bad_parameters_are_a_400_with_the_error_body(cast, shelves, api):  # noqa: F811
    response = api(cast.member).get(reverse("api_library"), {"kind": "poem", "year": "x"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"kind", "year"}


def test_bookmarks_are_added_listed_and_removed_idempotently(cast, shelves, api):  # noqa: F811
    client = api(cast.member)
    url = reverse("api_library_bookmark", args=[shelves["a1"].public_id])
    assert client.put(url).json()["is_bookmarked"] is True
    assert client.put(url).status_code == 200
    body = client.get(reverse("api_library_bookmarks")).json()
    assert [r["id"] for r in body["results"]] == [str(shelves["a1"].public_id)]
    assert client.delete(url).status_code == 204 and client.delete(url).status_code == 204
    assert client.get(reverse("api_library_bookmarks")).json()["count"] == 0


def test_the_file_downloads_under_its_title(cast, shelves, api):  # noqa: F811
    response = api(cast.member).get(reverse("api_library_file", args=[shelves["province"].public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Ch%E1%BB%89%20th%E1%BB%8B" in response["Content-Disposition"]


def test_an_outsider_gets_404_everywhere(cast, shelves, api):  # noqa: F811
    client = api(cast.member)
    entry = shelves["b1"]
    for name in ("api_library_entry", "api_library_file"):
        assert client.get(reverse(name, args=[entry.public_id])).status_code == 404
    assert client.put(reverse("api_library_bookmark", args=[entry.public_id])).status_code == 404
    assert client.get(reverse("api_library"), {"organization": str(cast.tree.b1.public_id)}).status_code == 404
    titles = [r["title"] for r in client.get(reverse("api_library"), {"q": "nghi quyet"}).json()["results"]]
    assert titles == ["Nghị quyết chi bộ tháng 3"]


def test_anonymous_callers_are_refused(shelves, api):  # noqa: F811
    assert api().get(reverse("api_library")).status_code == 401
