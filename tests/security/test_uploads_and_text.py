"""Roster uploads are bounded before parsing; text is one Unicode form and holds no hidden characters."""

import io
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members import imports
from members.models import Member, MemberImport
from tests.roster.files import HEADERS, csv_bytes, rows_of, xlsx_bytes


def _check(cell, name, data):
    headers, mapping, rows = imports.read_table(name, data)
    return imports.check_rows(cell=cell, scope=None, headers=headers, mapping=mapping, rows=rows)


def _zip_bomb() -> bytes:
    """A valid workbook plus one member that inflates from a few hundred KB to 100 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows_of(1)))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/padding.bin", b"\0" * (100 * 1024 * 1024))
    return buffer.getvalue()


def _with_wrong_dimension(data: bytes) -> bytes:
    """The same workbook claiming (in <dimension>) to end at its first data row."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = content.index(b'<dimension ref="')
                end = content.index(b"/>", start)
                content = content[:start] + b'<dimension ref="A1:I2"' + content[end:]
            out.writestr(item, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_parsing(cast, login):
    data = _zip_bomb()
    assert len(data) < imports.MAX_BYTES
    client = login(cast.secretary)
    response = client.post(reverse("member_import", args=[cast.tree.a1.public_id]),
                           {"file": SimpleUploadedFile("ds.xlsx", data)})
    assert response.status_code == 200 and not MemberImport.objects.exists()
    limit = {"limit": imports.MAX_UNZIPPED_BYTES // (1024 * 1024)}
    assert response.context["form"].errors["file"] == [imports.message_for("too_big_unzipped", limit)]


def test_a_wrong_dimension_drops_no_row():
    data = _with_wrong_dimension(xlsx_bytes(rows_of(5)))
    headers, mapping, rows = imports.read_table("ds.xlsx", data)
    assert len(list(rows)) == 5


def test_rows_are_counted_while_reading_whatever_the_dimension_says(monkeypatch):
    monkeypatch.setattr(imports, "MAX_LINES", 4)
    data = _with_wrong_dimension(xlsx_bytes(rows_of(10)))
    with pytest.raises(imports.ImportFileError) as error:
        list(imports.read_table("ds.xlsx", data)[2])
    assert error.value.code == "too_many_rows"


def test_a_nul_byte_in_a_csv_import_is_a_row_error(cast, login):
    rows = rows_of(2)
    rows[0][1] = "Nguyễn\x00Văn"
    rows[1][8] = "0912\x00345678"
    client = login(cast.secretary)
    response = client.post(reverse("member_import", args=[cast.tree.a1.public_id]),
                           {"file": SimpleUploadedFile("ds.csv", csv_bytes(rows))})
    assert response.status_code == 302
    job = MemberImport.objects.get()
    assert job.status == MemberImport.Status.INVALID
    assert [(p["line"], p["code"]) for p in job.errors] == [(2, "bad_characters"), (3, "bad_characters")]


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\u2066", "\ufeff", "\x07"])
def test_invisible_and_direction_characters_are_refused_in_names_of_an_import(cast, hidden):
    rows = rows_of(1)
    rows[0][1] = f"Nguyễn Văn{hidden} An"
    assert [p["code"] for p in _check(cast.tree.a1, "ds.csv", csv_bytes(rows)).errors] == ["bad_characters"]


def test_names_in_an_import_are_stored_in_one_unicode_form(cast):
    rows = rows_of(1)
    rows[0][1] = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    result = _check(cast.tree.a1, "ds.csv", csv_bytes(rows, headers=HEADERS))
    assert result.rows[0].values["full_name"] == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")


def _new_member(client, cell, name):
    return client.post(reverse("member_new", args=[cell.public_id]), {
        "full_name": name, "gender": "female", "date_of_birth": "1990-04-15", "ethnicity": "Kinh",
        "admission_date": "2015-05-19", "official_date": "2016-05-19", "workplace_kind": "non_state",
        "role": "member", "start_date": "2020-01-01",
    })


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\u200d"])
def test_the_member_form_refuses_invisible_characters_in_names(cast, login, hidden):
    response = _new_member(login(cast.secretary), cast.tree.a1, f"Phạm{hidden} Thị Lan")
    assert response.status_code == 200 and "full_name" in response.context["form"].errors
    assert not Member.objects.filter(full_name__contains="Lan").exists()


def test_a_name_typed_in_decomposed_form_is_stored_composed_and_found_by_search(cast, login):
    client = login(cast.secretary)
    _new_member(client, cast.tree.a1, unicodedata.normalize("NFD", "Phạm Thị Lan"))
    assert Member.objects.filter(full_name="Phạm Thị Lan").exists()
    for query in ("Phạm Thị Lan", unicodedata.normalize("NFD", "Phạm Thị Lan"), "pham thi lan"):
        page = client.get(reverse("roster", args=[cast.tree.a1.public_id]), {"q": query}).content.decode()
        assert "Phạm Thị Lan" in page, query
