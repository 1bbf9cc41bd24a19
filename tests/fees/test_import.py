"""Importing a paper fee ledger: every bad row reported, nothing written until all are good."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from fees.models import FeeMonth


def workbook(rows, name="So dang phi.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(["SỔ THU ĐẢNG PHÍ NĂM 2026"])
    sheet.append(["Họ và tên", "Số thẻ đảng viên", "T1", "T2", "T3", "T4"])
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return SimpleUploadedFile(name, stream.getvalue())


def url(cell):
    return reverse("fees_import", kwargs={"cell_id": cell.public_id})


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(payers, login):
    client = login(payers.secretary)
    response = client.post(url(payers.tree.a1), {"year": "2026", "file": workbook([
        [payers.member.full_name, None, 50000, "50.000", "năm chục", None],
        ["Người Lạ", None, 50000, None, None, None],
        [payers.member.full_name, None, 50000, None, None, None],
        [payers.outsider.full_name, payers.outsider.party_card_number, 1, None, None, None],
    ])})
    assert response.status_code == 400
    lines = [line for line, _message in response.context["report"].errors]
    assert lines == [3, 4, 5, 6]
    assert not FeeMonth.objects.exists()


def test_a_good_ledger_is_checked_then_confirmed_and_recorded_month_by_month(payers, login):
    client = login(payers.secretary)
    rows = [[payers.member.full_name, None, 50000, 50000, 0, 20000],
            ["", payers.secretary.party_card_number, "50.000", 100000, None, None]]
    checked = client.post(url(payers.tree.a1), {"year": "2026", "file": workbook(rows)})
    assert checked.status_code == 200 and checked.context["report"].rows == 2
    assert not FeeMonth.objects.exists()
    done = client.post(url(payers.tree.a1), {"year": "2026", "confirm": "1", "file": workbook(rows)})
    assert done.status_code == 302
    paid = {(row.member_id, row.month.month): row.amount_paid for row in FeeMonth.objects.all()}
    assert paid[(payers.member.pk, 3)] == 0 and paid[(payers.member.pk, 4)] == 20_000
    # The secretary paid February twice over: March is covered in advance.
    assert paid[(payers.secretary.pk, 2)] == 50_000 and paid[(payers.secretary.pk, 3)] == 50_000


def test_a_file_that_is_not_a_workbook_is_refused(payers, login):
    response = login(payers.secretary).post(url(payers.tree.a1), {
        "year": "2026", "file": SimpleUploadedFile("so.xlsx", b"not a zip at all")})
    assert response.status_code == 400 and response.context["report"].errors
