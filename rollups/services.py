"""Recompute the roll-up tables from the meetings and roll calls, set-based.

Two doors, one formula:

- `rollups_rebuild(years=...)` recomputes every cell, organisation and member row of those
  calendar years with a few INSERT ... SELECT ... GROUP BY statements (the nightly task);
- `rollups_refresh_cell(cell_id=..., year=...)` recomputes one cell's year and then its
  ancestors' rows, each from the rows just below it (the task a roll call enqueues).

Both recompute from the source and overwrite; nothing is ever added to a stored figure, so
running either twice, or both in any order, leaves the same rows. An advisory lock per tree
root serialises refreshes that touch the same ancestors, and the rebuild excludes them all.
"""

import datetime as dt
import json
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone

from admissions.models import AdmissionPlan
from cells.models import Organization
from common.months import current_month, months_between
from conduct.models import BadgePresentation, Commendation, Discipline
from conduct.rules import badge_occasion, badges_due
from fees.models import FeeMonth
from fees.rules import UNPAID_MONTH_SQL
from meetings import rules
from meetings.models import Meeting
from members.models import GONE_STATUSES, CellMembership, Member, current_sql
from members.rules import AdmissionCategory, admission_categories
from notifications.selectors import notices_opened_by_cell
from rollups.models import RegisterYear

# Columns shared by CellMonth and OrganizationMonth, in table order.
SUMMED = [
    "cells_due", "regular_held", "regular_on_time", "regular_late", "regular_missed", "thematic_held",
    "thematic_quarter", "meetings_held", "documents_due", "documents_on_time", "minutes_due", "minutes_on_time",
    "summoned", "present",
    "excused", "unexcused", "members_at_risk", "members_to_remove", "members_at_risk_fees",
    "fee_members", "fee_members_paid", "fee_sheets",
]
# Amounts in đồng: a province's month outgrows a 32-bit sum.
MONEY = ["fees_due", "fees_paid", "fees_remitted"]
ADOPTION = ["members", "members_with_account", "members_signed_in", "members_opened_notices"]
CELL_EXTRA = ["regular_meeting_id", "regular_scheduled_date", "regular_held_on"]
CELL_COLUMNS = [*SUMMED, *MONEY, "last_meeting_at", *CELL_EXTRA]
ORG_COLUMNS = [*SUMMED, *MONEY, "last_meeting_at", *ADOPTION]

_LOCK_REBUILD = 0x726F6C6C  # "roll": shared by every refresh, exclusive for a rebuild
CELL_KINDS_SQL = ", ".join(f"'{kind}'" for kind in Organization.CELL_KINDS)


def _params(years: list[int]) -> dict:
    rules_settings = settings.HANDBOOK_RULES
    this_month = current_month()
    warning, removal = rules.risk_thresholds(rules.ABSENCES)
    fee_warning, fee_removal = rules.risk_thresholds(rules.FEES)
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 1)
    return {
        "tz": settings.TIME_ZONE,
        "now": timezone.now(),
        "first": first,
        "last": min(last, this_month),  # no row for a month that has not begun
        "year_first": min(years),
        "year_last": max(years),
        "year_end": last,
        "months": months_between(first, min(last, this_month)) if first <= this_month else [],
        "current_month": this_month,
        "doc_days": rules_settings["documents_days_before"],
        "minutes_days": rules_settings["minutes_within_days"],
        "risk_months": warning,
        "removal_months": removal,
        "fee_risk_months": fee_warning,
        "fee_removal_months": fee_removal,
        "regular": Meeting.Kind.REGULAR,
        "thematic": Meeting.Kind.THEMATIC,
    }


def _cell_filter(alias: str, cell_ids) -> str:
    return "" if cell_ids is None else f" AND {alias}.cell_id = ANY(%(cell_ids)s)"


def _upsert(table: str, key: list[str], columns: list[str], source: str, *, new_rows_defaults: dict,
            stamped: bool = True) -> str:
    """INSERT ... SELECT ... ON CONFLICT DO UPDATE that leaves unchanged rows alone.

    A nightly rebuild of a quiet year so writes almost nothing (IS DISTINCT FROM).
    """
    cols = [*key, *columns, *new_rows_defaults]
    values = [*key, *columns, *new_rows_defaults.values()]
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)
    old = ", ".join(f"t.{c}" for c in columns)
    new = ", ".join(f"EXCLUDED.{c}" for c in columns)
    if stamped:
        cols, values, sets = [*cols, "computed_at"], [*values, "now()"], f"{sets}, computed_at = now()"
    # A hash anti-join drops the unchanged rows first, so only new or changed rows pay for
    # the conflict check.
    same = " AND ".join(f"t.{k} = n.{k}" for k in key)
    unchanged = f"SELECT 1 FROM {table} t WHERE {same} AND ({old}) IS NOT DISTINCT FROM ({', '.join(f'n.{c}' for c in columns)})"
    return (
        f"INSERT INTO {table} AS t ({', '.join(cols)}) SELECT {', '.join(values)} FROM {source} n "
        f"WHERE NOT EXISTS ({unchanged}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets} WHERE ({old}) IS DISTINCT FROM ({new})"
    )


def _stale(table: str, key: list[str], source: str, where: str) -> str:
    """DELETE the window's rows that the recomputation no longer produces."""
    join = " AND ".join(f"n.{k} = t.{k}" for k in key)
    return f"DELETE FROM {table} t WHERE {where} AND NOT EXISTS (SELECT 1 FROM {source} n WHERE {join})"


