"""Reading and checking a roster file (.xlsx or .csv) before anything is written.

`read_table` turns the upload into rows of cell values; `check_rows` finds every problem
(line, column, reason) and decides, for each clean row, whether it creates a record or
updates one of the cell's. Nothing here writes: members.services_import does, and only
when the whole file is clean. Problems are stored as codes with parameters, so the page
shows them in the reader's language, whoever ran the check.
"""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from cells.models import Organization
from common.text import control_characters, invisible_characters, normalize_search, normalize_text
from members import normalize as norm
from members.access import Scope
from members.models import CellMembership, Member, MemberStatus
from members.services import NumberConflict, number_conflicts_report

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Bounds read from the zip's directory before anything is inflated: a 5 MB upload may unpack
# to gigabytes (a zip bomb). Real rosters of MAX_ROWS rows stay far below these.
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
# Lines read from a sheet, blank ones included (<dimension> is not believed), and columns per line.
MAX_LINES = MAX_ROWS + 1_000
MAX_COLUMNS = 100
# An upload unpacking to more than this is checked in the background whatever its rows claim.
BACKGROUND_UNZIPPED_BYTES = 4 * 1024 * 1024
# Above this many data rows a file is checked and written by a Celery job.
BACKGROUND_ROWS = 500
PREVIEW_ROWS = 100
HEADER_SEARCH_ROWS = 10
ALLOWED_EXTENSIONS = (".xlsx", ".csv")


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the template's Vietnamese header
    aliases: tuple[str, ...]  # normalised headers that mean this column (Vietnamese, English)
    example: object = ""
    help: str = ""


COLUMNS = (
    Column("full_name", "Họ và tên", ("ho va ten", "ho ten", "ten dang vien", "full name", "name"),
           "Nguyễn Văn An", _("Required.")),
    Column("date_of_birth", "Ngày sinh", ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "date of birth",
                                          "birth date", "dob"),
           dt.date(1985, 4, 15), _("dd/mm/yyyy, yyyy-mm-dd or an Excel date.")),
    Column("gender", "Giới tính", ("gioi tinh", "gender", "sex"), "Nam", _("Nam or Nữ.")),
    Column("ethnicity", "Dân tộc", ("dan toc", "ethnicity"), "Kinh"),
    Column("religion", "Tôn giáo", ("ton giao", "religion"), "Không"),
    Column("citizen_id", "Số CCCD", ("so cccd", "cccd", "so can cuoc", "can cuoc cong dan", "so can cuoc cong dan",
                                    "so dinh danh", "so dinh danh ca nhan", "citizen id"),
           "001085012345", _("12 digits. Format the column as Text so Excel keeps the leading 0.")),
    Column("phone", "Điện thoại", ("dien thoai", "so dien thoai", "sdt", "dt", "phone", "phone number"),
           "0912345678"),
    Column("email", "Email", ("email", "e mail", "thu dien tu"), "an.nv@example.vn"),
    Column("party_card_number", "Số thẻ đảng viên", ("so the dang vien", "so the dang", "so the", "the dang vien",
                                                    "party card number", "card number"),
           "012345678901", _("12 digits; used to recognise a member already on the roster.")),
    Column("admission_date", "Ngày vào Đảng", ("ngay vao dang", "ngay ket nap", "ngay ket nap dang",
                                              "admission date", "admitted"),
           dt.date(2010, 2, 3), _("dd/mm/yyyy.")),
    Column("official_date", "Ngày chính thức", ("ngay chinh thuc", "ngay cong nhan chinh thuc",
                                               "ngay chuyen chinh thuc", "official date", "official since"),
           dt.date(2011, 2, 3), _("dd/mm/yyyy; required for an official member.")),
    Column("status", "Trạng thái", ("trang thai", "tinh trang", "status"), "Chính thức",
           _("Chính thức, Dự bị or Miễn sinh hoạt. Empty: from the official date.")),
    Column("workplace_kind", "Khu vực công tác", ("khu vuc cong tac", "khu vuc", "workplace kind", "sector"),
           "Nhà nước", _("Nhà nước, Ngoài nhà nước or Khác.")),
    Column("workplace", "Nơi công tác", ("noi cong tac", "don vi cong tac", "co quan", "workplace", "employer"),
           "UBND xã Tân Hòa"),
    Column("far_from_home", "Đảng viên ở xa", ("dang vien o xa", "o xa", "far from home"), "Không",
           _("Có or Không.")),
)
# A "Chi bộ" column is not written anywhere (the file is imported into one cell), but a row
# that names another cell, or one that does not exist, is a mistake to report, not to ignore.
CELL_COLUMN = Column("cell", "Chi bộ", ("chi bo", "ten chi bo", "don vi", "cell", "party cell"))
COLUMNS_BY_KEY = {c.key: c for c in (*COLUMNS, CELL_COLUMN)}
# Columns people add that carry nothing to import.
IGNORED_HEADERS = {"stt", "so thu tu", "tt", "no", "ghi chu", "note", "notes"}
# Record fields an import may fill (status is handled apart: it goes into the history).
RECORD_FIELDS = tuple(c.key for c in COLUMNS if c.key != "status")

