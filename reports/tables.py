"""The report tables as data: columns (Vietnamese headers, kinds, widths) and rows.

The same definitions feed the Excel and CSV exports, so a table exported is the table shown.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.figures import STATUS_LABELS, TIMELINESS_LABELS, Figures
from reports.periods import Period


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "int"  # text, int, percent (a common.numbers percentage: 88.7), date, datetime
    width: int = 12


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: Iterable[list] = field(default_factory=list)
    total: int | None = None  # rows to expect (progress of a large export)


def _local(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _figure_columns(level: str, period: Period, *, with_grassroots: bool = False) -> list[Column]:
    name = _("Cell") if level == "cells" else _("Grassroots organisation")
    columns = [Column("name", str(name), "text", 34)]
    if with_grassroots:
        columns.append(Column("grassroots_name", str(_("Grassroots organisation")), "text", 30))
    if level == "cells" and period.kind == "month":
        columns += [
            Column("status", str(_("Regular meeting")), "text", 16),
            Column("scheduled", str(_("Scheduled date")), "date", 12),
            Column("held_on", str(_("Held on")), "date", 12),
        ]
    columns += [
        Column("cells_due", str(_("Regular meetings due"))),
        Column("regular_on_time", str(_("On schedule"))),
        Column("regular_late", str(_("Late"))),
        Column("regular_missed", str(_("Missed"))),
        Column("pending", str(_("Not yet due"))),
        Column("thematic", str(_("Quarters with a thematic meeting"))),
        Column("thematic_due", str(_("Quarters counted"))),
        Column("documents_rate", str(_("Documents on time")), "percent"),
        Column("minutes_rate", str(_("Minutes within 2 days")), "percent"),
        Column("summoned", str(_("Summoned"))),
        Column("present", str(_("Present"))),
        Column("excused", str(_("Absent with reason"))),
        Column("unexcused", str(_("Absent without reason"))),
        Column("attendance_rate", str(_("Attendance")), "percent"),
        Column("band", str(_("Attendance band")), "text"),
        Column("last_meeting_at", str(_("Last meeting")), "datetime", 16),
        Column("members_at_risk", str(_("Members at risk"))),
        Column("members_to_remove", str(_("To propose removal"))),
        Column("members", str(_("Members"))),
        Column("account_rate", str(_("With an account")), "percent"),
        Column("signed_in_rate", str(_("Signed in, 30 days")), "percent"),
        Column("opened_rate", str(_("Opened notices")), "percent"),
    ]
    return columns


def _figure_row(columns: list[Column], f: Figures, name: str) -> list:
    values = {
        "name": name,
        "status": str(STATUS_LABELS[f.status]),
        "scheduled": f.extra.get("regular_scheduled_date"),
        "held_on": f.extra.get("regular_held_on"),
        "grassroots_name": f.extra.get("grassroots_name"),
        "pending": f.pending,
        "band": f.band.label if f.band else "",
        "last_meeting_at": _local(f.last_meeting_at),
    }
    return [values[column.key] if column.key in values else getattr(f, column.key) for column in columns]


def units_table(units: Iterable[Figures], *, level: str, period: Period, total: int | None = None,
                with_grassroots: bool = False) -> Table:
    columns = _figure_columns(level, period, with_grassroots=with_grassroots)
    title = _("Party cells") if level == "cells" else _("Grassroots organisations")
    rows = (_figure_row(columns, f, f.extra["unit_name"]) for f in units)
    return Table("cells" if level == "cells" else "units", str(title), columns, rows, total)


def trend_table(points) -> Table:
    columns = [
        Column("month", str(_("Month")), "text", 10),
        Column("cells_due", str(_("Regular meetings due"))),
        Column("regular_on_time", str(_("On schedule"))),
        Column("regular_late", str(_("Late"))),
        Column("regular_missed", str(_("Missed"))),
        Column("pending", str(_("Not yet due"))),
        Column("on_time_rate", str(_("On schedule")) + " (%)", "percent"),
        Column("summoned", str(_("Summoned"))),
        Column("present", str(_("Present"))),
        Column("attendance_rate", str(_("Attendance")), "percent"),
    ]
    rows = []
    for point in points:
        f = point.figures
        rows.append([f"{point.month:%m/%Y}"] + [getattr(f, c.key) for c in columns[1:]])
    return Table("trend", str(_("Trend over 12 months")), columns, rows)


def meetings_table(meetings) -> Table:
    columns = [
        Column("date", str(_("Date")), "datetime", 16),
        Column("kind", str(_("Kind")), "text", 22),
        Column("status", str(_("Status")), "text", 12),
        Column("scheduled", str(_("Scheduled date")), "date", 12),
        Column("documents", str(_("Documents on time")), "text", 10),
        Column("minutes", str(_("Minutes within 2 days")), "text", 10),
        Column("summoned", str(_("Summoned"))),
        Column("present", str(_("Present"))),
        Column("excused", str(_("Absent with reason"))),
        Column("unexcused", str(_("Absent without reason"))),
    ]
    def state(value) -> str:
        return str(TIMELINESS_LABELS[value]) if value else ""

    rows = [[
        _local(m.starts_at), m.get_kind_display(), m.get_status_display(), m.scheduled_date,
        state(m.documents_state), state(m.minutes_state),
        m.counts.summoned, m.counts.present, m.counts.excused, m.counts.unexcused,
    ] for m in meetings]
    return Table("meetings", str(_("Meetings")), columns, rows)


def risk_table(member_years) -> Table:
    """Members at risk, told apart by card number, cell and commune (names repeat in a province)."""
    columns = [
        Column("member", str(_("Member")), "text", 28),
        Column("card", str(_("Party card number")), "text", 14),
        Column("cell", str(_("Cell")), "text", 28),
        Column("grassroots", str(_("Grassroots organisation")), "text", 28),
        Column("months", str(_("Months absent without reason"))),
        Column("last", str(_("Last absence")), "date", 12),
        Column("removal", str(_("To propose removal")), "text", 12),
    ]
    yes = str(_("yes"))
    rows = [[y.member.full_name, y.member.party_card_number or "", y.cell.name, y.grassroots_name or "",
             y.unexcused_months, y.last_unexcused_on, yes if y.removal_from else ""] for y in member_years]
    return Table("risk", str(_("Members at risk")), columns, rows)