# New cell rows start with no adoption figures; the nightly adoption snapshot fills them.
_ADOPTION_DEFAULTS = {"members": "0", "members_with_account": "0", "members_signed_in": "0",
                      "members_opened_notices": "NULL::int"}

# The only two passes over the attendance rows. The first is the plain GROUP BY of the
# summoned members' attendance per cell and month, with the cell's counted meetings appended
# as rows of their own (a few percent more rows) so that the same grouping also counts
# meetings, documents and minutes; PostgreSQL runs it in parallel. The second reads only
# absences without reason, through a partial index (rollups migration 0002), so it costs
# little. Every condition is a twin from meetings.rules; `{{held_meetings}}` is filled in per
# call (the window, and a refresh's one cell).
_SOURCE_SQL = f"""
SELECT cell_id, period,
       {rules.SUMMONED_COUNT_SQL} AS summoned,
       {rules.PRESENT_COUNT_SQL} AS present,
       {rules.EXCUSED_COUNT_SQL} AS excused,
       {rules.UNEXCUSED_COUNT_SQL} AS unexcused,
       count(*) FILTER (WHERE kind = %(regular)s) AS regular_held,
       count(*) FILTER (WHERE kind = %(regular)s AND {rules.REGULAR_ON_TIME_SQL}) AS regular_on_time,
       count(*) FILTER (WHERE kind = %(regular)s AND {rules.REGULAR_LATE_SQL}) AS regular_late,
       count(*) FILTER (WHERE kind = %(thematic)s) AS thematic_held,
       count(kind) AS meetings_held,
       count(*) FILTER (WHERE documents_due) AS documents_due,
       count(*) FILTER (WHERE documents_on_time) AS documents_on_time,
       count(*) FILTER (WHERE minutes_due) AS minutes_due,
       count(*) FILTER (WHERE minutes_on_time) AS minutes_on_time,
       max(starts_at) AS last_meeting_at,
       max(meeting_id) FILTER (WHERE kind = %(regular)s) AS regular_meeting_id,
       max(scheduled_date) FILTER (WHERE kind = %(regular)s) AS regular_scheduled_date,
       max(held_on) FILTER (WHERE kind = %(regular)s) AS regular_held_on
  FROM (
        SELECT m.cell_id, m.period, a.basis, a.status, NULL::varchar AS kind, NULL::date AS held_on,
               NULL::date AS scheduled_date, NULL::timestamptz AS starts_at, NULL::bigint AS meeting_id,
               NULL::boolean AS documents_due, NULL::boolean AS documents_on_time,
               NULL::boolean AS minutes_due, NULL::boolean AS minutes_on_time
          FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id
         WHERE {{held_meetings}} AND {rules.SUMMONED_SQL} AND {rules.ATTENDANCE_YEARS_SQL}
        UNION ALL
        SELECT m.cell_id, m.period, NULL, NULL, m.kind, (m.starts_at AT TIME ZONE %(tz)s)::date, m.scheduled_date,
               m.starts_at, m.id,
               {rules.DOCUMENTS_REQUIRED_SQL} AND {rules.DOCUMENTS_DUE_SQL},
               {rules.DOCUMENTS_REQUIRED_SQL} AND {rules.DOCUMENTS_ON_TIME_SQL},
               {rules.MINUTES_DUE_SQL},
               {rules.MINUTES_ON_TIME_SQL}
          FROM meetings_meeting m
          LEFT JOIN (SELECT d.meeting_id, min(d.uploaded_at) AS first_at
                       FROM meetings_meetingdocument d {{document_cells}}
                      GROUP BY d.meeting_id) d ON d.meeting_id = m.id
          LEFT JOIN meetings_minutes mi ON mi.meeting_id = m.id
         WHERE {{held_meetings}}
       ) a
 GROUP BY cell_id, period
"""

# Absences without reason per member, cell and month (members at risk count the months).
_ABSENCE_SQL = f"""
SELECT m.cell_id, a.member_id, m.period, count(*) AS times, max(m.starts_at) AS last_at
  FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id
 WHERE {rules.UNEXCUSED_MONTHS_SQL} AND {{held_meetings}} AND {rules.ATTENDANCE_YEARS_SQL}
 GROUP BY m.cell_id, a.member_id, m.period
"""

# Party fees per cell and month: the ledger's amounts, the sheets recorded, the remittances.
_FEES_SQL = """
SELECT cell_id, period, sum(due)::bigint AS fees_due, sum(paid)::bigint AS fees_paid,
       sum(members)::int AS fee_members, sum(members_paid)::int AS fee_members_paid,
       sum(sheets)::int AS fee_sheets, sum(remitted)::bigint AS fees_remitted
  FROM (
        SELECT f.cell_id, f.month AS period, f.amount_due AS due, f.amount_paid AS paid, 1 AS members,
               (f.amount_paid >= f.amount_due)::int AS members_paid, 0 AS sheets, 0 AS remitted
          FROM fees_feemonth f WHERE f.month BETWEEN %(first)s AND %(year_end)s {f_cells}
        UNION ALL
        SELECT s.cell_id, s.month, 0, 0, 0, 0, 1, 0
          FROM fees_feesheet s WHERE s.month BETWEEN %(first)s AND %(year_end)s {s_cells}
        UNION ALL
        SELECT r.cell_id, r.month, 0, 0, 0, 0, 0, r.amount
          FROM fees_remittance r WHERE r.month BETWEEN %(first)s AND %(year_end)s {r_cells}
       ) x
 GROUP BY cell_id, period
"""

