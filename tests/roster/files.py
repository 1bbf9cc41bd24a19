"""Roster files as secretaries make them: CSV from Excel (BOM, semicolons) and .xlsx workbooks."""

import csv
import io

from openpyxl import Workbook

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức",
           "Trạng thái", "Điện thoại"]


def rows_of(n, start=1, card_prefix="0100"):
    """n clean rows: official members with distinct 12-digit cards."""
    return [
        [i, f"Nguyễn Văn Nhập {i}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 30}", "Nam" if i % 2 else "Nữ",
         f"{card_prefix}{i:08d}", "03/02/2010", "03/02/2011", "Chính thức", f"09{i:08d}"]
        for i in range(start, start + n)
    ]


def csv_bytes(rows, headers=HEADERS, delimiter=",", bom=True):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_bytes(rows, headers=HEADERS, title=None):
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
