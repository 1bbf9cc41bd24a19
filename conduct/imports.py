"""Import of a cell's paper register of commendations and discipline (.xlsx).

Checked first, every bad row reported with its line; written only when every row is good,
then in one transaction through the services (so each row passes the same rules as a form).
The file limits (size, zip directory) are the member import's.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.text import control_characters, invisible_characters, normalize_search, normalize_text
from conduct.models import Commendation, Discipline
from conduct.rules import discipline_allowed
from conduct.selectors import cell_members
from conduct.services import commendation_record, discipline_record
from members.imports import ImportFileError, check_upload, check_xlsx_archive, message_for

MAX_ROWS = 2_000
HEADER_SEARCH_ROWS = 10

# Field -> headers people write (compared without diacritics or case).
HEADERS = {
    "register": ("loai", "khen thuong ky luat", "khen thuong hay ky luat", "register", "type"),
    "card": ("so the dang vien", "so the", "the dang vien", "party card number", "card"),
    "full_name": ("ho va ten", "ho ten", "full name", "name"),
    "form": ("hinh thuc", "hinh thuc khen thuong ky luat", "form", "kind", "level"),
    "decision_number": ("so quyet dinh", "so qd", "decision number"),
    "decision_date": ("ngay quyet dinh", "ngay qd", "ngay", "decision date", "date"),
    "issuing_body": ("cap quyet dinh", "co quan quyet dinh", "noi quyet dinh", "issuing body"),
    "reason": ("ly do", "noi dung", "reason"),
}
REQUIRED = ("register", "form", "decision_number", "decision_date", "issuing_body", "reason")
_ALIASES = {alias: key for key, aliases in HEADERS.items() for alias in aliases}

COMMENDATION_WORDS = ("khen thuong", "khen", "commendation")
DISCIPLINE_WORDS = ("ky luat", "discipline")
COMMENDATION_FORMS = {
    "giay khen": Commendation.Kind.CERTIFICATE_OF_MERIT,
    "bang khen": Commendation.Kind.COMMENDATION_CERTIFICATE,
    "danh hieu thi dua": Commendation.Kind.EMULATION_TITLE,
    "chien si thi dua": Commendation.Kind.EMULATION_TITLE,
    "huan chuong": Commendation.Kind.ORDER_OR_MEDAL,
    "huy chuong": Commendation.Kind.ORDER_OR_MEDAL,
    "khac": Commendation.Kind.OTHER,
}
DISCIPLINE_FORMS = {
    "khien trach": Discipline.Level.REPRIMAND,
    "canh cao": Discipline.Level.WARNING,
    "cach chuc": Discipline.Level.DISMISSAL,
    "khai tru": Discipline.Level.EXPULSION,
}


class RegisterFileError(Exception):
    """The file as a whole cannot be read; `message` says why in the reader's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Problem:
    line: int
    header: str
    message: str


