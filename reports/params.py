"""Read the dashboards' query string (period, filters, sort, page) into safe values."""

from common.months import add_months, current_month
from common.text import positive_int, search_query
from reports.figures import band_choices
from reports.periods import BadPeriod, Period
from reports.selectors import SORTS, STATUSES, UnitQuery

FILTER_KEYS = ("period", "sort", "status", "band", "risk", "q")


def default_period() -> Period:
    """Last month: the one a committee checks at the start of this one."""
    return Period.month_of(add_months(current_month(), -1))


def period_from(params) -> tuple[Period, str | None]:
    """The period asked for, or the default and the text that was not understood."""
    text = (params.get("period") or "").strip()
    if not text:
        return default_period(), None
    try:
        return Period.parse(text), None
    except BadPeriod:
        return default_period(), text[:20]


def month_from(params) -> tuple[Period, str | None]:
    """A month only (the monthly report): `month=2026-05`."""
    text = (params.get("month") or "").strip()
    if not text:
        return default_period(), None
    try:
        period = Period.parse(text)
    except BadPeriod:
        return default_period(), text[:20]
    return (period, None) if period.kind == "month" else (default_period(), text[:20])


def unit_query_from(params) -> UnitQuery:
    sort = params.get("sort") or "name"
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    status = params.get("status") or ""
    band = params.get("band") or ""
    return UnitQuery(
        sort=sort,
        status=status if status in STATUSES else "",
        band=int(band) if band in {key for key, _ in band_choices()} else None,
        risk=params.get("risk") == "1",
        q=search_query(params.get("q") or ""),
    )


def page_from(params) -> int:
    return positive_int(params.get("page"), default=1, below=100_000)


def kept(params) -> dict:
    """The filters worth keeping for an export job."""
    return {key: params.get(key) for key in FILTER_KEYS if params.get(key)}
