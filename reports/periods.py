"""Reporting periods: a month ("2026-05"), a quarter ("2026-Q2") or a year ("2026")."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.months import add_months, month_start, months_between, quarter_of

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter" or "year"
    start: dt.date  # first month
    last: dt.date  # last month

    @classmethod
    def month_of(cls, day: dt.date) -> "Period":
        start = month_start(day)
        return cls("month", start, start)

    @classmethod
    def parse(cls, text: str) -> "Period":
        text = (text or "").strip()
        if match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return cls("month", dt.date(year, month, 1), dt.date(year, month, 1))
        elif match := _QUARTER.match(text):
            year, quarter = int(match[1]), int(match[2])
            if 2000 <= year <= 2100:
                start = dt.date(year, 3 * quarter - 2, 1)
                return cls("quarter", start, add_months(start, 2))
        elif match := _YEAR.match(text):
            year = int(match[1])
            if 2000 <= year <= 2100:
                return cls("year", dt.date(year, 1, 1), dt.date(year, 12, 1))
        raise BadPeriod(text)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{quarter_of(self.start)}"
        return f"{self.start.year}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Month %(month)s") % {"month": f"{self.start:%m/%Y}"}
        if self.kind == "quarter":
            return _("Quarter %(quarter)s/%(year)s") % {
                "quarter": ROMAN[quarter_of(self.start)], "year": self.start.year}
        return _("Year %(year)s") % {"year": self.start.year}

    def shifted(self, steps: int) -> "Period":
        size = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return Period(self.kind, add_months(self.start, steps * size), add_months(self.last, steps * size))

    def end(self, current_month: dt.date) -> dt.date:
        """The last month with figures: the period's last month, or the current month."""
        return min(self.last, current_month)

    def checkpoints(self, current_month: dt.date) -> list[dt.date]:
        """Months whose "thematic meeting this quarter" flag counts: each quarter's last month
        in the period, and the period's end when its quarter is still running."""
        end = self.end(current_month)
        points = [month for month in self.months() if month.month % 3 == 0 and month <= end]
        if end >= self.start and end not in points:
            points.append(end)
        return points

    def months(self) -> list[dt.date]:
        return months_between(self.start, self.last)


def period_choices(current_month: dt.date, first_month: dt.date | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The options of the period picker: the months, quarters and years with figures, from
    the organisation's first roll-up month (`first_month`; None: none yet) to the current
    month, newest first."""
    first = min(first_month or current_month, current_month)
    days = list(reversed(months_between(first, current_month)))
    months = [Period.month_of(day) for day in days]
    quarters = [Period.parse(f"{day.year}-Q{quarter_of(day)}") for day in days if day.month % 3 == 1 or day == first]
    years = [Period.parse(str(year)) for year in range(current_month.year, first.year - 1, -1)]
    return [
        (_("Months"), [(p.key, p.label) for p in months]),
        (_("Quarters"), [(p.key, p.label) for p in quarters]),
        (_("Years"), [(p.key, p.label) for p in years]),
    ]
