"""The downloadable roster templates: an .xlsx with Vietnamese headers, lists and help, and a .csv.
Their cells go through common.exports, like every export."""

import csv
import datetime as dt
import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.exports import safe_cell, safe_row, xlsx_append
from members.imports import COLUMNS

TEXT_COLUMNS = {"citizen_id", "phone", "party_card_number"}
DATE_COLUMNS = {"date_of_birth", "admission_date", "official_date"}
LISTS = {
    "gender": "Nam,Nữ",
    "status": "Chính thức,Dự bị,Miễn sinh hoạt",
    "workplace_kind": "Nhà nước,Ngoài nhà nước,Khác",
    "far_from_home": "Có,Không",
}
TEMPLATE_ROWS = 1000


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách đảng viên"
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="B3001B")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index, value=safe_cell(column.label))
        head.font, head.fill = bold, fill
        head.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = max(14, len(column.label) + 4)
        example = sheet.cell(row=2, column=index, value=safe_cell(column.example))
        # Formats on the whole column (not on empty cells, which would count as rows):
        # text, so Excel keeps a leading 0 and does not write 1.2E+11; dates as dd/mm/yyyy.
        if column.key in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
            example.number_format = "@"
        if column.key in DATE_COLUMNS:
            sheet.column_dimensions[letter].number_format = "DD/MM/YYYY"
            example.number_format = "DD/MM/YYYY"
        if column.key in LISTS:
            rule = DataValidation(type="list", formula1=f'"{LISTS[column.key]}"', allow_blank=True)
            rule.error, rule.errorTitle = f"Chọn một giá trị: {LISTS[column.key]}", column.label
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.column_dimensions["A"].width = 26
    sheet.freeze_panes = "B2"

    guide = workbook.create_sheet("Hướng dẫn")
    xlsx_append(guide, ["Cột", "Cách ghi"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    xlsx_append(guide, ["", "Mỗi dòng một đảng viên; dòng 2 là ví dụ, hãy xóa hoặc ghi đè."])
    xlsx_append(guide, ["", "Đảng viên đã có trong chi bộ (cùng số thẻ đảng viên) được cập nhật, không thêm trùng."])
    xlsx_append(guide, ["", "Ô để trống không xóa thông tin đã có."])
    # The guide is in Vietnamese, like the headers.
    with translation.override("vi"):
        for column in COLUMNS:
            xlsx_append(guide, [column.label, str(column.help)])
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 90

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Vietnamese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(c.label for c in COLUMNS))
    writer.writerow(safe_row(
        c.example.strftime("%d/%m/%Y") if isinstance(c.example, dt.date) else c.example for c in COLUMNS
    ))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