# Months with the party fee unpaid per member and cell (fees.rules.UNPAID_MONTH_SQL).
_UNPAID_SQL = f"""
SELECT f.cell_id, f.member_id, f.month AS period
  FROM fees_feemonth f
 WHERE {UNPAID_MONTH_SQL} AND f.month BETWEEN %(first)s AND %(year_end)s {{f_cells}}
"""


def _fees_sql(cell_ids) -> str:
    return _FEES_SQL.format(f_cells=_cell_filter("f", cell_ids), s_cells=_cell_filter("s", cell_ids),
                            r_cells=_cell_filter("r", cell_ids))


def _unpaid_sql(cell_ids) -> str:
    return _UNPAID_SQL.format(f_cells=_cell_filter("f", cell_ids))


# Then one statement: member years, and the cells' months from the two grouped inputs above
# (`rollup_source`, `rollup_absence`).
_CELLS_SQL = """
WITH {inputs} member_reasons AS (
    -- Each reason's months of a year ranked; a threshold is reached in the month of that rank.
    SELECT member_id, cell_id, year, reason, count(*)::int AS months, sum(times)::int AS total,
           min(period) FILTER (WHERE rank = warn) AS at_risk_from,
           min(period) FILTER (WHERE rank = removal) AS removal_from,
           max(last_at AT TIME ZONE %(tz)s)::date AS last_on
      FROM (
            SELECT member_id, cell_id, extract(year FROM period)::int AS year, reason, period, times, last_at,
                   CASE reason WHEN 'fees' THEN %(fee_risk_months)s ELSE %(risk_months)s END AS warn,
                   CASE reason WHEN 'fees' THEN %(fee_removal_months)s ELSE %(removal_months)s END AS removal,
                   row_number() OVER (PARTITION BY member_id, cell_id, reason, extract(year FROM period)
                                      ORDER BY period) AS rank
              FROM (SELECT cell_id, member_id, period, times, last_at, 'absences' AS reason FROM rollup_absence
                    UNION ALL
                    SELECT cell_id, member_id, period, 0, NULL::timestamptz, 'fees' FROM rollup_unpaid) u
           ) ranked
     GROUP BY member_id, cell_id, year, reason
), member_years AS MATERIALIZED (
    -- One row per member at risk, whatever the reasons: the earliest month a threshold was reached.
    SELECT member_id, cell_id, year,
           coalesce(max(months) FILTER (WHERE reason = 'absences'), 0)::int AS unexcused_months,
           coalesce(max(total) FILTER (WHERE reason = 'absences'), 0)::int AS unexcused_total,
           coalesce(max(months) FILTER (WHERE reason = 'fees'), 0)::int AS unpaid_months,
           min(at_risk_from) AS at_risk_from,
           min(removal_from) AS removal_from,
           min(at_risk_from) FILTER (WHERE reason = 'fees') AS fees_at_risk_from,
           max(last_on) FILTER (WHERE reason = 'absences') AS last_unexcused_on
      FROM member_reasons
     GROUP BY member_id, cell_id, year
    HAVING min(at_risk_from) IS NOT NULL  -- only members the committees must see
), member_years_gone AS (
    {member_years_stale}
), member_years_saved AS (
    {member_years_upsert}
), cells AS (
    -- A cell owes a regular meeting every month from its creation or its first meeting.
    -- (or its first month of fees, for a ledger brought in from paper).
    -- A closed cell (merged, split, closed) owes nothing after the month of its last open day
    -- (rules.last_owed_month), and keeps its rows before it.
    SELECT o.id,
           LEAST(date_trunc('month', o.created_at AT TIME ZONE %(tz)s)::date, f.first_month, fm.first_month) AS since,
           LEAST(%(last)s, coalesce({last_owed_month}, %(last)s)) AS until
      FROM cells_organization o
      LEFT JOIN (SELECT m.cell_id, min(m.period) AS first_month FROM meetings_meeting m
                  WHERE {counted} {meeting_cells} GROUP BY m.cell_id) f ON f.cell_id = o.id
      LEFT JOIN (SELECT cell_id, min(period) AS first_month FROM rollup_fees GROUP BY cell_id) fm
             ON fm.cell_id = o.id
     WHERE o.kind IN ({cell_kinds}) AND (o.is_active OR o.closed_on IS NOT NULL) {org_cells}
), grid AS (
    SELECT c.id AS cell_id, g.month::date AS month
      FROM cells c, unnest(%(months)s::date[]) AS g(month)
     WHERE g.month BETWEEN c.since AND c.until
), risk AS (
    -- Members reaching the warning (or removal) threshold in each month; the result keeps
    -- a running total through the year.
    SELECT cell_id, month, sum(warned)::int AS warned, sum(removal)::int AS removal,
           sum(fees)::int AS fees
      FROM (SELECT cell_id, at_risk_from AS month, 1 AS warned, 0 AS removal, 0 AS fees FROM member_years
            UNION ALL
            SELECT cell_id, removal_from, 0, 1, 0 FROM member_years WHERE removal_from IS NOT NULL
            UNION ALL
            SELECT cell_id, fees_at_risk_from, 0, 0, 1 FROM member_years WHERE fees_at_risk_from IS NOT NULL
           ) reached
     GROUP BY cell_id, month
), joined AS (
    SELECT g.cell_id, g.month,
           coalesce(p.regular_held, 0)::int AS regular_held,
           coalesce(p.regular_on_time, 0)::int AS regular_on_time,
           coalesce(p.regular_late, 0)::int AS regular_late,
           coalesce(p.thematic_held, 0)::int AS thematic_held,
           coalesce(p.meetings_held, 0)::int AS meetings_held,
           coalesce(p.documents_due, 0)::int AS documents_due,
           coalesce(p.documents_on_time, 0)::int AS documents_on_time,
           coalesce(p.minutes_due, 0)::int AS minutes_due,
           coalesce(p.minutes_on_time, 0)::int AS minutes_on_time,
           coalesce(p.summoned, 0)::int AS summoned,
           coalesce(p.present, 0)::int AS present,
           coalesce(p.excused, 0)::int AS excused,
           coalesce(p.unexcused, 0)::int AS unexcused,
           coalesce(r.warned, 0) AS warned, coalesce(r.removal, 0) AS removal, coalesce(r.fees, 0) AS warned_fees,
           coalesce(fe.fees_due, 0)::bigint AS fees_due, coalesce(fe.fees_paid, 0)::bigint AS fees_paid,
           coalesce(fe.fee_members, 0)::int AS fee_members, coalesce(fe.fee_members_paid, 0)::int AS fee_members_paid,
           coalesce(fe.fee_sheets, 0)::int AS fee_sheets, coalesce(fe.fees_remitted, 0)::bigint AS fees_remitted,
           p.last_meeting_at, p.regular_meeting_id, p.regular_scheduled_date, p.regular_held_on
      FROM grid g
      LEFT JOIN rollup_source p ON p.cell_id = g.cell_id AND p.period = g.month
      LEFT JOIN rollup_fees fe ON fe.cell_id = g.cell_id AND fe.period = g.month
      LEFT JOIN risk r ON r.cell_id = g.cell_id AND r.month = g.month
), result AS MATERIALIZED (
    SELECT cell_id, month, 1 AS cells_due, regular_held, regular_on_time, regular_late,
           ({regular_missed})::int AS regular_missed,
           thematic_held,
           -- A thematic meeting held this quarter so far (none is held before a cell's first grid month).
           max((thematic_held > 0)::int)
               OVER (PARTITION BY cell_id, date_trunc('quarter', month) ORDER BY month) AS thematic_quarter,
           meetings_held, documents_due, documents_on_time, minutes_due, minutes_on_time,
           summoned, present, excused, unexcused,
           sum(warned) OVER (PARTITION BY cell_id, extract(year FROM month) ORDER BY month)::int AS members_at_risk,
           sum(removal) OVER (PARTITION BY cell_id, extract(year FROM month) ORDER BY month)::int
               AS members_to_remove,
           sum(warned_fees) OVER (PARTITION BY cell_id, extract(year FROM month) ORDER BY month)::int
               AS members_at_risk_fees,
           fee_members, fee_members_paid, fee_sheets, fees_due, fees_paid, fees_remitted,
           last_meeting_at, regular_meeting_id, regular_scheduled_date, regular_held_on
      FROM joined
), cell_months_gone AS (
    {cell_months_stale}
)
{cell_months_upsert}
"""

