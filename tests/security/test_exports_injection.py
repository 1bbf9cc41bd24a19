"""Every export (reports' tables, as a download or a job, and the roster templates) writes
names as inert text: no cell starts a formula in CSV or xlsx (OWASP's CSV-injection rule)."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from common.exports import FORMULA_TRIGGERS, safe_cell
from reports import builders, exports, views
from reports.models import ExportJob
from reports.tables import Column, Table
from rollups import services as rollups
from tests import factories as f
from tests.reports.conftest import TODAY, hold, local

HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "@SUM(1)"
PLUS = "+1+cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(local(TODAY, 10), tick=True):
        yield


@pytest.fixture
def hostile(cast):
    """A cell named like a formula, in which a member named like one was twice absent without
    reason (so that they are at risk), and a commune named like one."""
    cell = f.org(HYPERLINK, parent=cast.tree.commune_a)
    named = f.member(cell, name=SUM, party_card_number="123456789012")
    others = [f.member(cell, name=PLUS), f.member(cell)]
    for day in (dt.date(2026, 4, 5), dt.date(2026, 5, 5)):
        hold(cell, day, {named: "unexcused", **dict.fromkeys(others, "present")})
    commune = f.org("-2+3", kind=cast.tree.commune_a.kind, parent=cast.tree.province)
    f.member(f.org("Chi bộ thôn Bắc", parent=commune))
    rollups.rollups_rebuild(years=[2026])
    return cell


def text_cells(content: bytes, fmt: str) -> list[str]:
    """Every text cell of a downloaded export; xlsx cells must also be stored as strings."""
    if fmt == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        return [value for row in rows for value in row]
    book = load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", cell.coordinate
                    values.append(cell.value)
    return values


def assert_inert(content: bytes, fmt: str, expected: set[str]) -> None:
    cells = text_cells(content, fmt)
    live = [value for value in cells if value.startswith(FORMULA_TRIGGERS)]
    assert live == [], "a cell that a spreadsheet would run as a formula"
    for name in expected:
        assert any(value.startswith("'" + name) for value in cells), f"{name} comes out quoted"


ORG_EXPORTS = [  # (organisation, table, the hostile names it shows)
    ("commune_a", "units", {HYPERLINK}),
    ("commune_a", "cells", {HYPERLINK}),
    ("province", "units", {"-2+3"}),
    ("province", "cells", {HYPERLINK}),
    ("commune_a", "trend", set()),
    ("province", "risk", {SUM, HYPERLINK}),
]


@pytest.mark.parametrize("fmt", sorted(exports.FORMATS))
@pytest.mark.parametrize(("org", "table", "names"), ORG_EXPORTS)
def test_every_organisation_export_writes_formula_like_names_as_text(hostile, cast, login, org, table, names, fmt):
    organisation = getattr(cast.tree, org)
    response = login(cast.orgcom).get(reverse("org_export", kwargs={"org_id": organisation.public_id}),
                                      {"table": table, "format": fmt, "period": "2026"})
    assert response.status_code == 200
    assert_inert(response.content, fmt, names)


@pytest.mark.parametrize("fmt", sorted(exports.FORMATS))
@pytest.mark.parametrize("table", builders.CELL_TABLES)
def test_every_cell_export_writes_formula_like_names_as_text(hostile, cast, login, table, fmt):
    response = login(cast.committee).get(reverse("cell_export", kwargs={"cell_id": hostile.public_id}),
                                         {"table": table, "format": fmt, "period": "2026"})
    assert response.status_code == 200
    names = {SUM} if table == "risk" else set()
    if fmt == "xlsx":
        names.add(HYPERLINK)  # the title row: the cell's name, period and table
    assert_inert(response.content, fmt, names)


@pytest.mark.parametrize("fmt", sorted(exports.FORMATS))
def test_a_large_export_run_as_a_job_writes_names_as_text_too(hostile, cast, login, monkeypatch, fmt,
                                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(views, "SYNC_EXPORT_MAX_ROWS", 0)
    client = login(cast.orgcom)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("org_export", kwargs={"org_id": cast.tree.province.public_id}),
                   {"table": "cells", "format": fmt, "period": "2026"})
    job = ExportJob.objects.get()
    download = client.get(reverse("export_download", kwargs={"job_id": job.public_id}))
    assert_inert(b"".join(download.streaming_content), fmt, {HYPERLINK})


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_roster_templates_hold_no_formula(cast, login, fmt):
    response = login(cast.secretary).get(reverse("member_import_template", args=[fmt]))
    assert response.status_code == 200
    assert_inert(response.content, fmt, set())


def test_text_that_could_start_a_formula_is_quoted_and_numbers_stay_numbers():
    for text in (HYPERLINK, SUM, PLUS, "-1", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    for value in (-3, Decimal("-1.5"), 2.5, None, dt.date(2026, 5, 5), "Chi bộ thôn Đông", "", "0912345678"):
        assert safe_cell(value) == value


def test_a_negative_number_is_written_as_a_number_in_csv_and_xlsx():
    def table():
        columns = [Column("name", "Tên", "text"), Column("delta", "Chênh lệch")]
        return Table("t", "T", columns, [["-5", -5]])

    csv_rows = list(csv.reader(io.StringIO(exports.render(table(), "csv", heading="").decode("utf-8-sig"))))
    assert csv_rows[1] == ["'-5", "-5"]
    sheet = load_workbook(io.BytesIO(exports.render(table(), "xlsx", heading="T"))).active
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("'-5", "s")
    assert (sheet["B3"].value, sheet["B3"].data_type) == (-5, "n")


def test_every_module_that_writes_a_spreadsheet_goes_through_common_exports():
    """A new export (a roster, the treasurer's ledger…) is covered too: it must write its
    cells through common.exports, and get a case in this file."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    skipped = {".venv", "tests", "bench", "node_modules"}
    writers = [path for path in root.rglob("*.py")
               if not skipped & set(path.relative_to(root).parts)
               and re.search(r"csv\.(writer|DictWriter)\(|\bWorkbook\(", path.read_text(encoding="utf-8"))]
    assert writers, "the search finds the known writers"
    unsafe = [str(path.relative_to(root)) for path in writers
              if "from common.exports import" not in path.read_text(encoding="utf-8")]
    assert unsafe == []
