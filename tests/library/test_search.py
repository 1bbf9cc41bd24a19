"""Search ignores diacritics and case, finds words inside PDF and Word files, and filters by
kind, issuing body and year; an organisation's library holds its own documents and those
from above."""

import datetime as dt

from common.text import VIETNAMESE_ACCENTED, VIETNAMESE_PLAIN, normalize_search
from library import selectors
from library.models import LibraryEntry
from members.access import scope_for
from tests.library.conftest import docx_upload, pdf_upload, put


def _search(user, organization=None, **query):
    filters = selectors.Filters.from_query(query, organization=organization)
    return [e.source_key for e in selectors.entries_search(scope_for(user), filters)]


def test_words_without_diacritics_find_the_title_with_them(cast):
    put("nq", cast.tree.province, title="Nghị quyết về công tác xây dựng Đảng")
    put("ct", cast.tree.province, title="Chỉ thị về phòng chống thiên tai")
    assert _search(cast.member.user, q="nghi quyet") == ["nq"]
    assert _search(cast.member.user, q="NGHỊ QUYẾT") == ["nq"]
    assert _search(cast.member.user, q="xay dung dang") == ["nq"]
    assert _search(cast.member.user, q="dang xay dung") == ["nq"]  # any order


def test_a_word_inside_a_pdf_finds_it(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        put("pdf", cast.tree.province, title="Chỉ thị số 05", file=pdf_upload(text="Bồi dưỡng quần chúng ưu tú."))
        put("docx", cast.tree.province, title="Nghị quyết số 12", file=docx_upload(text="Sổ tay điện tử."))
    assert _search(cast.member.user, q="quan chung uu tu") == ["pdf"]
    assert _search(cast.member.user, q="so tay dien tu") == ["docx"]


def test_a_decomposed_search_finds_a_precomposed_title(cast):
    put("nq", cast.tree.province, title="Nghị quyết")
    assert _search(cast.member.user, q="Nghi\u0323 quyê\u0301t") == ["nq"]


def test_the_sql_normalisation_agrees_with_python(cast):
    """The search column strips diacritics with translate(); the typed words with normalize_search."""
    text = VIETNAMESE_ACCENTED + " " + VIETNAMESE_ACCENTED.upper()
    put("all", cast.tree.province, title=text)
    assert normalize_search(text) == f"{VIETNAMESE_PLAIN} {VIETNAMESE_PLAIN}"
    assert _search(cast.member.user, q=VIETNAMESE_PLAIN) == ["all"]


def test_filters_by_kind_issuing_body_and_year(cast):
    put("a", cast.tree.province, kind="directive", issued_by="Ban Thường vụ Tỉnh ủy", issued_on=dt.date(2025, 5, 1))
    put("b", cast.tree.commune_a, kind="resolution", issued_by="Đảng ủy xã An Phú", issued_on=dt.date(2026, 5, 1))
    user = cast.member.user
    assert _search(user, kind="resolution") == ["b"]
    assert _search(user, issued_by="tinh uy") == ["a"]
    assert _search(user, year="2025") == ["a"]
    assert _search(user, year="nope", kind="bogus") == ["b", "a"]  # bad filters are ignored, newest first


def test_an_organisations_library_holds_its_own_and_those_from_above_only(cast):
    put("province", cast.tree.province)
    put("commune", cast.tree.commune_a)
    put("cell", cast.tree.a1)
    put("sister", cast.tree.a2)
    assert set(_search(cast.committee.user, organization=cast.tree.a1)) == {"province", "commune", "cell"}
    assert set(_search(cast.committee.user, organization=cast.tree.commune_a)) == {"province", "commune"}


def test_the_search_uses_the_gin_index(cast):
    for index in range(80):
        put(f"k{index}", cast.tree.province, title=f"Kế hoạch {index}")
    put("match-1", cast.tree.province, title="Văn bản hướng dẫn")
    put("match-2", cast.tree.province, title="Văn bản chỉ đạo")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE library_libraryentry")
        # A table this small is read whole or through any index: leave the planner only the
        # paths an index condition opens (bitmap scans), so the plan says which index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        qs = selectors.entries_search(scope_for(cast.admin), selectors.Filters(text="van ban"))
        plan = qs.explain()
    assert "library_entry_search_idx" in plan, plan


def test_kind_labels_are_in_vietnamese(cast):
    from django.utils import translation

    with translation.override("vi"):
        assert str(LibraryEntry.Kind.DIRECTIVE.label) == "Văn bản cấp trên"