MEMBER_YEAR_COLUMNS = ["unexcused_months", "unexcused_total", "unpaid_months", "at_risk_from", "removal_from",
                       "last_unexcused_on"]


def _held_meetings(cell_ids) -> str:
    return (f"{rules.COUNTED_MEETING_SQL} AND m.period BETWEEN %(first)s AND %(year_end)s"
            + _cell_filter("m", cell_ids))


def _cells_sql(cell_ids, *, inputs: str = "") -> str:
    """The cells statement; `inputs` defines rollup_source, rollup_absence, rollup_fees and
    rollup_unpaid as CTEs (a refresh) unless they are temporary tables already (the rebuild)."""
    return _CELLS_SQL.format(
        inputs=inputs,
        held_meetings=_held_meetings(cell_ids),
        counted=rules.COUNTED_MEETING_SQL,
        regular_missed=rules.REGULAR_MISSED_SQL,
        last_owed_month=rules.LAST_OWED_MONTH_SQL,
        meeting_cells=_cell_filter("m", cell_ids),
        org_cells="" if cell_ids is None else " AND o.id = ANY(%(cell_ids)s)",
        cell_kinds=CELL_KINDS_SQL,
        member_years_stale=_stale(
            "rollups_memberyear", ["member_id", "cell_id", "year"], "member_years",
            "t.year BETWEEN %(year_first)s AND %(year_last)s" + _cell_filter("t", cell_ids),
        ),
        member_years_upsert=_upsert(
            "rollups_memberyear", ["member_id", "cell_id", "year"], MEMBER_YEAR_COLUMNS, "member_years",
            new_rows_defaults={}, stamped=False,
        ),
        # A row goes when its cell is gone or inactive, or the month is before it owed
        # anything or after it closed.
        cell_months_stale=(
            "DELETE FROM rollups_cellmonth t WHERE t.month BETWEEN %(first)s AND %(year_end)s"
            + _cell_filter("t", cell_ids)
            + " AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.id = t.cell_id AND t.month BETWEEN c.since AND c.until)"
        ),
        cell_months_upsert=_upsert(
            "rollups_cellmonth", ["cell_id", "month"], CELL_COLUMNS, "result", new_rows_defaults=_ADOPTION_DEFAULTS,
        ),
    )