# Reasons, by code. Parameters are filled in when the page is rendered.
MESSAGES = {
    "wrong_type": _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
    "old_excel": _("Excel 97–2003 files (.xls) cannot be read: in Excel choose “Save as” → “Excel Workbook (.xlsx)”."),
    "too_big": _("The file is larger than %(limit)s MB."),
    "too_many_rows": _("The file has more than %(limit)s rows; split it into several files."),
    "too_big_unzipped": _("The workbook unpacks to more than %(limit)s MB, far more than a roster needs. Copy the roster into a new workbook and upload that."),
    "bad_characters": _("The text contains invisible or control characters (such as a zero-width space or a direction mark); type it again."),
    "not_utf8": _("The CSV file is not in UTF-8: in Excel choose “Save as” → “CSV UTF-8 (Comma delimited)”."),
    "bad_xlsx": _("The file cannot be read as an Excel workbook; it may be damaged."),
    "no_header": _("No header row with a “Họ và tên” column was found in the first %(rows)s rows."),
    "no_rows": _("The file has a header but no member rows."),
    "required": _("Missing: this column must be filled in."),
    "bad_date": _("“%(value)s” is not a date: write dd/mm/yyyy (for example 15/04/1985)."),
    "future_date": _("The date %(value)s is in the future."),
    "date_too_early": _("The date %(value)s is out of range: it must be after 01/01/%(year)s."),
    "unknown_cell": _("There is no cell “%(value)s”; this file is imported into %(cell)s."),
    "other_cell": _("“%(value)s” is another cell; this file is imported into %(cell)s. Import that cell's members from its own page."),
    "card_digits": _("A party card number has exactly 12 digits; “%(value)s” has %(count)s."),
    "card_leading_zero": _("“%(value)s” has %(count)s digits: Excel may have dropped a leading 0 — format the column as Text and type the number again."),
    "citizen_digits": _("A citizen ID has exactly 12 digits; “%(value)s” has %(count)s."),
    "duplicate_card": _("The party card number %(value)s is also on line %(other)s."),
    "duplicate_citizen": _("The citizen ID %(value)s is also on line %(other)s."),
    "duplicate_member": _("This row and line %(other)s are the same member."),
    # One message whatever the reason (a member of a cell the user cannot see, one who left,
    # ...): the refusal must not tell who holds a number outside the user's scope.
    "number_unusable": _("The number %(value)s cannot be used here; ask the party committee above the cell."),
    "card_elsewhere_named": _("The party card number %(value)s belongs to %(name)s of %(cell)s; record a transfer instead."),
    "citizen_elsewhere_named": _("The citizen ID %(value)s belongs to %(name)s of %(cell)s."),
    "bad_phone": _("“%(value)s” is not a phone number: write 10 digits such as 0912 345 678."),
    "bad_email": _("“%(value)s” is not an email address."),
    "unknown_value": _("“%(value)s” is not one of: %(allowed)s."),
    "too_long": _("Too long: at most %(limit)s characters."),
    "born_after_admission": _("The date of birth is not before the admission date."),
    "official_before_admission": _("The official-member date is before the admission date."),
    "official_needs_date": _("An official member needs the official-member date."),
    "probationary_with_date": _("A probationary member has no official-member date; remove it or write “Chính thức”."),
    "unexpected": _("The file could not be processed (%(value)s). Check it and upload it again."),
    # Warnings: shown in the preview, they do not stop the import.
    "admission_age": _("Age at admission was %(age)s (the rule is %(min)s to %(max)s)."),
    "status_not_changed": _("The roster says %(current)s; an import does not change a status — record the change on the member's page."),
    "official_date_not_set": _("The member is still probationary here; record the recognition as official on the member's page."),
    "name_changes": _("The name on the roster is “%(current)s”; it will be replaced by the file's."),
    "unknown_column": _("The column “%(value)s” is not recognised and will be ignored."),
    "no_key": _("No party card number, citizen ID or date of birth: importing this file again would add this member twice."),
}


