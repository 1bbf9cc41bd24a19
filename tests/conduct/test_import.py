"""Import of the paper register: every bad row reported with its line, nothing written until
every row is good, then written on confirmation."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from conduct.models import Commendation, Discipline
from tests import factories as f

HEADER = ["STT", "Loại", "Số thẻ đảng viên", "Họ và tên", "Hình thức", "Số quyết định", "Ngày quyết định",
          "Cấp quyết định", "Lý do"]


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["SỔ THEO DÕI KHEN THƯỞNG, KỶ LUẬT"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return SimpleUploadedFile("so-khen-thuong.xlsx", stream.getvalue())


@pytest.fixture
def good_rows(cast):
    return [
        [1, "Khen thưởng", cast.member.party_card_number, "", "Giấy khen", "15-QĐ/ĐU", "19/05/2024",
         "Đảng ủy xã An Phú", "Đảng viên hoàn thành xuất sắc nhiệm vụ"],
        [2, "Kỷ luật", "", "Trần Văn Bí", "Khiển trách", "2-QĐ/CB", "03/02/2023", "Chi bộ thôn Đông", "Vi phạm"],
    ]


def test_a_good_register_is_checked_then_written_on_confirmation(cast, login, good_rows):
    client = login(cast.secretary)
    url = reverse("conduct_import", args=[cast.tree.a1.public_id])
    page = client.post(url, {"file": _xlsx(good_rows)})
    assert page.status_code == 200
    assert not Commendation.objects.exists() and not Discipline.objects.exists()  # nothing before confirming
    token = page.context["token"]
    assert token
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert (commendation.member, commendation.kind, commendation.decision_number) == (
        cast.member, "certificate_of_merit", "15-QĐ/ĐU")
    assert Discipline.objects.get().member == cast.secretary


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(cast, login, good_rows):
    newcomer = f.member(cast.tree.a1, name="Ngô Thị Mới", official=False, admitted=dt.date(2025, 3, 1))
    rows = [
        *good_rows,
        [3, "Khen thưởng", "999999999999", "", "Giấy khen", "1", "01/01/2024", "X", "Y"],  # not in the cell
        [4, "Kỷ luật", "", "Ai Đó Không Có", "Cảnh cáo", "2", "01/01/2024", "X", "Y"],  # no such name
        [5, "Kỷ luật", newcomer.party_card_number, "", "Cách chức", "3", "01/06/2025", "X", "Y"],  # probationary
        [6, "Khen thưởng", cast.member.party_card_number, "", "Huy hiệu vàng", "4", "31/02/2024", "X", ""],
        [7, "Kỷ luật", cast.member.party_card_number, "", "Khai trừ", "5", "01/01/2024", "X", "Y"],
        [8, "Thăng chức", cast.member.party_card_number, "", "Giấy khen", "6", "01/01/2099", "X", "Y"],
        [9, *good_rows[0][1:]],  # the same decision twice
        [10, "Khen thưởng", cast.outsider.party_card_number, "", "Giấy khen", "7", "01/01/2024", "X", "Y"],
    ]
    response = login(cast.secretary).post(reverse("conduct_import", args=[cast.tree.a1.public_id]),
                                          {"file": _xlsx(rows)})
    result = response.context["result"]
    lines = sorted({p.line for p in result.problems})
    assert lines == [5, 6, 7, 8, 9, 10, 11, 12]  # the sheet's lines: title, header, then rows from line 3
    assert not response.context["token"]
    assert not Commendation.objects.exists() and not Discipline.objects.exists()
    by_line = {}
    for problem in result.problems:
        by_line.setdefault(problem.line, []).append(problem)
    assert {p.header for p in by_line[8]} >= {"Hình thức", "Ngày quyết định", "Lý do"}  # three reasons, one row
    assert "Ngô Thị Mới" in by_line[7][0].message


def test_a_file_that_is_not_a_workbook_is_refused(cast, login):
    response = login(cast.secretary).post(reverse("conduct_import", args=[cast.tree.a1.public_id]),
                                          {"file": SimpleUploadedFile("so.xlsx", b"not a zip at all")})
    assert response.context["form"].errors["file"]
    assert response.context["result"] is None


def test_a_forged_confirmation_is_refused(cast, login):
    client = login(cast.secretary)
    response = client.post(reverse("conduct_import", args=[cast.tree.a1.public_id]), {"token": "forged:value"})
    assert response.status_code == 200
    assert not Commendation.objects.exists()