_SUMS_SQL = ", ".join([*(f"sum(c.{col})::int AS {col}" for col in SUMMED),
                       *(f"sum(c.{col})::bigint AS {col}" for col in MONEY)])
_ADOPTION_SUMS_SQL = ", ".join(f"sum(c.{col})::int AS {col}" for col in ADOPTION)

# Organisation rows of the rebuild: each cell row counted once for every ancestor, read off
# the materialized path, and for itself when it is a grassroots cell (its own grassroots
# organisation). A plain cell's figures are its cell rows.
_ORGANIZATIONS_SQL = f"""
WITH ancestors AS (
    SELECT o.id AS cell_id, anc.id::bigint AS organization_id
      FROM cells_organization o, unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')) AS anc(id)
     WHERE o.kind IN ({CELL_KINDS_SQL})
       AND (anc.id::bigint <> o.id OR o.kind = '{Organization.Kind.GRASSROOTS_CELL}')
), result AS MATERIALIZED (
    SELECT a.organization_id, c.month,
           {_SUMS_SQL}, max(c.last_meeting_at) AS last_meeting_at, {_ADOPTION_SUMS_SQL}
      FROM rollups_cellmonth c JOIN ancestors a ON a.cell_id = c.cell_id
     WHERE c.month BETWEEN %(first)s AND %(year_end)s
     GROUP BY a.organization_id, c.month
), gone AS (
    {_stale("rollups_organizationmonth", ["organization_id", "month"], "result",
            "t.month BETWEEN %(first)s AND %(year_end)s")}
)
{_upsert("rollups_organizationmonth", ["organization_id", "month"], ORG_COLUMNS, "result", new_rows_defaults={})}
"""

# One organisation's rows in a refresh: its own cell rows (if it is a grassroots cell), its
# child cells' rows and its other children's organisation rows, which the refresh has just
# brought up to date.
_ALL_COLUMNS = ", ".join(["month", *SUMMED, *MONEY, "last_meeting_at", *ADOPTION])
_ALL_COLUMNS_C = ", ".join(f"c.{col}" for col in ["month", *SUMMED, *MONEY, "last_meeting_at", *ADOPTION])
_ORGANIZATION_FROM_CHILDREN_SQL = f"""
WITH result AS MATERIALIZED (
    SELECT %(org_id)s::bigint AS organization_id, c.month,
           {_SUMS_SQL}, max(c.last_meeting_at) AS last_meeting_at, {_ADOPTION_SUMS_SQL}
      FROM (
            SELECT {_ALL_COLUMNS} FROM rollups_cellmonth
             WHERE cell_id = %(org_id)s AND month BETWEEN %(first)s AND %(year_end)s
            UNION ALL
            SELECT {_ALL_COLUMNS_C} FROM rollups_cellmonth c JOIN cells_organization o ON o.id = c.cell_id
             WHERE o.parent_id = %(org_id)s AND o.kind IN ({CELL_KINDS_SQL})
               AND c.month BETWEEN %(first)s AND %(year_end)s
            UNION ALL
            SELECT {_ALL_COLUMNS_C} FROM rollups_organizationmonth c JOIN cells_organization o ON o.id = c.organization_id
             WHERE o.parent_id = %(org_id)s AND o.kind NOT IN ({CELL_KINDS_SQL})
               AND c.month BETWEEN %(first)s AND %(year_end)s
           ) c
     GROUP BY c.month
), gone AS (
    {_stale("rollups_organizationmonth", ["organization_id", "month"], "result",
            "t.organization_id = %(org_id)s AND t.month BETWEEN %(first)s AND %(year_end)s")}
)
{_upsert("rollups_organizationmonth", ["organization_id", "month"], ORG_COLUMNS, "result", new_rows_defaults={})}
"""


def nightly_years(today: dt.date | None = None) -> list[int]:
    """What the nightly task rebuilds: the current year, and in January the previous one too
    (December's misses become final). Older years only change by hand (`rollups_rebuild`)."""
    today = today or timezone.localdate()
    return [today.year - 1, today.year] if today.month == 1 else [today.year]


def years_with_meetings(today: dt.date | None = None) -> list[int]:
    """Every year from the earliest meeting's (or fee ledger's) month to this year (this year
    alone if none)."""
    this_year = (today or timezone.localdate()).year
    firsts = [Meeting.objects.aggregate(first=Min("period"))["first"],
              FeeMonth.objects.aggregate(first=Min("month"))["first"]]
    first = min((day for day in firsts if day), default=None)
    return list(range(min(first.year, this_year) if first else this_year, this_year + 1))