def message_for(code: str, params: dict | None = None) -> str:
    """The reason in the active language."""
    text = MESSAGES.get(code, MESSAGES["unexpected"])
    params = dict(params or {})
    if "current" in params and params["current"] in MemberStatus.values:
        params["current"] = MemberStatus(params["current"]).label
    try:
        return str(text) % params if params else str(text)
    except (KeyError, TypeError, ValueError):
        return str(text)


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, encoding, no header, too big."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    def as_problem(self) -> dict:
        return {"line": None, "column": "", "header": "", "code": self.code, "params": self.params}


def problem(line: int | None, column: str, header: str, code: str, **params) -> dict:
    return {"line": line, "column": column, "header": header, "code": code, "params": params}


# --- Reading --------------------------------------------------------------------------------

def check_upload(name: str, head: bytes, size: int) -> None:
    """The cheap checks made at upload: extension, size and the first bytes."""
    lower = name.lower()
    if lower.endswith(".xls"):
        raise ImportFileError("old_excel")
    if not lower.endswith(ALLOWED_EXTENSIONS):
        raise ImportFileError("wrong_type")
    if size > MAX_BYTES:
        raise ImportFileError("too_big", limit=MAX_BYTES // (1024 * 1024))
    if lower.endswith(".xlsx") and not head.startswith(b"PK\x03\x04"):
        raise ImportFileError("bad_xlsx")
    if lower.endswith(".csv"):
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise ImportFileError("wrong_type")
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            raise ImportFileError("not_utf8") from None


def check_xlsx_archive(data: bytes) -> int:
    """Refuse a workbook that would unpack to too much, from the sizes in the zip's directory
    (reading a member never yields more than its declared size); the total unpacked size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError("bad_xlsx") from None
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or total > MAX_UNZIPPED_BYTES:
        raise ImportFileError("too_big_unzipped", limit=MAX_UNZIPPED_BYTES // (1024 * 1024))
    return total


def estimate_rows(name: str, data: bytes) -> int:
    """A quick count of the data rows, to decide whether the job runs in the background."""
    if name.lower().endswith(".csv"):
        return max(data.count(b"\n") - 1, 0)
    from openpyxl import load_workbook

    unzipped = check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged file is reported by the check itself
        return 0
    sheet = workbook.worksheets[0]
    rows = max((sheet.max_row or 1) - 1, 0)
    workbook.close()
    # <dimension> is written by the program that saved the file and may be wrong: a big
    # unpacked size sends the check to the worker whatever it says.
    return max(rows, BACKGROUND_ROWS + 1) if unzipped > BACKGROUND_UNZIPPED_BYTES else rows


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("not_utf8") from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel set to Vietnamese saves CSV with ";" (the decimal mark is ",").
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        if reader.line_num > MAX_LINES:
            raise ImportFileError("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", "."))
        yield reader.line_num, row[:MAX_COLUMNS]


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportFileError("bad_xlsx") from None
    try:
        # The first sheet whose first rows hold a header (the template adds an instructions sheet).
        for sheet in workbook.worksheets:
            # Read to the last row actually there, not to the one <dimension> claims.
            sheet.reset_dimensions()
            head = list(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True))
            if any(_header_map(list(row))[0] for row in head):
                for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                    if number > MAX_LINES:
                        raise ImportFileError("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", "."))
                    yield number, list(row)
                return
        raise ImportFileError("no_header", rows=HEADER_SEARCH_ROWS)
    finally:
        workbook.close()


def read_table(name: str, data: bytes) -> tuple[list[str], dict[int, str], Iterator[tuple[int, dict]]]:
    """(headers as written, {column index: field key}, rows as (line, {key: raw value}))."""
    rows = _csv_rows(data) if name.lower().endswith(".csv") else _xlsx_rows(data)
    for line, row in rows:
        if line > HEADER_SEARCH_ROWS:
            break
        mapping, headers = _header_map(row)
        if "full_name" in mapping.values():
            return headers, mapping, _data_rows(rows, mapping)
    raise ImportFileError("no_header", rows=HEADER_SEARCH_ROWS)


def _header_key(value) -> str:
    text = re.sub(r"\(.*?\)", " ", str(value or ""))  # "Ngày sinh (dd/mm/yyyy)"
    return " ".join(normalize_search(re.sub(r"[^\w\s]", " ", text)).replace("_", " ").split())


ALIASES = {alias: c.key for c in (*COLUMNS, CELL_COLUMN) for alias in c.aliases}


def _header_map(row: list) -> tuple[dict[int, str], list[str]]:
    # Headers are quoted back in messages (stored as JSON, which holds no NUL): controls go.
    headers = ["" if v is None else "".join(c for c in normalize_text(str(v)) if not control_characters(c)).strip()
               for v in row]
    mapping = {}
    for index, header in enumerate(headers):
        key = ALIASES.get(_header_key(header))
        if key and key not in mapping.values():
            mapping[index] = key
    if "full_name" not in mapping.values():
        return {}, headers
    return mapping, headers


def _data_rows(rows, mapping: dict[int, str]) -> Iterator[tuple[int, dict]]:
    for line, row in rows:
        values = {key: (row[index] if index < len(row) else None) for index, key in mapping.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        yield line, values


# --- Checking ---------------------------------------------------------------------------------

@dataclass
class CleanRow:
    line: int
    values: dict  # record fields present in the file and filled in, clean
    status: str  # "" when the file does not say
    action: str = "create"  # create | update | unchanged
    member_id: int | None = None
    changes: dict = field(default_factory=dict)  # for an update: field -> new value


@dataclass
class CheckResult:
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    rows_total: int = 0
    # Numbers refused as held outside the user's scope (told to the committee above the cell).
    conflicts: list[NumberConflict] = field(default_factory=list)

    @property
    def counts(self) -> dict:
        return {action: sum(1 for r in self.rows if r.action == action) for action in ("create", "update", "unchanged")}

    def preview(self) -> list[dict]:
        return [
            {"line": r.line, "action": r.action, "full_name": r.values.get("full_name", ""),
             "party_card_number": r.values.get("party_card_number", ""), "status": r.status,
             "changes": sorted(r.changes)}
            for r in self.rows[:PREVIEW_ROWS]
        ]


class _RowChecker:
    """Field-by-field checks of one row; collects problems instead of stopping at the first."""

    def __init__(self, line: int, headers: list[str], positions: dict[str, int], today: dt.date):
        self.line, self.headers, self.positions, self.today = line, headers, positions, today
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.keys_with_errors: set[str] = set()

    def _where(self, key: str) -> tuple[str, str]:
        index = self.positions.get(key)
        if index is None:
            return "", str(COLUMNS_BY_KEY[key].label)
        return get_column_letter(index + 1), self.headers[index] or str(COLUMNS_BY_KEY[key].label)

    def error(self, key: str, code: str, **params) -> None:
        self.errors.append(problem(self.line, *self._where(key), code, **params))
        self.keys_with_errors.add(key)

    def warn(self, key: str, code: str, **params) -> None:
        self.warnings.append(problem(self.line, *self._where(key), code, **params))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(normalize_text(str(value)).split())


def _clean_row(line: int, raw: dict, checker: _RowChecker) -> CleanRow:
    values: dict = {}
    bad = {key for key, value in raw.items()
           if (invisible_characters if key == "full_name" else control_characters)(_text(value))}
    for key in bad:
        checker.error(key, "bad_characters")
    # Reported once, here: the checks below see such a column as absent.
    raw = {key: value for key, value in raw.items() if key not in bad}
    name = _text(raw.get("full_name"))
    if "full_name" in bad:
        pass
    elif not name:
        checker.error("full_name", "required")
    elif len(name) > 120:
        checker.error("full_name", "too_long", limit=120)
    else:
        values["full_name"] = name

    for key in ("date_of_birth", "admission_date", "official_date"):
        if key not in raw:
            continue
        try:
            day = norm.parse_date(raw[key])
        except ValueError as problem_code:
            checker.error(key, str(problem_code), value=_text(raw[key]), year=norm.EARLIEST_DATE.year)
            continue
        if day and day > checker.today:
            checker.error(key, "future_date", value=day.strftime("%d/%m/%Y"))
        elif day:
            values[key] = day

    for key, code in (("party_card_number", "card_digits"), ("citizen_id", "citizen_digits")):
        if key not in raw or _text(raw[key]) == "":
            continue
        number = norm.digits_only(raw[key])
        if not re.fullmatch(r"\d{12}", number):
            count = sum(ch.isdigit() for ch in number)
            numeric_cell = isinstance(raw[key], int | float) and not isinstance(raw[key], bool)
            if key == "party_card_number" and numeric_cell and count < 12:
                checker.error(key, "card_leading_zero", value=_text(raw[key]), count=count)
            else:
                checker.error(key, code, value=_text(raw[key]), count=count)
        else:
            values[key] = number

    if "phone" in raw and _text(raw["phone"]):
        try:
            values["phone"] = norm.normalize_phone(raw["phone"])
        except ValueError:
            checker.error("phone", "bad_phone", value=_text(raw["phone"]))
    if "email" in raw and _text(raw["email"]):
        email = _text(raw["email"]).lower()
        try:
            validate_email(email)
            values["email"] = email
        except ValidationError:
            checker.error("email", "bad_email", value=_text(raw["email"]))
    for key in ("ethnicity", "religion", "workplace"):
        if key in raw and _text(raw[key]):
            limit = Member._meta.get_field(key).max_length
            if len(_text(raw[key])) > limit:
                checker.error(key, "too_long", limit=limit)
            else:
                values[key] = _text(raw[key])

    choices = (
        ("gender", norm.GENDER_WORDS, "Nam, Nữ"),
        ("workplace_kind", norm.WORKPLACE_WORDS, "Nhà nước, Ngoài nhà nước, Khác"),
        ("status", norm.STATUS_WORDS, "Chính thức, Dự bị, Miễn sinh hoạt"),
    )
    status = ""
    for key, words, allowed in choices:
        if key not in raw:
            continue
        try:
            choice = norm.parse_choice(raw[key], words)
        except ValueError:
            checker.error(key, "unknown_value", value=_text(raw[key]), allowed=allowed)
            continue
        if key == "status":
            status = choice
        elif choice:
            values[key] = choice
    if "far_from_home" in raw:
        try:
            values["far_from_home"] = norm.parse_yes_no(raw["far_from_home"])
        except ValueError:
            checker.error("far_from_home", "unknown_value", value=_text(raw["far_from_home"]), allowed="Có, Không")

    born, admitted, official = values.get("date_of_birth"), values.get("admission_date"), values.get("official_date")
    if born and admitted:
        if born >= admitted:
            checker.error("date_of_birth", "born_after_admission")
        else:
            rules = settings.HANDBOOK_RULES
            low, high = rules.get("admission_age_min", 18), rules.get("admission_age_max", 60)
            age = norm.age_on(born, admitted)
            if not low <= age <= high:
                checker.warn("date_of_birth", "admission_age", age=age, min=low, max=high)
    if admitted and official and official < admitted:
        checker.error("official_date", "official_before_admission")
    if status == MemberStatus.OFFICIAL and not official and "official_date" not in checker.keys_with_errors:
        checker.error("official_date", "official_needs_date")
    if status == MemberStatus.PROBATIONARY and official:
        checker.error("official_date", "probationary_with_date")
    return CleanRow(line=line, values=values, status=status)


def _cell_key(value) -> str:
    """A cell's name as people write it, compared without case, diacritics or the "Chi bộ" prefix."""
    key = _header_key(value)
    return key.removeprefix("chi bo").strip() or key


class _CellColumn:
    """Checks the "Chi bộ" column against the cell the file is imported into."""

    def __init__(self, cell):
        self.cell = cell
        self.own = {_cell_key(v) for v in (cell.name, cell.code) if v}
        self.neighbours: set[str] | None = None  # the other cells' names, read at the first other name

    def check(self, value, checker: "_RowChecker") -> None:
        key = _cell_key(_text(value))
        if not key or key in self.own:
            return
        if self.neighbours is None:
            # The cells standing beside it (same parent organisation's subtree).
            within = self.cell.parent.path if self.cell.parent_id else self.cell.path
            self.neighbours = {
                _cell_key(v) for row in Organization.objects.filter(
                    path__startswith=within, kind__in=Organization.CELL_KINDS,
                ).exclude(pk=self.cell.pk).values_list("name", "code") for v in row if v
            }
        code = "other_cell" if key in self.neighbours else "unknown_cell"
        checker.error("cell", code, value=_text(value), cell=self.cell.name)


@dataclass
class _Existing:
    id: int
    full_name: str
    search_name: str
    date_of_birth: dt.date | None
    party_card_number: str | None
    citizen_id: str | None
    status: str
    official_date: dt.date | None
    values: dict
    here: bool  # on this cell's rolls and kept by it (home member, or a visitor with no home)
    home_cell_id: int | None = None
    home_cell_name: str = ""


def _existing_members(cell, cards: set[str], citizens: set[str]) -> tuple[dict, dict, list]:
    """Records that the file's numbers point at, and this cell's own records (for matching by name)."""
    today = timezone.localdate()
    fields = ("id", "full_name", "search_name", "date_of_birth", "party_card_number", "citizen_id", "status",
              "official_date", *RECORD_FIELDS)
    here_ids = set(
        CellMembership.objects.not_ended(today).filter(cell=cell).values_list("member_id", flat=True)
    )
    homes = {}
    chunks = [sorted(cards)[i:i + 2000] for i in range(0, len(cards), 2000)]
    chunks += [sorted(citizens)[i:i + 2000] for i in range(0, len(citizens), 2000)]
    condition = Q(pk__in=here_ids)
    for chunk in chunks:
        condition |= Q(party_card_number__in=chunk) | Q(citizen_id__in=chunk)
    rows = list(Member.objects.filter(condition).values(*dict.fromkeys(fields)))
    ids = [r["id"] for r in rows]
    for member_id, cell_id, cell_name in (
        CellMembership.objects.not_ended(today).filter(member_id__in=ids, kind=CellMembership.Kind.HOME)
        .values_list("member_id", "cell_id", "cell__name")
    ):
        homes[member_id] = (cell_id, cell_name)
    by_card, by_citizen, own = {}, {}, []
    for r in rows:
        home = homes.get(r["id"])
        here = r["id"] in here_ids and (home is None or home[0] == cell.pk)
        record = _Existing(
            id=r["id"], full_name=r["full_name"], search_name=r["search_name"], date_of_birth=r["date_of_birth"],
            party_card_number=r["party_card_number"], citizen_id=r["citizen_id"], status=r["status"],
            official_date=r["official_date"], values={k: r[k] for k in RECORD_FIELDS}, here=here,
            home_cell_id=home[0] if home else None, home_cell_name=home[1] if home else "",
        )
        if r["party_card_number"]:
            by_card[r["party_card_number"]] = record
        if r["citizen_id"]:
            by_citizen[r["citizen_id"]] = record
        if here:
            own.append(record)
    return by_card, by_citizen, own


def check_rows(*, cell, scope: Scope | None, headers: list[str], mapping: dict[int, str], rows,
               progress=None) -> CheckResult:
    """Check every row of a file for `cell`; `progress(done)` is called every few hundred rows."""
    today = timezone.localdate()
    result = CheckResult()
    positions = {key: index for index, key in mapping.items()}
    for index, header in enumerate(headers):
        if header and index not in mapping and _header_key(header) not in IGNORED_HEADERS:
            result.warnings.append(problem(None, get_column_letter(index + 1), header, "unknown_column", value=header))

    cell_column = _CellColumn(cell)
    clean: list[CleanRow] = []
    for count, (line, raw) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ImportFileError("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", "."))
        checker = _RowChecker(line, headers, positions, today)
        row = _clean_row(line, raw, checker)
        if "cell" in raw and not control_characters(_text(raw["cell"])):
            cell_column.check(raw["cell"], checker)
        result.errors += checker.errors
        result.warnings += checker.warnings
        if not checker.errors:
            clean.append(row)
        if progress and count % 200 == 0:
            progress(count)
        result.rows_total = count
    if result.rows_total == 0:
        raise ImportFileError("no_rows")

    _check_duplicates_in_file(clean, result, headers, positions)
    cards = {r.values["party_card_number"] for r in clean if "party_card_number" in r.values}
    citizens = {r.values["citizen_id"] for r in clean if "citizen_id" in r.values}
    by_card, by_citizen, own = _existing_members(cell, cards, citizens)
    _match(clean, result, cell, scope, headers, positions, by_card, by_citizen, own)
    number_conflicts_report(cell=cell, conflicts=result.conflicts, user_id=scope.user_id if scope else None)
    result.errors.sort(key=lambda p: (p["line"] or 0, p["column"]))
    result.warnings.sort(key=lambda p: (p["line"] or 0, p["column"]))
    result.rows = [] if result.errors else clean
    return result


