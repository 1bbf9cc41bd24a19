"""Import of a cell's paper register of candidates and admissions (xlsx).

Each row goes through the same services as the pages, step by step as far as its columns go,
so every rule is checked the same way. The whole file runs in one transaction: a check rolls
it back and reports every bad row with its line; the confirmed import writes it all or nothing.
The file limits (size, zip directory) are members.imports'.
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from admissions import services
from admissions.selectors import decision_organizations
from cells.models import Organization
from common.text import normalize_search, normalize_text
from members.imports import ImportFileError, check_upload, check_xlsx_archive, message_for
from members.models import Member

MAX_ROWS = 2_000
HEADER_SEARCH_ROWS = 10

# field -> the headers it is read from (compared without diacritics or case).
COLUMNS = {
    "full_name": ("ho va ten", "ho ten", "full name"),
    "date_of_birth": ("ngay sinh", "date of birth"),
    "gender": ("gioi tinh", "gender"),
    "ethnicity": ("dan toc", "ethnicity"),
    "religion": ("ton giao", "religion"),
    "workplace_kind": ("khu vuc", "loai noi lam viec", "workplace"),
    "workplace": ("noi lam viec", "don vi cong tac", "workplace name"),
    "citizen_id": ("so cccd", "cccd", "can cuoc cong dan", "citizen id"),
    "phone": ("dien thoai", "so dien thoai", "phone"),
    "registered_on": ("ngay dang ky", "ngay dua vao danh sach", "registered on"),
    "course_on": ("ngay hoc lop cam tinh dang", "ngay hoc lop", "course completed on"),
    "course_certificate": ("so giay chung nhan", "so chung chi", "certificate number"),
    "sponsor_1": ("nguoi gioi thieu 1", "the nguoi gioi thieu 1", "first sponsor"),
    "sponsor_2": ("nguoi gioi thieu 2", "the nguoi gioi thieu 2", "second sponsor"),
    "sponsors_on": ("ngay gioi thieu", "sponsors letters dated"),
    "vote_on": ("ngay chi bo bieu quyet", "ngay bieu quyet", "cell vote on"),
    "votes_for": ("so tan thanh", "votes for"),
    "votes_against": ("so khong tan thanh", "votes against"),
    "official_members": ("so dang vien chinh thuc", "official members summoned"),
    "decision_number": ("so quyet dinh", "decision number"),
    "decision_on": ("ngay quyet dinh", "decision dated"),
    "ceremony_on": ("ngay ket nap", "admission ceremony on"),
    "party_card_number": ("so the dang", "party card number"),
}
ALIASES = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
GENDERS = {"nam": Member.Gender.MALE, "male": Member.Gender.MALE, "nu": Member.Gender.FEMALE,
           "female": Member.Gender.FEMALE}
WORKPLACES = {"nha nuoc": Member.Workplace.STATE, "state": Member.Workplace.STATE,
              "ngoai nha nuoc": Member.Workplace.NON_STATE, "doanh nghiep ngoai nha nuoc": Member.Workplace.NON_STATE,
              "non state": Member.Workplace.NON_STATE, "khac": Member.Workplace.OTHER, "other": Member.Workplace.OTHER,
              "": Member.Workplace.OTHER}


@dataclass
class ImportResult:
    rows: int = 0
    candidates: int = 0
    admitted: int = 0
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows > 0


class _RowError(Exception):
    pass


def _header(value) -> str:
    return " ".join(normalize_search(str(value or "").replace("(", " ").replace(")", " ")).split())


def _read(data: bytes) -> tuple[dict[int, str], dict[str, str], list[tuple[int, list]]]:
    """({column index: field}, {field: header as written}, data rows as (line, values))."""
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportFileError("bad_xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # read to the last row actually there
        mapping, labels, rows = None, {}, []
        for line, row in enumerate(sheet.iter_rows(max_col=len(COLUMNS) + 10, values_only=True), start=1):
            if mapping is None:
                found = {i: ALIASES[_header(v)] for i, v in enumerate(row) if _header(v) in ALIASES}
                if "full_name" in found.values():
                    mapping = found
                    labels = {key: _text(row[i]) for i, key in found.items()}
                elif line >= HEADER_SEARCH_ROWS:
                    raise ImportFileError("no_header", rows=HEADER_SEARCH_ROWS)
                continue
            if any(v not in (None, "") for v in row):
                rows.append((line, list(row)))
                if len(rows) > MAX_ROWS:
                    raise ImportFileError("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", "."))
        if mapping is None:
            raise ImportFileError("no_header", rows=HEADER_SEARCH_ROWS)
        return mapping, labels, rows
    finally:
        workbook.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value)).strip()


def _date(value, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _RowError(_("%(column)s: “%(value)s” is not a date (write it as 25/03/2026).") % {
        "column": label, "value": text[:40]})


def _int(value, label: str) -> int:
    text = _text(value)
    if not (text.isascii() and text.isdigit()):
        raise _RowError(_("%(column)s: “%(value)s” is not a whole number.") % {"column": label, "value": text[:40]})
    return int(text)


def _sponsor(card: str, label: str) -> Member:
    member = Member.objects.filter(party_card_number=card).first() if card else None
    if member is None:
        raise _RowError(_("%(column)s: no party member has the card number “%(value)s”.") % {
            "column": label, "value": card[:40]})
    return member


def _import_row(cell: Organization, values: dict, labels: dict, issuer: Organization | None, actor) -> bool:
    """Record one row's steps; True when the row ends with an admission."""
    gender = GENDERS.get(normalize_search(_text(values.get("gender"))))
    if gender is None:
        raise _RowError(_("%(column)s: write Nam or Nữ.") % {"column": labels["gender"]})
    workplace_kind = WORKPLACES.get(normalize_search(_text(values.get("workplace_kind"))).replace("-", " "))
    if workplace_kind is None:
        raise _RowError(_("%(column)s: write Nhà nước, Ngoài nhà nước or Khác.") % {
            "column": labels["workplace_kind"]})
    registered_on = _date(values.get("registered_on"), labels["registered_on"])
    if registered_on is None:
        raise _RowError(_("Enter the date the candidate was registered."))
    candidate = services.candidate_register(
        cell=cell, registered_on=registered_on, actor=actor,
        full_name=_text(values.get("full_name")),
        date_of_birth=_date(values.get("date_of_birth"), labels["date_of_birth"]),
        gender=gender, ethnicity=_text(values.get("ethnicity")) or "Kinh", religion=_text(values.get("religion")),
        workplace_kind=workplace_kind, workplace=_text(values.get("workplace")),
        citizen_id=_text(values.get("citizen_id")), phone=_text(values.get("phone")),
    )
    course_on = _date(values.get("course_on"), labels["course_on"])
    if course_on is None:
        return False
    services.candidate_record_course(candidate=candidate, on=course_on,
                                     certificate=_text(values.get("course_certificate")), actor=actor)
    sponsors_on = _date(values.get("sponsors_on"), labels["sponsors_on"])
    if sponsors_on is None:
        return False
    services.candidate_record_sponsors(
        candidate=candidate, on=sponsors_on, actor=actor,
        sponsors=(_sponsor(_text(values.get("sponsor_1")), labels["sponsor_1"]),
                  _sponsor(_text(values.get("sponsor_2")), labels["sponsor_2"])))
    vote_on = _date(values.get("vote_on"), labels["vote_on"])
    if vote_on is None:
        return False
    services.candidate_record_vote(
        candidate=candidate, on=vote_on, actor=actor,
        votes_for=_int(values.get("votes_for"), labels["votes_for"]),
        votes_against=_int(values.get("votes_against") or 0, labels["votes_against"]),
        official_members=_int(values.get("official_members"), labels["official_members"]))
    decision_on = _date(values.get("decision_on"), labels["decision_on"])
    if decision_on is None:
        return False
    services.candidate_record_decision(candidate=candidate, number=_text(values.get("decision_number")),
                                       on=decision_on, organization=issuer, actor=actor)
    ceremony_on = _date(values.get("ceremony_on"), labels["ceremony_on"])
    if ceremony_on is None:
        return False
    services.candidate_admit(candidate=candidate, on=ceremony_on, actor=actor,
                             party_card_number=_text(values.get("party_card_number")))
    return True


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def run_import(*, cell: Organization, name: str, data: bytes, actor=None, write: bool = False) -> ImportResult:
    """Check (write=False: nothing stays) or import (write=True: all rows, or none if any is bad)."""
    result = ImportResult()
    try:
        check_upload(name, data[:8], len(data))
        if not name.lower().endswith(".xlsx"):
            raise ImportFileError("wrong_type")
        mapping, labels, rows = _read(data)
    except ImportFileError as error:
        result.errors.append((None, message_for(error.code, error.params)))
        return result
    labels = {key: labels.get(key) or COLUMNS[key][-1] for key in COLUMNS}
    issuer = next(iter(decision_organizations(cell)), None)
    with transaction.atomic():
        for line, row in rows:
            values = {key: row[index] if index < len(row) else None for index, key in mapping.items()}
            result.rows += 1
            try:
                with transaction.atomic():
                    admitted = _import_row(cell, values, labels, issuer, actor)
            except _RowError as error:
                result.errors.append((line, str(error)))
            except ValidationError as error:
                result.errors.append((line, _message(error)))
            else:
                result.candidates += 1
                result.admitted += admitted
        if not write or result.errors:
            transaction.set_rollback(True)
    return result
