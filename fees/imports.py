"""Import a cell's paper fee ledger of one year from Excel: one row per member, one column per
month holding the amount paid for it.

    Họ và tên | Số thẻ đảng viên | T1 | T2 | ... | T12

A member is found by card number, else by full name, among those owing the cell's fees. Every
bad row is reported with its line and nothing is written until all rows are good; then the
months are recorded through fees.services.fee_sheet_record, as a sheet would be (the day paid
is the month's last day: the paper gives none). The upload limits are the member import's.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.text import normalize_text
from fees import rules, services
from fees.forms import parse_amount
from fees.models import FeeBasis
from fees.selectors import sheet_members
from members.imports import ImportFileError, check_upload, check_xlsx_archive, message_for

MAX_ROWS = 2_000
MAX_COLUMNS = 40
_MONTH_HEADER = re.compile(r"^(?:t|th|tháng|thang|month|m)?\s*0?(\d{1,2})$")
_NAME_HEADERS = {"họ và tên", "họ tên", "ho va ten", "ho ten", "full name", "name", "tên"}
_CARD_HEADERS = {"số thẻ đảng viên", "số thẻ", "so the dang vien", "so the", "party card", "card"}


@dataclass
class Report:
    year: int
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (line, message)
    # {month: {member id: amount}}
    months: dict[dt.date, dict[int, int]] = field(default_factory=dict)
    rows: int = 0


def _header(value) -> str:
    return normalize_text(str(value or "")).strip().lower()


def _rows(data: bytes):
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportFileError("bad_xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # read the rows there, not the ones <dimension> claims
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if number > MAX_ROWS + 10:
                raise ImportFileError("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", "."))
            yield number, list(row)
    finally:
        workbook.close()


def check(cell, upload, *, year: int) -> Report:
    """Read and check every row; the report lists every problem (nothing is written)."""
    report = Report(year=year)
    data = upload.read()
    try:
        check_upload(upload.name, data[:8], len(data))
        if not upload.name.lower().endswith(".xlsx"):
            raise ImportFileError("wrong_type")
        rows = list(_rows(data))
    except ImportFileError as exc:
        report.errors.append((None, message_for(exc.code, exc.params)))
        return report
    header_at = next((i for i, (_n, row) in enumerate(rows) if any(_header(v) in _NAME_HEADERS for v in row)), None)
    if header_at is None:
        report.errors.append((None, _("No header row with a “Họ và tên” column was found.")))
        return report
    header = rows[header_at][1]
    name_col = next(i for i, v in enumerate(header) if _header(v) in _NAME_HEADERS)
    card_col = next((i for i, v in enumerate(header) if _header(v) in _CARD_HEADERS), None)
    month_cols = {}
    for index, value in enumerate(header):
        match = _MONTH_HEADER.match(_header(value))
        if match and 1 <= int(match.group(1)) <= 12 and index not in (name_col, card_col):
            month_cols[index] = dt.date(year, int(match.group(1)), 1)
    if not month_cols:
        report.errors.append((header_at + 1, _("No month columns (T1 … T12) were found in the header.")))
        return report
    today = timezone.localdate()
    last_month = max(month_cols.values())
    members = sheet_members(cell, min(last_month, today.replace(day=1)), today)
    by_card = {m.party_card_number: m for m in members if getattr(m, "party_card_number", "")}
    by_name: dict[str, list] = {}
    for member in members:
        by_name.setdefault(_header(member.full_name), []).append(member)
    bases: dict[int, list] = {}
    for basis in FeeBasis.objects.filter(member__in=members):
        bases.setdefault(basis.member_id, []).append(basis)
    book = rules.RateBook()
    seen = set()
    for line, row in rows[header_at + 1:]:
        values = [v for v in row if v not in (None, "")]
        if not values:
            continue
        report.rows += 1
        name = normalize_text(str(row[name_col] or "")).strip() if name_col < len(row) else ""
        card = str(row[card_col] or "").strip() if card_col is not None and card_col < len(row) else ""
        member = by_card.get(card) if card else None
        if member is None:
            found = by_name.get(_header(name), [])
            if len(found) > 1:
                report.errors.append((line, _("Two members of the cell are named “%(name)s”: add the party card "
                                              "number.") % {"name": name}))
                continue
            member = found[0] if found else None
        if member is None:
            report.errors.append((line, _("“%(name)s” does not owe this cell's fees (not found on its rolls).")
                                  % {"name": name or card}))
            continue
        if member.pk in seen:
            report.errors.append((line, _("Comrade %(name)s appears twice.") % {"name": member.full_name}))
            continue
        seen.add(member.pk)
        for index, month in month_cols.items():
            raw = row[index] if index < len(row) else None
            if raw in (None, ""):
                continue
            amount = int(raw) if isinstance(raw, int | float) and float(raw).is_integer() and raw >= 0 \
                else parse_amount(str(raw))
            if amount is None:
                report.errors.append((line, _("%(month)s: “%(value)s” is not a whole number of đồng.")
                                      % {"month": f"{month:%m/%Y}", "value": raw}))
            elif month > today.replace(day=1):
                report.errors.append((line, _("%(month)s has not begun: record an advance on the current month.")
                                      % {"month": f"{month:%m/%Y}"}))
            elif book.due(bases.get(member.pk, []), month) is None:
                report.errors.append((line, _("Comrade %(name)s has no fee basis for %(month)s: set it first.")
                                      % {"name": member.full_name, "month": f"{month:%m/%Y}"}))
            else:
                report.months.setdefault(month, {})[member.pk] = amount
    if report.rows > MAX_ROWS:
        report.errors.append((None, _("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS}))
    return report


@transaction.atomic
def apply(cell, report: Report, *, actor) -> None:
    """Write a checked report: every month as one sheet, all or nothing."""
    today = timezone.localdate()
    for month in sorted(report.months):
        services.fee_sheet_record(cell=cell, month=month, received=report.months[month],
                                  collected_on=min(rules.month_end(month), today), actor=actor)
