"""Figures as people read them: one percentage rule and one figure style for every page,
PDF, export and API answer.

A percentage is rounded half up to one decimal (88.65 -> 88.7), shown Vietnamese style
("88,7 %", a comma and a space before the sign) on pages and PDFs, and kept a number in
spreadsheets (a fraction with a percent format). `PERCENT_SQL` is its SQL twin.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

ONE_DECIMAL = Decimal("0.1")
# Excel number format of a percentage cell (the value is the fraction: 0.887).
XLSX_PERCENT_FORMAT = "0.0%"


def percent(part, whole) -> Decimal | None:
    """100 * part / whole rounded half up to one decimal; None when there is nothing to
    measure (no whole, or no part known)."""
    if not whole or part is None:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent_sql(part: str, whole: str) -> str:
    """The SQL twin of `percent`: PostgreSQL's round(numeric, 1) rounds half away from zero,
    which is half up for the non-negative counts it is given."""
    return f"round(100.0 * ({part}) / nullif({whole}, 0), 1)"


def format_percent(value) -> str:
    """88.65 -> '88,7 %' (in Vietnamese; '88.7 %' in English); None -> '—'."""
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        value = Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return f"{number_format(value, 1)} %"


def percent_fraction(value) -> float | None:
    """A percentage as the fraction a spreadsheet's percent format expects (88.7 -> 0.887)."""
    return None if value is None else float(Decimal(value) / 100)
