"""Reading and checking roster files: formats, every bad row with line, column and reason."""

import datetime as dt

import pytest

from members import imports
from members.access import scope_for
from members.models import MemberStatus
from members.services import member_change_status
from tests import factories as f
from tests.roster.files import HEADERS, csv_bytes, rows_of, xlsx_bytes


def check(cell, name, data, user=None):
    headers, mapping, rows = imports.read_table(name, data)
    return imports.check_rows(cell=cell, scope=scope_for(user) if user else None, headers=headers,
                              mapping=mapping, rows=rows)


def codes(result):
    return [(p["line"], p["column"], p["code"]) for p in result.errors]


# --- Reading ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("delimiter", "bom"), [(",", True), (",", False), (";", True), (";", False), ("\t", False)])
def test_csv_in_utf8_with_or_without_bom_and_any_usual_separator(delimiter, bom):
    data = csv_bytes(rows_of(2), delimiter=delimiter, bom=bom)
    headers, mapping, rows = imports.read_table("ds.csv", data)
    rows = list(rows)
    assert headers[1] == "Họ và tên" and mapping[1] == "full_name"
    assert [line for line, _ in rows] == [2, 3]
    assert rows[0][1]["full_name"] == "Nguyễn Văn Nhập 1"


def test_a_workbook_with_a_title_above_the_header_and_real_dates():
    rows = [[1, "Trần Thị Bé", dt.datetime(1990, 4, 15), "Nữ", "010100000001", dt.datetime(2012, 5, 19),
             dt.datetime(2013, 5, 19), "Chính thức", "0912345678"]]
    data = xlsx_bytes(rows, title="DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN ĐÔNG")
    headers, mapping, table = imports.read_table("ds.xlsx", data)
    ((line, values),) = list(table)
    assert line == 4  # the spreadsheet's own row number
    assert values["date_of_birth"] == dt.datetime(1990, 4, 15)


def test_english_headers_and_values_are_understood(tree):
    headers = ["Full name", "Date of birth", "Gender", "Party card number", "Admission date", "Official date", "Status"]
    data = csv_bytes([["Anna Lê", "1991-02-03", "female", "010100000009", "2015-01-01", "2016-01-01", "official"]],
                     headers=headers)
    result = check(tree.a1, "en.csv", data)
    assert result.errors == []
    row = result.rows[0]
    assert row.values["gender"] == "female" and row.values["date_of_birth"] == dt.date(1991, 2, 3)
    assert row.status == MemberStatus.OFFICIAL


def test_values_without_diacritics_are_understood_too(tree):
    data = csv_bytes([[1, "Lò Thị Mai", "1/2/1990", "nu", "010100000010", "2015-01-01", "", "du bi", ""]])
    result = check(tree.a1, "a.csv", data)
    assert result.errors == [] and result.rows[0].values["gender"] == "female"
    assert result.rows[0].status == MemberStatus.PROBATIONARY


def test_excel_serial_dates_and_numbers_are_read():
    assert imports.norm.parse_date(32978) == dt.date(1990, 4, 15)
    assert imports.norm.parse_date("1990-04-15 00:00:00") == dt.date(1990, 4, 15)
    assert imports.norm.digits_only(12345678901.0) == "12345678901"
    assert imports.norm.normalize_phone(912345678) == "0912345678"
    assert imports.norm.normalize_phone("+84 912 345 678") == "+84912345678"


@pytest.mark.parametrize(("name", "head", "code"), [
    ("ds.xls", b"\xd0\xcf\x11\xe0rest", "old_excel"),
    ("ds.pdf", b"%PDF-1.7", "wrong_type"),
    ("ds.docx", b"PK\x03\x04", "wrong_type"),
    ("ds.xlsx", b"not a zip", "bad_xlsx"),
    ("ds.csv", "Ngày sinh".encode("cp1252"), "not_utf8"),
    ("ds.csv", b"PK\x03\x04 an xlsx renamed", "wrong_type"),
])
def test_a_wrong_file_is_refused_at_upload(name, head, code):
    with pytest.raises(imports.ImportFileError) as error:
        imports.check_upload(name, head, len(head))
    assert error.value.code == code


def test_an_oversized_file_is_refused_at_upload():
    with pytest.raises(imports.ImportFileError) as error:
        imports.check_upload("ds.csv", b"a,b", imports.MAX_BYTES + 1)
    assert error.value.code == "too_big"
    assert "5 MB" in imports.message_for(error.value.code, error.value.params)


def test_a_file_without_a_name_column_or_rows_is_explained(tree):
    with pytest.raises(imports.ImportFileError) as error:
        check(tree.a1, "a.csv", csv_bytes([["x"]], headers=["Ngày sinh"]))
    assert error.value.code == "no_header"
    with pytest.raises(imports.ImportFileError) as error:
        check(tree.a1, "a.csv", csv_bytes([]))
    assert error.value.code == "no_rows"