@transaction.atomic
def rollups_rebuild(*, years: list[int] | None = None) -> None:
    """Recompute every roll-up row of the given calendar years (default: every year with
    meetings, `years_with_meetings()`, and for the registers `years_with_registers()`)."""
    params = {**_params(years or years_with_meetings()), "cell_ids": None}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_LOCK_REBUILD])
        # Enough memory for the grouping to stay in memory at province scale.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        held = _held_meetings(None)
        cursor.execute("CREATE TEMP TABLE rollup_source ON COMMIT DROP AS "
                       + _SOURCE_SQL.format(held_meetings=held, document_cells=""), params)
        cursor.execute("CREATE TEMP TABLE rollup_absence ON COMMIT DROP AS "
                       + _ABSENCE_SQL.format(held_meetings=held), params)
        cursor.execute("CREATE TEMP TABLE rollup_fees ON COMMIT DROP AS " + _fees_sql(None), params)
        cursor.execute("CREATE TEMP TABLE rollup_unpaid ON COMMIT DROP AS " + _unpaid_sql(None), params)
        # Good join plans pay for it.
        cursor.execute("ANALYZE rollup_source, rollup_absence, rollup_fees, rollup_unpaid")
        cursor.execute(_cells_sql(None), params)
        cursor.execute("DROP TABLE rollup_source, rollup_absence, rollup_fees, rollup_unpaid")
        cursor.execute(_ORGANIZATIONS_SQL, params)
    registers_rebuild(years=years or years_with_registers())


@transaction.atomic
def rollups_refresh_cell(*, cell_id: int, year: int) -> bool:
    """Recompute one cell's year, then the rows of its ancestors from the bottom up.

    Returns False (and does nothing) when the cell no longer exists.
    """
    cell = Organization.objects.filter(pk=cell_id).only("path", "kind").first()
    if cell is None:
        return False
    params = {**_params([year]), "cell_ids": [cell.pk]}
    chain = [*reversed(cell.ancestor_ids)]  # parent, ..., root
    if cell.kind == Organization.Kind.GRASSROOTS_CELL:
        chain.insert(0, cell.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [_LOCK_REBUILD])
        # Refreshes under one root read each other's rows: take them one at a time.
        root = cell.ancestor_ids[0] if cell.ancestor_ids else cell.pk
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_REBUILD + 1, root % 2**31])
        held = _held_meetings([cell.pk])
        documents = f"WHERE d.meeting_id IN (SELECT m.id FROM meetings_meeting m WHERE {held})"
        inputs = (f"rollup_source AS ({_SOURCE_SQL.format(held_meetings=held, document_cells=documents)}), "
                  f"rollup_absence AS ({_ABSENCE_SQL.format(held_meetings=held)}), "
                  f"rollup_fees AS ({_fees_sql([cell.pk])}), "
                  f"rollup_unpaid AS ({_unpaid_sql([cell.pk])}),")
        cursor.execute(_cells_sql([cell.pk], inputs=inputs), params)
        for org_id in chain:
            cursor.execute(_ORGANIZATION_FROM_CHILDREN_SQL, {**params, "org_id": org_id})
    return True


@transaction.atomic
def rollups_refresh_adoption() -> None:
    """Snapshot adoption into the current month's rows: accounts, recent sign-ins, notices read."""
    today = timezone.localdate()
    params = {
        "month": current_month(), "today": today,
        "since": timezone.now() - dt.timedelta(days=30),
        "home": CellMembership.Kind.HOME, "gone": list(GONE_STATUSES),
    }
    opened = notices_opened_by_cell(since=params["since"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_LOCK_REBUILD])
        cursor.execute(
            f"""
            WITH adopt AS (
                SELECT cm.cell_id, count(*) AS members, count(u.id) AS with_account,
                       count(u.id) FILTER (WHERE u.last_login >= %(since)s) AS signed_in
                  FROM members_cellmembership cm
                  JOIN members_member mb ON mb.id = cm.member_id
                  LEFT JOIN members_user u ON u.id = mb.user_id AND u.is_active
                 WHERE cm.kind = %(home)s AND {current_sql("cm", "%(today)s")}
                   AND NOT (mb.status = ANY(%(gone)s))
                 GROUP BY cm.cell_id
            )
            UPDATE rollups_cellmonth t
               SET members = coalesce(a.members, 0), members_with_account = coalesce(a.with_account, 0),
                   members_signed_in = coalesce(a.signed_in, 0), computed_at = now()
              FROM rollups_cellmonth c LEFT JOIN adopt a ON a.cell_id = c.cell_id
             WHERE t.id = c.id AND t.month = %(month)s
            """,
            params,
        )
        cursor.execute(
            "UPDATE rollups_cellmonth SET members_opened_notices = (%(opened)s::jsonb ->> cell_id::text)::int "
            "WHERE month = %(month)s",
            {**params, "opened": json.dumps({str(cell_id): count for cell_id, count in opened.items()})},
        )
        cursor.execute(
            f"""
            WITH sums AS (
                SELECT anc.id::bigint AS organization_id, {_ADOPTION_SUMS_SQL}
                  FROM rollups_cellmonth c
                  JOIN cells_organization o ON o.id = c.cell_id,
                       unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')) AS anc(id)
                 WHERE c.month = %(month)s
                 GROUP BY anc.id
            )
            UPDATE rollups_organizationmonth t
               SET {", ".join(f"{col} = s.{col}" for col in ADOPTION)}, computed_at = now()
              FROM sums s
             WHERE t.organization_id = s.organization_id AND t.month = %(month)s
            """,
            params,
        )



