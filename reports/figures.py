"""Figures of a period as the committees read them: rates, attendance bands, meeting status."""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.numbers import percent
from fees.rules import collection_rate
from meetings import rules

COUNTS = (
    "cells_due", "regular_held", "regular_on_time", "regular_late", "regular_missed", "thematic_held",
    "meetings_held", "documents_due", "documents_on_time", "minutes_due", "minutes_on_time", "summoned", "present",
    "excused", "unexcused",
    # Party fees (fees.FeeMonth through the roll-ups): amounts in đồng, member-months, cells that recorded.
    "fees_due", "fees_paid", "fee_members", "fee_members_paid", "fee_sheets", "fees_remitted",
)


@dataclass(frozen=True)
class Band:
    number: int  # 1 (best) to 4
    label: str


def attendance_band(rate) -> Band | None:
    """DOMAIN.md's bands, from settings.HANDBOOK_RULES["attendance_bands"] (e.g. 90, 75, 65)."""
    if rate is None:
        return None
    high, middle, low = settings.HANDBOOK_RULES["attendance_bands"]
    if rate >= high:
        return Band(1, f"≥ {high} %")
    if rate >= middle:
        return Band(2, f"{middle}–{high} %")
    if rate >= low:
        return Band(3, f"{low}–{middle} %")
    return Band(4, f"< {low} %")


def band_choices() -> list[tuple[str, str]]:
    high, middle, low = settings.HANDBOOK_RULES["attendance_bands"]
    return [("1", f"≥ {high} %"), ("2", f"{middle}–{high} %"), ("3", f"{low}–{middle} %"), ("4", f"< {low} %")]


def band_range(number: int) -> tuple[float | None, float | None]:
    """[low, high) of a band's attendance rate."""
    high, middle, low = settings.HANDBOOK_RULES["attendance_bands"]
    return {1: (high, None), 2: (middle, high), 3: (low, middle), 4: (None, low)}[number]


# The regular meeting's states are meetings.rules.regular_state's; "none": no cell owed one.
STATUS_LABELS = {
    rules.ON_TIME: _("On schedule"),
    rules.LATE: _("Late"),
    rules.MISSED: _("Missed"),
    rules.NOT_YET_DUE: _("Not yet due"),
    "none": _("No meeting owed"),
}
STATUS_PILLS = {rules.ON_TIME: "pill-ok", rules.LATE: "pill-warn", rules.MISSED: "pill-bad",
                rules.NOT_YET_DUE: "pill-muted", "none": "pill-muted"}
# Documents and minutes of one meeting (meetings.rules.documents_state / minutes_state).
TIMELINESS_LABELS = {
    rules.ON_TIME: pgettext_lazy("deadline", "On time"),
    rules.LATE: pgettext_lazy("deadline", "Late"),
    rules.MISSING: pgettext_lazy("deadline", "Missing"),
    rules.NOT_YET_DUE: pgettext_lazy("deadline", "Not yet due"),
}


@dataclass
class Figures:
    """Sums over a period for one unit (a cell or an organisation's subtree) or a total.

    Filled in first, read after: the rate, band and status are computed once per row.
    """

    cells_due: int = 0
    regular_held: int = 0
    regular_on_time: int = 0
    regular_late: int = 0
    regular_missed: int = 0
    thematic_held: int = 0
    meetings_held: int = 0
    documents_due: int = 0
    documents_on_time: int = 0
    minutes_due: int = 0
    minutes_on_time: int = 0
    summoned: int = 0
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    thematic: int = 0  # cell-quarters with a thematic meeting
    thematic_due: int = 0  # cell-quarters counted
    fees_due: int = 0
    fees_paid: int = 0
    fee_members: int = 0  # member-months in the ledgers
    fee_members_paid: int = 0  # of them, paid in full
    fee_sheets: int = 0  # cell-months recorded
    fees_remitted: int = 0
    members_at_risk: int = 0  # for absences or unpaid fees, each member once
    members_to_remove: int = 0
    members_at_risk_fees: int = 0  # of them, for unpaid fees
    last_meeting_at: dt.datetime | None = None
    members: int | None = None
    members_with_account: int | None = None
    members_signed_in: int | None = None
    members_opened_notices: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def pending(self) -> int:
        """Regular meetings not held yet whose month is still running (not yet due)."""
        return max(0, self.cells_due - self.regular_held - self.regular_missed)

    @cached_property
    def attendance_rate(self):
        return rules.attendance_rate(self.present, self.summoned)

    @cached_property
    def band(self):
        return attendance_band(self.attendance_rate)

    @property
    def on_time_rate(self):
        return percent(self.regular_on_time, self.cells_due)

    @property
    def documents_rate(self):
        return rules.timely_rate(self.documents_on_time, self.documents_due)

    @property
    def minutes_rate(self):
        return rules.timely_rate(self.minutes_on_time, self.minutes_due)

    @property
    def fee_collection_rate(self):
        return collection_rate(self.fees_paid, self.fees_due)

    @property
    def account_rate(self):
        return percent(self.members_with_account, self.members)

    @property
    def signed_in_rate(self):
        return percent(self.members_signed_in, self.members)

    @property
    def opened_rate(self):
        return percent(self.members_opened_notices, self.members)

    @cached_property
    def status(self) -> str:
        """One cell's regular meeting in one month; for more, the worst that happened."""
        if self.cells_due == 0:
            return "none"
        if self.regular_missed:
            return rules.MISSED
        if self.regular_late:
            return rules.LATE
        if self.pending:
            return rules.NOT_YET_DUE
        return rules.ON_TIME

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def status_pill(self):
        return STATUS_PILLS[self.status]


def figures_from(values: dict, **extra) -> Figures:
    known = {name for name in Figures.__dataclass_fields__ if name != "extra"}
    data = {key: value for key, value in values.items() if key in known}
    for name in COUNTS + ("thematic", "thematic_due", "members_at_risk", "members_to_remove", "members_at_risk_fees"):
        data[name] = data.get(name) or 0
    return Figures(**data, extra={**{k: v for k, v in values.items() if k not in known}, **extra})