def test_too_many_rows_are_refused(tree, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with pytest.raises(imports.ImportFileError) as error:
        check(tree.a1, "a.csv", csv_bytes(rows_of(4)))
    assert error.value.code == "too_many_rows"


def test_a_damaged_workbook_is_explained(tree):
    with pytest.raises(imports.ImportFileError) as error:
        check(tree.a1, "a.xlsx", b"PK\x03\x04" + b"\0" * 200)
    assert error.value.code == "bad_xlsx"


# --- Checking -----------------------------------------------------------------------------------

def test_every_bad_row_is_reported_with_line_column_and_reason(tree):
    rows = rows_of(8)
    rows[0][1] = ""                      # line 2: no name
    rows[1][2] = "31/02/1990"            # line 3: no such date
    rows[2][4] = "01234567890"           # line 4: 11 digits
    rows[3][3] = "Không rõ"              # line 5: unknown gender
    rows[4][7] = "Sinh hoạt tạm thời"    # line 6: a status an import cannot set
    rows[5][4] = rows[6][4]              # line 8 repeats line 7's card
    rows[7][6] = "01/01/2009"            # line 9: official before admission
    rows[7][8] = "12345"                 # line 9: bad phone
    result = check(tree.a1, "a.csv", csv_bytes(rows))
    assert codes(result) == [
        (2, "B", "required"), (3, "C", "bad_date"), (4, "E", "card_digits"), (5, "D", "unknown_value"),
        (6, "H", "unknown_value"), (8, "E", "duplicate_card"), (9, "G", "official_before_admission"),
        (9, "I", "bad_phone"),
    ]
    assert result.rows == []  # nothing to write while any row is bad
    reasons = [imports.message_for(p["code"], p["params"]) for p in result.errors]
    assert reasons[1] == "“31/02/1990” không phải ngày hợp lệ: hãy ghi dạng dd/mm/yyyy (ví dụ 15/04/1985)."
    assert reasons[5] == "Số thẻ đảng viên 010000000007 trùng với dòng 7."
    assert result.errors[0]["header"] == "Họ và tên"


def test_a_card_number_that_lost_its_leading_zero_in_excel_is_explained(tree):
    rows = [[1, "Trần Thị Bé", "15/04/1990", "Nữ", 10100000001, "19/05/2012", "", "Dự bị", ""]]
    result = check(tree.a1, "a.xlsx", xlsx_bytes(rows))
    assert codes(result) == [(2, "E", "card_leading_zero")]
    assert "số 0 ở đầu" in imports.message_for(result.errors[0]["code"], result.errors[0]["params"])


def test_an_official_member_needs_an_official_date_and_a_probationary_one_has_none(tree):
    rows = rows_of(2)
    rows[0][6] = ""
    rows[1][7] = "Dự bị"
    result = check(tree.a1, "a.csv", csv_bytes(rows))
    assert codes(result) == [(2, "G", "official_needs_date"), (3, "G", "probationary_with_date")]


def test_a_card_of_another_cells_member_is_refused_without_naming_them(cast):
    rows = rows_of(1)
    rows[0][4] = cast.outsider.party_card_number
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows), user=cast.secretary.user)
    assert codes(result) == [(2, "E", "number_unusable")]
    assert "Vũ Văn Ngoài" not in imports.message_for(result.errors[0]["code"], result.errors[0]["params"])


def test_someone_who_manages_the_other_cell_is_told_whose_card_it_is(cast):
    rows = rows_of(1)
    rows[0][4] = cast.outsider.party_card_number
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows), user=cast.admin)
    message = imports.message_for(result.errors[0]["code"], result.errors[0]["params"])
    assert "Vũ Văn Ngoài" in message and "Chi bộ thôn Nam" in message


def test_a_card_of_a_member_who_left_is_refused(cast):
    member_change_status(member=cast.member, status=MemberStatus.TRANSFERRED_OUT, effective_date=dt.date(2025, 1, 1))
    rows = rows_of(1)
    rows[0][4] = cast.member.party_card_number
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows), user=cast.secretary.user)
    assert codes(result) == [(2, "E", "number_unusable")]


def test_a_citizen_id_of_someone_else_is_refused(cast):
    from members.services import member_update

    member_update(member=cast.outsider, citizen_id="001099000111")
    headers = [*HEADERS, "Số CCCD"]
    rows = [[*rows_of(1)[0], "001099000111"]]
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows, headers=headers))
    assert codes(result) == [(2, "J", "number_unusable")]


def test_refusals_of_numbers_outside_the_scope_read_the_same_whatever_the_reason(cast):
    from members.services import member_update

    member_update(member=cast.outsider, citizen_id="001099000111")
    member_change_status(member=cast.member, status=MemberStatus.TRANSFERRED_OUT, effective_date=dt.date(2025, 1, 1))
    headers = [*HEADERS, "Số CCCD"]
    rows = [[*row, ""] for row in rows_of(3)]
    rows[0][4] = cast.outsider.party_card_number  # another cell's member
    rows[1][4] = cast.member.party_card_number  # a member who left
    rows[2][-1] = "001099000111"  # another cell's member's citizen ID
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows, headers=headers), user=cast.secretary.user)
    messages = {imports.message_for(e["code"], {**e["params"], "value": "X"}) for e in result.errors}
    assert len(result.errors) == 3 and len(messages) == 1
    assert "Vũ Văn Ngoài" not in messages.pop()


