"""Import of the paper register: every bad row reported with its line, nothing written until all
rows are good, then one confirm writes them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from admissions.imports import run_import
from admissions.models import Candidate, Step
from members.models import Member

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Khu vực", "Ngày đăng ký",
           "Ngày học lớp cảm tình Đảng", "Số giấy chứng nhận", "Người giới thiệu 1", "Người giới thiệu 2",
           "Ngày giới thiệu", "Ngày chi bộ biểu quyết", "Số tán thành", "Số không tán thành",
           "Số đảng viên chính thức", "Số quyết định", "Ngày quyết định", "Ngày kết nạp"]


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Sổ theo dõi quần chúng ưu tú"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def good_rows(cast):
    s1, s2 = cast.secretary.party_card_number, cast.member.party_card_number
    return [
        [1, "Lò Văn Pản", "12/05/1997", "Nam", "Thái", "", "Khác", "01/03/2025"],
        [2, "Nguyễn Thị Thu", "03/09/2001", "Nữ", "Kinh", "Công giáo", "Ngoài nhà nước", "01/02/2025",
         "01/03/2025", "CN-77", s1, s2, "02/04/2025", "03/05/2025", 6, 1, 8, "88-QĐ/ĐU", "01/06/2025",
         "15/07/2025"],
    ]


def test_a_clean_file_is_checked_without_writing_then_imported(cast):
    data = workbook(good_rows(cast))
    checked = run_import(cell=cast.tree.a1, name="so.xlsx", data=data, actor=cast.secretary.user)
    assert checked.ok and (checked.rows, checked.admitted) == (2, 1)
    assert not Candidate.objects.exists()
    done = run_import(cell=cast.tree.a1, name="so.xlsx", data=data, actor=cast.secretary.user, write=True)
    assert done.ok
    admitted = Candidate.objects.get(full_name="Nguyễn Thị Thu")
    assert admitted.stage == Step.CEREMONY and admitted.member.admission_date.isoformat() == "2025-07-15"
    assert Candidate.objects.get(full_name="Lò Văn Pản").stage == Step.REGISTERED


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(cast):
    rows = good_rows(cast) + [
        [3, "Quá Tuổi", "01/01/1950", "Nam", "Kinh", "", "Khác", "01/03/2025"],
        [4, "Sai Ngày", "31/02/2000", "Nam", "Kinh", "", "Khác", "01/03/2025"],
        [5, "Thiếu Giới", "01/01/2000", "?", "Kinh", "", "Khác", "01/03/2025"],
        [6, "Người Giới Thiệu Lạ", "01/01/2000", "Nữ", "Kinh", "", "Khác", "01/02/2025", "01/03/2025", "CN",
         "999999999999", cast.member.party_card_number, "02/04/2025"],
    ]
    result = run_import(cell=cast.tree.a1, name="so.xlsx", data=workbook(rows), actor=cast.secretary.user,
                        write=True)
    assert [line for line, _ in result.errors] == [5, 6, 7, 8]
    assert "999999999999" in result.errors[3][1]
    assert not Candidate.objects.exists() and not Member.objects.filter(full_name="Nguyễn Thị Thu").exists()


def test_a_file_that_is_not_a_workbook_is_refused(cast):
    result = run_import(cell=cast.tree.a1, name="so.xlsx", data=b"not a zip", actor=None)
    assert result.errors and result.errors[0][0] is None
    assert run_import(cell=cast.tree.a1, name="so.xls", data=b"\xd0\xcf\x11\xe0", actor=None).errors


def test_the_import_page_checks_then_confirms(login, cast):
    client = login(cast.secretary)
    url = reverse("admissions_import", args=[cast.tree.a1.public_id])
    upload = SimpleUploadedFile("so.xlsx", workbook(good_rows(cast)))
    checked = client.post(url, {"file": upload})
    assert checked.status_code == 200 and checked.context["token"]
    assert not Candidate.objects.exists()
    confirmed = client.post(url, {"token": checked.context["token"]})
    assert confirmed.status_code == 302 and Candidate.objects.count() == 2
    assert client.post(url, {"token": "forged"}).status_code == 404
    assert login(cast.outsider).get(url).status_code == 404
    assert login(cast.committee).get(url).status_code == 404