def _check_duplicates_in_file(clean: list[CleanRow], result: CheckResult, headers, positions) -> None:
    for key, code in (("party_card_number", "duplicate_card"), ("citizen_id", "duplicate_citizen")):
        seen: dict[str, int] = {}
        for row in clean:
            number = row.values.get(key)
            if not number:
                continue
            if number in seen:
                checker = _RowChecker(row.line, headers, positions, None)
                checker.error(key, code, value=number, other=seen[number])
                result.errors += checker.errors
            else:
                seen[number] = row.line
    # Rows without any number but with the same name and date of birth: one person twice.
    seen_people: dict[tuple, int] = {}
    for row in clean:
        born = row.values.get("date_of_birth")
        if born is None or row.values.get("party_card_number") or row.values.get("citizen_id"):
            continue
        person = (normalize_search(row.values.get("full_name", "")), born)
        if person in seen_people:
            checker = _RowChecker(row.line, headers, positions, None)
            checker.error("full_name", "duplicate_member", other=seen_people[person])
            result.errors += checker.errors
        else:
            seen_people[person] = row.line


def _match(clean, result, cell, scope, headers, positions, by_card, by_citizen, own) -> None:
    """Decide create or update for each row; refuse numbers that belong to another cell's member."""
    own_by_name_dob: dict[tuple, list[_Existing]] = {}
    own_by_name: dict[str, list[_Existing]] = {}
    for record in own:
        own_by_name_dob.setdefault((record.search_name, record.date_of_birth), []).append(record)
        own_by_name.setdefault(record.search_name, []).append(record)
    claimed: dict[int, int] = {}
    for row in clean:
        checker = _RowChecker(row.line, headers, positions, None)
        card, citizen = row.values.get("party_card_number"), row.values.get("citizen_id")
        record = None
        if card and card in by_card:
            record = by_card[card]
            if not record.here:
                _refuse_elsewhere(checker, "party_card_number", card, record, scope, row, result)
                result.errors += checker.errors
                continue
        if citizen and citizen in by_citizen:
            holder = by_citizen[citizen]
            if record is None and holder.here and not (card and holder.party_card_number):
                record = holder
            elif holder is not record:
                _refuse_elsewhere(checker, "citizen_id", citizen, holder, scope, row, result)
                result.errors += checker.errors
                continue
        if record is None:
            # No number known yet: the cell's own record of that name (and date of birth), if
            # it has no card number either, so that importing a file again updates it.
            name = normalize_search(row.values.get("full_name", ""))
            born = row.values.get("date_of_birth")
            candidates = own_by_name_dob.get((name, born), []) if born else [
                r for r in own_by_name.get(name, []) if r.date_of_birth is None
            ]
            candidates = [r for r in candidates if not r.party_card_number and not (citizen and r.citizen_id)]
            if len(candidates) == 1:
                record = candidates[0]
            elif not (card or citizen or born):
                checker.warn("full_name", "no_key")
        if record is None:
            row.action = "create"
            result.warnings += checker.warnings
            continue
        if record.id in claimed:
            checker.error("full_name", "duplicate_member", other=claimed[record.id])
            result.errors += checker.errors
            continue
        claimed[record.id] = row.line
        row.member_id = record.id
        _plan_update(row, record, checker)
        result.warnings += checker.warnings


