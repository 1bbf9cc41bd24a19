"""Cells written to a spreadsheet (CSV or xlsx) that nobody can turn into a formula.

A member named `=HYPERLINK("http://…","…")` (typed or imported) must reach the commune's
or province's officers as text, never as a formula their spreadsheet runs. OWASP's rule
for CSV injection: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
is prefixed with a single quote, which spreadsheets show as text. Numbers, dates and empty
cells are left alone (a negative number is a number, not text). Every export writer passes
its cells through `safe_cell`.
"""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write in a spreadsheet cell: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


def xlsx_append(sheet, values) -> None:
    """Append a row of safe cells to an openpyxl sheet. Text is stored as a string, never as
    a formula, whatever openpyxl would guess from its first character."""
    sheet.append(safe_row(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
