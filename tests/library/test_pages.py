"""The library pages: search with filters, a document, bookmarks, a committee's upload; query
ceilings that hold as the library grows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import Bookmark, LibraryEntry
from library.services import bookmark_add
from tests.library.conftest import DAY, pdf_upload, put


def test_the_nav_links_to_the_library(cast, login):
    page = login(cast.member).get(reverse("home")).content.decode()
    assert reverse("library") in page and "Thư viện văn bản" in page


def test_a_member_searches_and_sees_inherited_documents(cast, login):
    put("province", cast.tree.province, title="Nghị quyết của Tỉnh ủy")
    put("cell", cast.tree.a1, title="Nghị quyết chi bộ", kind="resolution")
    put("other", cast.tree.a1, title="Báo cáo tháng", kind="meeting_document")
    response = login(cast.member).get(reverse("library"), {"q": "nghi quyet"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nghị quyết của Tỉnh ủy" in page and "Nghị quyết chi bộ" in page and "Báo cáo tháng" not in page
    assert 'value="nghi quyet"' in page  # the box keeps what was typed


def test_results_are_paginated_without_counting_them_all(cast, login):
    for index in range(23):
        put(f"k{index}", cast.tree.province, title=f"Văn bản {index:02d}")
    client = login(cast.member)
    first = client.get(reverse("library"))
    assert len(first.context["entries"]) == 20 and first.context["has_next"]
    second = client.get(reverse("library"), {"page": "2"})
    assert len(second.context["entries"]) == 3 and not second.context["has_next"]
    assert client.get(reverse("library"), {"page": "x²"}).context["page_number"] == 1


def test_a_document_page_downloads_and_bookmarks(cast, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = put("pdf", cast.tree.province, title="Chỉ thị số 05", file=pdf_upload())
    client = login(cast.member)
    page = client.get(reverse("library_entry", args=[entry.public_id])).content.decode()
    assert reverse("library_file", args=[entry.public_id]) in page
    download = client.get(reverse("library_file", args=[entry.public_id]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    response = client.post(reverse("library_bookmark", args=[entry.public_id]),
                           {"next": reverse("library_bookmarks")})
    assert response.url == reverse("library_bookmarks")
    assert Bookmark.objects.filter(user=cast.member.user, entry=entry).exists()
    assert "Chỉ thị số 05" in client.get(reverse("library_bookmarks")).content.decode()
    client.post(reverse("library_bookmark", args=[entry.public_id]), {"bookmark": "0", "next": "https://evil.test/"})
    assert not Bookmark.objects.exists()


def test_a_committee_posts_a_directive_that_every_member_below_finds(cast, login):
    url = reverse("library_upload", args=[cast.tree.commune_a.public_id])
    response = login(cast.committee).post(url, {
        "title": "Kế hoạch phòng chống bão", "kind": "directive", "issued_by": "Đảng ủy xã An Phú",
        "issued_on": DAY.isoformat(), "file": pdf_upload(),
    })
    entry = LibraryEntry.objects.get()
    assert response.status_code == 302 and entry.organization == cast.tree.commune_a
    page = login(cast.member).get(reverse("library")).content.decode()
    assert "Kế hoạch phòng chống bão" in page


def test_a_bad_upload_keeps_what_was_typed_and_says_why(cast, login):
    url = reverse("library_upload", args=[cast.tree.commune_a.public_id])
    response = login(cast.committee).post(url, {
        "title": "Kế hoạch", "kind": "directive", "issued_by": "Đảng ủy xã", "issued_on": DAY.isoformat(),
        "file": SimpleUploadedFile("gia.pdf", b"<html>"),
    })
    page = response.content.decode()
    assert response.status_code == 400 and 'value="Kế hoạch"' in page and "không phải là tệp" in page
    assert not LibraryEntry.objects.exists()


@pytest.fixture
def constant_queries(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def check(fetch, grow_data, ceiling):
        fetch()
        with CaptureQueriesContext(connection) as small:
            response = fetch()
        assert response.status_code == 200
        assert len(small) <= ceiling, [q["sql"] for q in small.captured_queries]
        grow_data()
        with django_assert_max_num_queries(len(small)):
            assert fetch().status_code == 200
        return len(small)
    return check


def _grow(cast, start, count):
    def grow():
        for index in range(start, start + count):
            entry = put(f"g{index}", cast.tree.province if index % 2 else cast.tree.a1, title=f"Nghị quyết {index}")
            bookmark_add(user=cast.member.user, entry=entry)
    return grow


@pytest.mark.parametrize("name, query", [
    ("library", {}),
    ("library", {"q": "nghi quyet", "kind": "directive", "year": "2026", "issued_by": "ban"}),
    ("library", {"org": "a1"}),
    ("library_bookmarks", {}),
])
def test_list_pages_keep_a_query_ceiling_as_the_library_grows(cast, login, constant_queries, name, query):
    _grow(cast, 0, 3)()
    if query.get("org"):
        query = {"org": cast.tree.a1.public_id}
    client = login(cast.member)
    constant_queries(lambda: client.get(reverse(name), query), _grow(cast, 3, 40), ceiling=10)


def test_the_document_page_keeps_a_query_ceiling(cast, login, constant_queries):
    entry = put("one", cast.tree.province)
    client = login(cast.member)
    constant_queries(lambda: client.get(reverse("library_entry", args=[entry.public_id])), _grow(cast, 0, 20),
                     ceiling=10)