def test_someone_who_manages_the_other_cell_is_told_whose_citizen_id_it_is(cast):
    from members.services import member_update

    member_update(member=cast.outsider, citizen_id="001099000111")
    rows = [[*rows_of(1)[0], "001099000111"]]
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows, headers=[*HEADERS, "Số CCCD"]), user=cast.admin)
    assert "Vũ Văn Ngoài" in imports.message_for(result.errors[0]["code"], result.errors[0]["params"])


def test_members_of_this_cell_are_matched_by_card_number(cast):
    rows = rows_of(2)
    rows[0][1], rows[0][4] = "Lê Thị Hoa", cast.member.party_card_number
    rows[0][2], rows[0][3], rows[0][8] = "", "", "0911222333"
    rows[0][5], rows[0][6] = "01/03/2010", "2011-03-01"
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows))
    assert result.errors == []
    first, second = result.rows
    assert (first.action, first.member_id, first.changes) == ("update", cast.member.pk, {"phone": "0911222333"})
    assert second.action == "create"
    assert result.counts == {"create": 1, "update": 1, "unchanged": 0}


def test_a_status_in_the_file_does_not_change_a_members_status(cast):
    rows = rows_of(1)
    rows[0][1], rows[0][4], rows[0][6], rows[0][7] = "Lê Thị Hoa", cast.member.party_card_number, "", "Dự bị"
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows))
    assert result.errors == [] and "status" not in result.rows[0].changes
    assert [w["code"] for w in result.warnings] == ["status_not_changed"]


def test_members_without_numbers_are_matched_by_name_and_date_of_birth(cast):
    m = f.member(cast.tree.a1, name="Hà Văn Không Thẻ", party_card_number=None, date_of_birth=dt.date(1980, 1, 2))
    rows = [[1, "Ha Van Khong The", "02/01/1980", "Nam", "", "01/03/2010", "01/03/2011", "", ""]]
    result = check(cast.tree.a1, "a.csv", csv_bytes(rows))
    assert result.errors == [] and result.rows[0].member_id == m.pk


def test_a_date_before_1900_is_out_of_range_not_a_format_problem(tree):
    rows = rows_of(3)
    rows[0][2] = "01/01/1890"  # line 2: well written, but no living member was born then
    rows[2][5] = "1899-12-31"  # line 4: the admission date too
    result = check(tree.a1, "a.csv", csv_bytes(rows))
    assert codes(result) == [(2, "C", "date_too_early"), (4, "F", "date_too_early")]
    assert result.rows == []
    assert result.errors[0]["params"] == {"value": "01/01/1890", "year": 1900}
    assert "1900" in imports.message_for(result.errors[0]["code"], result.errors[0]["params"])


def test_the_cell_column_may_name_this_cell_in_any_usual_spelling(tree):
    rows = [[*row, cell] for row, cell in zip(rows_of(3), ["Chi bộ thôn Đông", "thon dong", "CHI BO THON DONG"],
                                              strict=True)]
    result = check(tree.a1, "a.csv", csv_bytes(rows, headers=[*HEADERS, "Chi bộ"]))
    assert result.errors == [] and result.warnings == [] and len(result.rows) == 3
    assert all("cell" not in row.values for row in result.rows)


def test_a_row_naming_an_unknown_or_another_cell_is_reported_and_nothing_is_written(tree):
    rows = [[*row, cell] for row, cell in zip(rows_of(4), ["Chi bộ thôn Đông", "Chi bộ thôn Bắc", "",
                                                           "Chi bộ thôn Đoài"], strict=True)]
    result = check(tree.a1, "a.csv", csv_bytes(rows, headers=[*HEADERS, "Chi bộ"]))
    assert codes(result) == [(3, "J", "unknown_cell"), (5, "J", "other_cell")]
    assert result.rows == []
    assert result.errors[0]["params"] == {"value": "Chi bộ thôn Bắc", "cell": "Chi bộ thôn Đông"}
    assert result.errors[0]["header"] == "Chi bộ"


def test_an_unknown_column_and_an_admission_age_are_warnings_only(tree):
    headers = [*HEADERS, "Sở thích"]
    rows = [[*rows_of(1)[0], "Đọc sách"]]
    rows[0][2] = "01/01/1940"  # 70 at admission in 2010
    result = check(tree.a1, "a.csv", csv_bytes(rows, headers=headers))
    assert result.errors == []
    assert sorted(w["code"] for w in result.warnings) == ["admission_age", "unknown_column"]
