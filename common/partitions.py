"""Tables partitioned by year: in-place conversion (for migrations) and upkeep.

PostgreSQL's declarative partitioning, one partition a year (`<table>_y<year>`) and a
DEFAULT one (`<table>_default`) so that no insert ever fails; the key is a `year` column.
`partitions_ensure` (a management command and a daily beat task) creates the current and
next years ahead; `partition_detach --year` takes an old year out of every table (its rows
stay in a plain table of that name, to archive with pg_dump and drop).

A partitioned table has no key on `id` alone: its primary key and unique constraints carry
the year, and a foreign key pointing at it names (id, year). Ids still come from one sequence
per table, so `id` stays unique and the models keep it as their primary key.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

# In the order partitions are created: a table pointed at by foreign keys (the ledger) comes
# before the tables pointing at it (its attempts); a year is detached in the reverse order.
TABLES = ("meetings_attendance", "notifications_delivery", "notifications_deliveryattempt")


def partition_name(table: str, year: int) -> str:
    return f"{table}_y{year}"


def default_name(table: str) -> str:
    return f"{table}_default"


def _years_ahead(today: dt.date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return [year, year + 1]


def partitions_of(table: str, cursor=None) -> list[str]:
    """The partitions attached to `table`, by name."""
    sql = ("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
           "WHERE i.inhparent = %s::regclass ORDER BY c.relname")
    if cursor is not None:
        cursor.execute(sql, [table])
        return [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        return partitions_of(table, cursor)


def _create_year(cursor, table: str, year: int) -> bool:
    """Create `table`'s partition of `year` unless it exists; rows of that year already in the
    DEFAULT partition move into it (with triggers off: nothing about them changes)."""
    name = partition_name(table, year)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    bounds = f"FOR VALUES FROM ({int(year)}) TO ({int(year) + 1})"
    default = default_name(table)
    cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{default}" WHERE year = %s)', [year])
    if not cursor.fetchone()[0]:
        cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{table}" {bounds}')
        return True
    # Moving rows out of the DEFAULT partition fires no audit or foreign-key trigger: this
    # needs a superuser (or, from PostgreSQL 15, GRANT SET ON PARAMETER session_replication_role).
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    cursor.execute(f'INSERT INTO "{name}" SELECT * FROM "{default}" WHERE year = %s', [year])
    cursor.execute(f'DELETE FROM "{default}" WHERE year = %s', [year])
    cursor.execute(f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" {bounds}')
    cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    return True


def partitions_ensure(*, years=None, cursor=None) -> list[str]:
    """Create the partitions of `years` (default: this year and the next) in every
    partitioned table; idempotent. Returns the partitions created."""
    years = sorted(set(years or _years_ahead()))
    if cursor is None:
        with transaction.atomic(), connection.cursor() as own:
            return partitions_ensure(years=years, cursor=own)
    created = []
    for table in TABLES:
        for year in years:
            if _create_year(cursor, table, year):
                created.append(partition_name(table, year))
    return created


class NotAttached(Exception):
    pass


def partition_detach(*, year: int) -> list[str]:
    """Detach the partitions of `year` from every partitioned table. The rows stay, in plain
    tables named `<table>_y<year>` without foreign keys (an archive holds nothing live back):
    archive them (pg_dump -t) and DROP them. Rows of that year written later land in the
    DEFAULT partition. Returns the partitions detached."""
    detached = []
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign-key checks still deferred in an enclosing transaction would stop the DETACH.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in reversed(TABLES):
            name = partition_name(table, year)
            if name not in partitions_of(table, cursor):
                continue
            cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"')
            # The attempts' key on the ledger stays on the detached table: dropped, or the
            # ledger's partition of that year could not be detached after it.
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' "
                           "AND conparentid = 0",
                           [name])
            for (constraint,) in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{name}" DROP CONSTRAINT "{constraint}"')
            detached.append(name)
    if not detached:
        raise NotAttached(year)
    return detached


# ---------------------------------------------------------------------------------------
# In-place conversion, for migrations (RunPython with the migration's schema editor).

def convert_to_partitioned(schema_editor, *, table: str, year_sql: str, source: str = "",
                           finish: list[str], today: dt.date | None = None) -> None:
    """Turn the plain `table` into one partitioned by a new `year` column, keeping its rows,
    ids and id sequence. `year_sql` computes the year over the old rows `t` (joined by
    `source`, e.g. "JOIN meetings_meeting m ON m.id = t.meeting_id"); `finish` recreates the
    keys, indexes, foreign keys and triggers on the new table (the old ones go with it)."""
    def run(sql):
        schema_editor.execute(sql, params=None)  # no placeholders: a PL/pgSQL body may hold a %

    new = f"{table}__partitioned"
    seq = f"{table}_id_seq"
    run(f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS, year smallint NOT NULL) '
        "PARTITION BY RANGE (year)")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT {year_sql} FROM "{table}" t {source}')
        years = {row[0] for row in cursor.fetchall()} | set(_years_ahead(today))
    for year in sorted(years):
        run(f'CREATE TABLE "{partition_name(table, year)}" PARTITION OF "{new}" '
            f"FOR VALUES FROM ({int(year)}) TO ({int(year) + 1})")
    run(f'CREATE TABLE "{default_name(table)}" PARTITION OF "{new}" DEFAULT')
    run(f'INSERT INTO "{new}" SELECT t.*, {year_sql} FROM "{table}" t {source}')
    # The identity sequence goes with the old table: a plain sequence carries on from it
    # (PostgreSQL before 17 has no identity column on a partitioned table).
    run(f'CREATE SEQUENCE "{seq}__new" AS bigint OWNED BY "{new}".id')
    run(f"SELECT setval('\"{seq}__new\"', greatest((SELECT last_value FROM \"{seq}\"), "
        f'(SELECT coalesce(max(id), 0) FROM "{table}"), 1))')
    run(f'DROP TABLE "{table}"')
    run(f'ALTER TABLE "{new}" RENAME TO "{table}"')
    run(f'ALTER SEQUENCE "{seq}__new" RENAME TO "{seq}"')
    run(f"ALTER TABLE \"{table}\" ALTER COLUMN id SET DEFAULT nextval('\"{seq}\"')")
    for sql in finish:
        run(sql)


def convert_to_plain(schema_editor, *, table: str, finish: list[str]) -> None:
    """The reverse of `convert_to_partitioned`: one plain table again, without `year`, with an
    identity id carrying on from the sequence; `finish` recreates keys, indexes and triggers."""
    def run(sql):
        schema_editor.execute(sql, params=None)

    new = f"{table}__plain"
    seq = f"{table}_id_seq"
    run(f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    run(f'ALTER TABLE "{new}" ALTER COLUMN id DROP DEFAULT, DROP COLUMN year')
    run(f'INSERT INTO "{new}" SELECT {_columns_except(schema_editor, table, "year")} FROM "{table}"')
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'SELECT greatest((SELECT last_value FROM "{seq}"), '
                       f'(SELECT coalesce(max(id), 0) FROM "{table}"))')
        last = cursor.fetchone()[0]
    run(f'DROP TABLE "{table}" CASCADE')
    run(f'ALTER TABLE "{new}" RENAME TO "{table}"')
    run(f'ALTER TABLE "{table}" ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (RESTART {int(last) + 1})')
    for sql in finish:
        run(sql)


def _columns_except(schema_editor, table: str, column: str) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                       "AND NOT attisdropped AND attname <> %s ORDER BY attnum", [table, column])
        return ", ".join(f'"{row[0]}"' for row in cursor.fetchall())