def _refuse_elsewhere(checker: _RowChecker, key: str, number: str, record: _Existing, scope: Scope | None,
                      row: CleanRow, result: CheckResult) -> None:
    # Name the holder only to someone who manages their cell: to others, one message for any
    # reason, so that a refusal tells nothing about records outside their scope.
    manages = scope is not None and record.home_cell_id is not None and (
        scope.is_superuser or record.home_cell_id in scope.managed_cell_ids
    )
    if manages:
        code = "card_elsewhere_named" if key == "party_card_number" else "citizen_elsewhere_named"
        checker.error(key, code, value=number, name=record.full_name, cell=record.home_cell_name)
    else:
        checker.error(key, "number_unusable", value=number)
        result.conflicts.append(NumberConflict(field=key, number=number, name=row.values.get("full_name", "")))


def _plan_update(row: CleanRow, record: _Existing, checker: _RowChecker) -> None:
    """What an import changes on an existing record: the fields the file fills in, never the
    status (a status step needs its date and decision), and blanks never erase anything."""
    values = dict(row.values)
    if row.status and row.status != record.status:
        checker.warn("status", "status_not_changed", current=record.status)
    if "official_date" in values and record.official_date is None:
        values.pop("official_date")
        if record.status == MemberStatus.PROBATIONARY:
            checker.warn("official_date", "official_date_not_set")
    if values.get("full_name") and normalize_search(values["full_name"]) != record.search_name:
        checker.warn("full_name", "name_changes", current=record.full_name)
    row.changes = {k: v for k, v in values.items() if record.values.get(k) != v}
    row.action = "update" if row.changes else "unchanged"