# --- The registers of the year (RegisterYear) ---------------------------------------------------
#
# Every figure is first counted for the organisation a source row hangs on (its "node": the
# member's first home cell for an admission, the grassroots organisation for a plan, the
# cell a decision was recorded in, the member's home cell now for a badge), then added up
# the tree: a rebuild adds each node's counts to every id of its path; a refresh recomputes
# one chain from its nodes' own counts and the stored rows of the children beside it. The
# admission categories are a Python rule (members.rules.admission_categories), so the
# sources are read with a few grouped queries and summed here rather than in SQL.

_REGISTER_COUNTS = ["admitted", *(f"admitted_{key}" for key in AdmissionCategory.ALL), "badges_presented",
                    "badges_due"]
_REGISTER_TARGETS = ["target", *(f"target_{key}" for key in AdmissionCategory.ALL)]
_REGISTER_COLUMNS = [*_REGISTER_COUNTS, *_REGISTER_TARGETS, "commendations", "disciplines", "badges_due_on"]
_REGISTER_TYPES = {**dict.fromkeys(_REGISTER_COUNTS, "int"), **dict.fromkeys(_REGISTER_TARGETS, "int"),
                   "commendations": "jsonb", "disciplines": "jsonb", "badges_due_on": "date"}


class _Figures:
    """One organisation's (or node's) registers of one year, as they are added up."""

    __slots__ = ("counts", "targets", "commendations", "disciplines")

    def __init__(self):
        self.counts = dict.fromkeys(_REGISTER_COUNTS, 0)
        self.targets = dict.fromkeys(_REGISTER_TARGETS)
        self.commendations, self.disciplines = {}, {}

    def add(self, other: "_Figures") -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, value in other.targets.items():
            if value is not None:
                self.targets[key] = (self.targets[key] or 0) + value
        for mine, theirs in ((self.commendations, other.commendations), (self.disciplines, other.disciplines)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value

    @classmethod
    def from_row(cls, row: RegisterYear) -> "_Figures":
        figures = cls()
        figures.counts = {key: getattr(row, key) for key in _REGISTER_COUNTS}
        figures.targets = {key: getattr(row, key) for key in _REGISTER_TARGETS}
        figures.commendations, figures.disciplines = dict(row.commendations), dict(row.disciplines)
        return figures

    def is_empty(self) -> bool:
        return (not any(self.counts.values()) and all(value is None for value in self.targets.values())
                and not self.commendations and not self.disciplines)


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/")]


def _register_nodes(years: list[int], node_ids: list[int] | None, today: dt.date
                    ) -> tuple[dict[tuple[int, int], _Figures], dict[int, str]]:
    """Each node's own figures {(node id, year): figures} and the nodes' paths, from the
    sources (`node_ids`: only rows hanging on those organisations)."""
    nodes: dict[tuple[int, int], _Figures] = defaultdict(_Figures)
    paths: dict[int, str] = {}
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    wanted = set(years)

    def at(node_id: int, path: str, year: int) -> _Figures:
        paths[node_id] = path
        return nodes[node_id, year]

    # Admissions: admissions.selectors.admission_figures' rule, the member's first home cell.
    first_cell = (CellMembership.objects.filter(member=OuterRef("pk"), kind=CellMembership.Kind.HOME)
                  .order_by("start_date", "id"))
    admitted = (Member.objects.filter(admission_date__gte=first, admission_date__lte=last)
                .annotate(cell_id=Subquery(first_cell.values("cell_id")[:1]),
                          cell_path=Subquery(first_cell.values("cell__path")[:1]))
                .filter(cell_id__isnull=False))
    if node_ids is not None:
        admitted = admitted.filter(cell_id__in=node_ids)
    for cell_id, path, born, gender, ethnicity, religion, workplace_kind, admitted_on in admitted.values_list(
            "cell_id", "cell_path", "date_of_birth", "gender", "ethnicity", "religion", "workplace_kind",
            "admission_date"):
        if admitted_on.year not in wanted:
            continue
        figures = at(cell_id, path, admitted_on.year)
        figures.counts["admitted"] += 1
        for key in admission_categories(date_of_birth=born, gender=gender, ethnicity=ethnicity, religion=religion,
                                        workplace_kind=workplace_kind, admitted_on=admitted_on):
            figures.counts[f"admitted_{key}"] += 1
    # Plans: only a grassroots organisation's counts (admission_figures reads no other).
    plans = AdmissionPlan.objects.filter(year__in=years, organization__kind__in=Organization.GRASSROOTS_KINDS)
    if node_ids is not None:
        plans = plans.filter(organization_id__in=node_ids)
    for plan in plans.values("organization_id", "organization__path", "year", *_REGISTER_TARGETS):
        figures = at(plan["organization_id"], plan["organization__path"], plan["year"])
        figures.add(_targets_only({key: plan[key] for key in _REGISTER_TARGETS}))
    # Commendations and discipline: conduct.selectors.yearly_counts' rule, the decision's cell.
    for model, key, target in ((Commendation, "kind", "commendations"), (Discipline, "level", "disciplines")):
        decided = model.objects.filter(decision_date__gte=first, decision_date__lte=last)
        if node_ids is not None:
            decided = decided.filter(cell_id__in=node_ids)
        for row in (decided.values("cell_id", "cell__path", key, year=ExtractYear("decision_date"))
                    .annotate(n=Count("pk")).order_by()):
            if row["year"] in wanted:
                counts = getattr(at(row["cell_id"], row["cell__path"], row["year"]), target)
                counts[row[key]] = counts.get(row[key], 0) + row["n"]
    # Badges: conduct.selectors.badge_list's rule, the member's home cell today.
    homes = CellMembership.objects.current(today).filter(kind=CellMembership.Kind.HOME)
    if node_ids is not None:
        homes = homes.filter(cell_id__in=node_ids)
    home = homes.filter(member_id=OuterRef("member_id"))
    presented = (BadgePresentation.objects.filter(presented_on__gte=first, presented_on__lte=last)
                 .annotate(cell_id=Subquery(home.values("cell_id")[:1]),
                           cell_path=Subquery(home.values("cell__path")[:1]))
                 .filter(cell_id__isnull=False)
                 .values("cell_id", "cell_path", year=ExtractYear("presented_on")).annotate(n=Count("pk")).order_by())
    for row in presented:
        if row["year"] in wanted:
            at(row["cell_id"], row["cell_path"], row["year"]).counts["badges_presented"] += row["n"]
    if today.year in wanted:
        occasion = badge_occasion(today)
        due = {item.member_id for item in badges_due(occasion, Member.objects.filter(
            pk__in=homes.values("member_id")))}
        for cell_id, path in homes.filter(member_id__in=due).values_list("cell_id", "cell__path"):
            at(cell_id, path, today.year).counts["badges_due"] += 1
    return nodes, paths


def _targets_only(targets: dict) -> _Figures:
    figures = _Figures()
    figures.targets = targets
    return figures


def _write_registers(rows: dict[tuple[int, int], _Figures], *, years: list[int], due_on: dt.date,
                     organization_ids: list[int] | None) -> None:
    """Overwrite the rows of `years` (of `organization_ids` only, when given) with `rows`;
    an organisation left with nothing loses its row. One statement."""
    records = []
    for (org_id, year), figures in rows.items():
        if figures.is_empty():
            continue
        records.append({"organization_id": org_id, "year": year, **figures.counts, **figures.targets,
                        "commendations": figures.commendations, "disciplines": figures.disciplines,
                        "badges_due_on": due_on.isoformat() if year == due_on.year else None})
    columns = ", ".join(f"{name} {kind}" for name, kind in
                        [("organization_id", "bigint"), ("year", "int"), *_REGISTER_TYPES.items()])
    where = "t.year = ANY(%(years)s)" + ("" if organization_ids is None else " AND t.organization_id = ANY(%(orgs)s)")
    key = ["organization_id", "year"]
    sql = (f"WITH result AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb) AS r({columns})), "
           f"gone AS ({_stale('rollups_registeryear', key, 'result', where)}) "
           + _upsert("rollups_registeryear", key, _REGISTER_COLUMNS, "result", new_rows_defaults={}))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"rows": json.dumps(records), "years": years, "orgs": organization_ids})