@dataclass
class CheckResult:
    rows: list[dict] = field(default_factory=list)  # clean rows, JSON-safe (dates as ISO)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def _key(value) -> str:
    text = re.sub(r"\(.*?\)", " ", str(value or ""))
    return " ".join(normalize_search(re.sub(r"[^\w\s]", " ", text)).replace("_", " ").split())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value)).strip()


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", _text(value))
    if not match:
        return None
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def _rows(data: bytes):
    from openpyxl import load_workbook

    try:
        check_xlsx_archive(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError as error:
        raise RegisterFileError(message_for(error.code, error.params)) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise RegisterFileError(message_for("bad_xlsx")) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        mapping, headers, header_line = {}, [], None
        for number, row in enumerate(sheet.iter_rows(max_col=30, values_only=True), start=1):
            if header_line is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                found = {i: _ALIASES[_key(v)] for i, v in enumerate(row) if _key(v) in _ALIASES}
                if "form" in found.values() and "decision_number" in found.values():
                    mapping, headers, header_line = found, [_text(v) for v in row], number
                continue
            if number - header_line > MAX_ROWS:
                raise RegisterFileError(_("The file has more than %(limit)s rows; split it into several files.")
                                   % {"limit": MAX_ROWS})
            values = {key: (row[i] if i < len(row) else None) for i, key in mapping.items()}
            if any(_text(v) for v in values.values()):
                yield number, values, headers, mapping
        if header_line is None:
            raise RegisterFileError(_("No header row with the columns “Hình thức” and “Số quyết định” was found "
                                 "in the first %(rows)s rows.") % {"rows": HEADER_SEARCH_ROWS})
    finally:
        workbook.close()


def check(*, cell: Organization, name: str, data: bytes) -> CheckResult:
    """Every row checked against the cell's rolls and the rules; nothing written."""
    try:
        check_upload(name, data[:8], len(data))
    except ImportFileError as error:
        raise RegisterFileError(message_for(error.code, error.params)) from None
    if not name.lower().endswith(".xlsx"):
        raise RegisterFileError(message_for("wrong_type"))
    members = list(cell_members(cell).only("pk", "public_id", "full_name", "party_card_number", "official_date",
                                           "admission_date", "status"))
    by_card = {m.party_card_number: m for m in members if m.party_card_number}
    by_name: dict[str, list] = {}
    for m in members:
        by_name.setdefault(normalize_search(m.full_name), []).append(m)
    result, seen = CheckResult(), {}
    today = timezone.localdate()
    for line, values, headers, mapping in _rows(data):
        header_of = {key: headers[i] for i, key in mapping.items()}
        problems_before = len(result.problems)

        def bad(key, message, line=line, header_of=header_of):
            result.problems.append(Problem(line, header_of.get(key, ""), message))

        texts = {key: _text(values.get(key)) for key in HEADERS}
        if any(control_characters(t) or invisible_characters(t) for t in texts.values()):
            bad("", message_for("bad_characters"))
            continue
        missing = [key for key in REQUIRED if key in header_of and not texts[key]]
        missing += [key for key in REQUIRED if key not in header_of]
        for key in missing:
            bad(key, _("Missing: the column “%(column)s” must be filled in.") % {"column": HEADERS[key][0]})
        member = None
        if texts["card"]:
            member = by_card.get(re.sub(r"\D", "", texts["card"]))
            if member is None:
                bad("card", _("No member of %(cell)s has the party card number %(value)s.")
                    % {"cell": cell.name, "value": texts["card"]})
        elif texts["full_name"]:
            found = by_name.get(normalize_search(texts["full_name"]), [])
            if len(found) == 1:
                member = found[0]
            else:
                bad("full_name", (_("%(cell)s has several members named %(value)s: write the party card number.")
                                  if found else _("No member of %(cell)s is named %(value)s."))
                    % {"cell": cell.name, "value": texts["full_name"]})
        else:
            bad("card", _("Write the member's party card number or full name."))
        register = _key(texts["register"])
        form = _key(texts["form"])
        kind = level = None
        if register in COMMENDATION_WORDS:
            kind = COMMENDATION_FORMS.get(form)
            if kind is None and form:
                bad("form", _("“%(value)s” is not a form of commendation: write one of %(choices)s.")
                    % {"value": texts["form"], "choices": "Giấy khen, Bằng khen, Danh hiệu thi đua, Huân chương, Khác"})
        elif register in DISCIPLINE_WORDS:
            level = DISCIPLINE_FORMS.get(form)
            if level is None and form:
                bad("form", _("“%(value)s” is not a form of discipline: write one of %(choices)s.")
                    % {"value": texts["form"], "choices": "Khiển trách, Cảnh cáo, Cách chức, Khai trừ"})
            elif level == Discipline.Level.EXPULSION:
                bad("form", _("Record an expulsion on its own page: it takes the member off the rolls."))
        elif register:
            bad("register", _("“%(value)s” is neither “Khen thưởng” nor “Kỷ luật”.") % {"value": texts["register"]})
        day = _date(values.get("decision_date"))
        if texts["decision_date"] and day is None:
            bad("decision_date", message_for("bad_date", {"value": texts["decision_date"]}))
        elif day and day > today:
            bad("decision_date", message_for("future_date", {"value": day.strftime("%d/%m/%Y")}))
        if member and level and day and not discipline_allowed(
                level, official=member.official_date is not None and member.official_date <= day):
            bad("form", _("%(name)s was a probationary member on %(day)s: only a reprimand or a warning is possible.")
                % {"name": member.full_name, "day": day.strftime("%d/%m/%Y")})
        if member and texts["decision_number"]:
            key = (member.pk, bool(kind), texts["decision_number"])
            if key in seen:
                bad("decision_number", _("The same decision for the same member is also on line %(other)s.")
                    % {"other": seen[key]})
            seen.setdefault(key, line)
        for key in ("decision_number", "issuing_body"):
            if len(texts[key]) > (60 if key == "decision_number" else 200):
                bad(key, _("The text is too long."))
        if len(result.problems) == problems_before and member and (kind or level) and day:
            result.rows.append({
                "line": line, "member": str(member.public_id), "member_name": member.full_name,
                "kind": kind or "", "level": level or "", "decision_number": texts["decision_number"],
                "decision_date": day.isoformat(), "issuing_body": texts["issuing_body"], "reason": texts["reason"],
            })
    if not result.rows and not result.problems:
        result.problems.append(Problem(0, "", _("The file has a header but no rows.")))
    return result


@transaction.atomic
def write(*, cell: Organization, rows: list[dict], actor=None) -> int:
    """Write checked rows through the services; one refusal undoes them all (ValidationError
    names the line)."""
    members = {str(m.public_id): m for m in cell_members(cell)}
    for row in rows:
        member = members.get(row["member"])
        fields = {"decision_number": row["decision_number"], "decision_date": dt.date.fromisoformat(row["decision_date"]),
                  "issuing_body": row["issuing_body"], "reason": row["reason"], "actor": actor}
        try:
            if member is None:
                raise ValidationError(_("The member is no longer on the cell's rolls."))
            if row["kind"]:
                commendation_record(member=member, kind=row["kind"], **fields)
            else:
                discipline_record(member=member, level=row["level"], **fields)
        except ValidationError as error:
            raise ValidationError(_("Line %(line)s: %(reason)s") % {
                "line": row["line"], "reason": " ".join(error.messages)}) from None
    return len(rows)
