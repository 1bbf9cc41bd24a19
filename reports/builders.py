"""Report tables of an organisation or a cell, built from the scoped selectors, with the
heading and file name their exports carry."""

from django.utils.text import slugify

from cells.models import Organization
from common.text import normalize_search
from reports import selectors
from reports.periods import Period
from reports.selectors import UnitQuery
from reports.tables import Table, meetings_table, risk_table, trend_table, units_table

ORG_TABLES = ("units", "cells", "trend", "risk")
CELL_TABLES = ("meetings", "months", "risk")


def org_table_level(org: Organization, name: str) -> str | None:
    """The unit level of a table that lists units (None for the others)."""
    if name == "units":
        return selectors.unit_level(org)
    if name == "cells":
        return "cells"
    return None


def org_table(org: Organization, name: str, period: Period, query: UnitQuery) -> Table:
    level = org_table_level(org, name)
    if level:
        units = selectors.unit_rows_iter(org, period, query, level=level)
        return units_table(units, level=level, period=period, total=selectors.unit_count(org, level),
                           with_grassroots=selectors.spans_communes(org, level))
    if name == "trend":
        return trend_table(selectors.organization_overview(org, period).trend)
    return risk_table(selectors.members_at_risk(org, period))


def cell_table(cell: Organization, name: str, period: Period) -> Table:
    if name == "meetings":
        return meetings_table(selectors.cell_meetings(cell, period))
    if name == "months":
        overview, _rows = selectors.cell_overview(cell, period)
        return trend_table(overview.trend)
    return risk_table(selectors.members_at_risk(cell, period))


def heading(org: Organization, period: Period, table: Table) -> str:
    return f"{org.name} — {table.title} — {period.label}"


def filename(org: Organization, period: Period, table: Table, fmt: str) -> str:
    base = slugify(normalize_search(f"{org.name} {table.name} {period.key}")) or "bao-cao"
    return f"{base}.{fmt}"