def years_with_registers(today: dt.date | None = None) -> list[int]:
    """The years the registers rebuild by default: those of the month roll-ups, stretched back to
    the first plan or conduct decision (not to every admission date: those go back decades)."""
    years = years_with_meetings(today)
    firsts = [AdmissionPlan.objects.aggregate(first=Min("year"))["first"],
              *(model.objects.aggregate(first=Min("decision_date__year"))["first"] for model in (Commendation, Discipline))]
    first = min((year for year in firsts if year), default=years[0])
    return list(range(min(first, years[0]), years[-1] + 1))


def registers_rebuild(*, years: list[int]) -> None:
    """Recompute every RegisterYear row of `years` from the registers."""
    today = timezone.localdate()
    nodes, paths = _register_nodes(years, None, today)
    rows: dict[tuple[int, int], _Figures] = defaultdict(_Figures)
    for (node_id, year), figures in nodes.items():
        for org_id in _path_ids(paths[node_id]):
            rows[org_id, year].add(figures)
    _write_registers(rows, years=years, due_on=badge_occasion(today).date, organization_ids=None)


@transaction.atomic
def registers_refresh(*, organization_id: int, years: list[int]) -> bool:
    """Recompute the registers of `years` (and this year's badges due) for the organisation a
    write hangs on and its ancestors: each from its own counts and its other children's rows.

    Returns False (and does nothing) when the organisation no longer exists.
    """
    org = Organization.objects.filter(pk=organization_id).only("path").first()
    if org is None:
        return False
    today = timezone.localdate()
    years = sorted({*years, today.year})
    chain = _path_ids(org.path)  # root, ..., the organisation
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [_LOCK_REBUILD])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_REBUILD + 1, chain[0] % 2**31])
    nodes, _paths = _register_nodes(years, chain, today)
    beside = (RegisterYear.objects.filter(organization__parent_id__in=chain, year__in=years)
              .exclude(organization_id__in=chain).annotate(parent_id=F("organization__parent_id")))
    rows: dict[tuple[int, int], _Figures] = defaultdict(_Figures)
    for row in beside:
        rows[row.parent_id, row.year].add(_Figures.from_row(row))
    for depth in range(len(chain) - 1, -1, -1):  # the organisation first, the root last
        for year in years:
            figures = rows[chain[depth], year]
            figures.add(nodes.get((chain[depth], year), _Figures()))
            if depth:
                rows[chain[depth - 1], year].add(figures)
    _write_registers({key: value for key, value in rows.items() if key[0] in chain}, years=years,
                     due_on=badge_occasion(today).date, organization_ids=chain)
    return True
