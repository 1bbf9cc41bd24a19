"""Turn what people type (or what Excel saved) into record values: numbers, phones, dates, choices.

Shared by the member forms and the roster import, so both accept and refuse the same things.
Each parser returns the clean value or raises ValueError with a message code (see
members.imports.MESSAGES), never a half-clean value.
"""

import datetime as dt
import re

from common.text import normalize_search
from members.models import Member, MemberStatus

_SEPARATORS = re.compile(r"[\s.\-()/]")
PHONE_RE = re.compile(r"^(0\d{9,10}|\+84\d{9,10})$")


def digits_only(value) -> str:
    """Card and citizen numbers: Excel may give an int or a float (1.2e11); people type spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            return str(value)
    if isinstance(value, int):
        return str(value)
    return _SEPARATORS.sub("", str(value).strip())


def normalize_phone(value) -> str:
    """'0912 345 678', '0912.345.678', 912345678 (Excel dropped the 0) -> '0912345678'.

    Raises ValueError('bad_phone') for anything that is not a Vietnamese number."""
    text = digits_only(value)
    if not text:
        return ""
    if text.startswith("84") and len(text) in (11, 12):
        text = "+" + text
    if re.fullmatch(r"[1-9]\d{8}", text):
        # A 9-digit mobile number: the leading 0 was lost in a number-formatted cell.
        text = "0" + text
    if not PHONE_RE.match(text):
        raise ValueError("bad_phone")
    return text


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")
# No living member's date (birth, admission) is older: an earlier one is a typing slip.
EARLIEST_DATE = dt.date(1900, 1, 1)


def parse_date(value) -> dt.date | None:
    """dd/mm/yyyy, yyyy-mm-dd, an Excel date cell or an Excel serial number; None if blank.

    Raises ValueError('bad_date') for what is not a date, ValueError('date_too_early') for
    a real date before EARLIEST_DATE."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if not 1 <= value < 2_958_466:
            raise ValueError("bad_date")
        day = from_excel(value)
        day = day.date() if isinstance(day, dt.datetime) else day
    else:
        text = str(value).strip()
        # "2010-03-02 00:00:00" from a spreadsheet exported by a program.
        text = re.sub(r"[ T]00:00(:00)?$", "", text)
        day = None
        for fmt in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if day is None:
            raise ValueError("bad_date")
    if day < EARLIEST_DATE:
        raise ValueError("date_too_early")
    return day


def _key(value) -> str:
    return normalize_search(re.sub(r"[^\w\s]", " ", str(value or "")))


GENDER_WORDS = {
    "nam": Member.Gender.MALE, "male": Member.Gender.MALE, "m": Member.Gender.MALE, "trai": Member.Gender.MALE,
    "nu": Member.Gender.FEMALE, "female": Member.Gender.FEMALE, "f": Member.Gender.FEMALE, "gai": Member.Gender.FEMALE,
}
# The statuses a roster file may give: leaving the rolls is recorded on the member's page.
STATUS_WORDS = {
    "chinh thuc": MemberStatus.OFFICIAL, "dang vien chinh thuc": MemberStatus.OFFICIAL, "ct": MemberStatus.OFFICIAL,
    "official": MemberStatus.OFFICIAL,
    "du bi": MemberStatus.PROBATIONARY, "dang vien du bi": MemberStatus.PROBATIONARY, "db": MemberStatus.PROBATIONARY,
    "probationary": MemberStatus.PROBATIONARY,
    "mien sinh hoat": MemberStatus.EXEMPT, "msh": MemberStatus.EXEMPT, "exempt": MemberStatus.EXEMPT,
    "exempt from activity": MemberStatus.EXEMPT,
}
WORKPLACE_WORDS = {
    "nha nuoc": Member.Workplace.STATE, "co quan nha nuoc": Member.Workplace.STATE,
    "co quan don vi nha nuoc": Member.Workplace.STATE, "state": Member.Workplace.STATE,
    "ngoai nha nuoc": Member.Workplace.NON_STATE, "doanh nghiep ngoai nha nuoc": Member.Workplace.NON_STATE,
    "tu nhan": Member.Workplace.NON_STATE, "non state": Member.Workplace.NON_STATE,
    "khac": Member.Workplace.OTHER, "other": Member.Workplace.OTHER,
}
YES_WORDS = {"co", "x", "yes", "y", "1", "true", "dung", "o xa"}
NO_WORDS = {"", "khong", "no", "n", "0", "false", "sai"}


def parse_choice(value, words: dict) -> str:
    """A choice written in Vietnamese or English, with or without diacritics; '' if blank."""
    key = _key(value)
    if not key:
        return ""
    if key in words:
        return words[key]
    raise ValueError("unknown_value")


def parse_yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    key = _key(value)
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    raise ValueError("unknown_value")


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
