"""Write a report table as Excel (.xlsx) or CSV, for a download or an export job."""

import csv
import io
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from common.exports import safe_cell, safe_row, xlsx_append
from common.numbers import XLSX_PERCENT_FORMAT, percent_fraction
from reports.tables import Table

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
NUMBER_FORMATS = {"int": "#,##0", "percent": XLSX_PERCENT_FORMAT, "date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM"}
_HEADER_FILL = PatternFill("solid", fgColor="F3D9DC")


def write_xlsx(table: Table, stream, *, heading: str, progress: Callable[[int], None] | None = None) -> int:
    """A title row (organisation and period), a bold frozen header, widths and number formats.
    Every row goes through common.exports: no name becomes a formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    xlsx_append(sheet, [heading])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.columns))
    xlsx_append(sheet, [column.header for column in table.columns])
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[2].height = 45
    sheet.freeze_panes = "B3"
    formats = [NUMBER_FORMATS.get(column.kind) for column in table.columns]
    percents = [index for index, column in enumerate(table.columns) if column.kind == "percent"]
    count = 0
    for row in table.rows:
        for index in percents:  # a number with a percent format: 88.7 % is stored as 0.887
            row[index] = percent_fraction(row[index])
        xlsx_append(sheet, row)
        count += 1
        for index, number_format in enumerate(formats, start=1):
            if number_format:
                sheet.cell(row=count + 2, column=index).number_format = number_format
        if progress and count % 500 == 0:
            progress(count)
    book.save(stream)
    return count


def write_csv(table: Table, stream, *, progress: Callable[[int], None] | None = None) -> int:
    """UTF-8 with a byte-order mark, so Excel reads the Vietnamese letters correctly."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(safe_row(column.header for column in table.columns))
    count = 0
    for row in table.rows:
        writer.writerow(["" if value is None else _csv_value(safe_cell(value), column.kind)
                         for value, column in zip(row, table.columns, strict=True)])
        count += 1
        if progress and count % 500 == 0:
            progress(count)
    text.flush()
    text.detach()
    return count


def _csv_value(value, kind: str):
    if kind == "percent":
        return str(value)  # already rounded half up to one decimal (common.numbers.percent)
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    if kind == "datetime":
        return value.strftime("%d/%m/%Y %H:%M")
    return value


def render(table: Table, fmt: str, *, heading: str) -> bytes:
    stream = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(table, stream, heading=heading)
    else:
        write_csv(table, stream)
    return stream.getvalue()
