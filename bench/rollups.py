"""Benchmark: the roll-up rebuild at province scale against a plain GROUP BY, and one refresh.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench .venv/bin/python bench/rollups.py

Loads `seed_demo --scale province` first if the database does not hold it (without
DATABASE_URL an embedded PostgreSQL in var/bench). Prints a table; not a test.
"""

import argparse
import random
import statistics
import time

from _province import database_label, ensure_province, setup_django

PLAIN_SQL = """
SELECT m.cell_id, m.period, count(*),
       count(*) FILTER (WHERE a.status = 'present'), count(*) FILTER (WHERE a.status = 'excused'),
       count(*) FILTER (WHERE a.status = 'unexcused')
  FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id
 WHERE m.status = 'held' AND m.period BETWEEN %s AND %s
 GROUP BY m.cell_id, m.period
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--refreshes", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    ensure_province()

    import datetime as dt

    from django.db import connection, transaction

    from meetings.models import Attendance, Meeting
    from rollups import services
    from rollups.models import CellMonth, MemberYear, OrganizationMonth

    periods = Meeting.objects.filter(status="held").order_by("period").values_list("period", flat=True)
    first, last = periods.first(), periods.last()
    years = list(range(first.year, last.year + 1))
    window = (dt.date(years[0], 1, 1), dt.date(years[-1], 12, 1))
    rows = Attendance.objects.filter(meeting__status="held", meeting__period__range=window).count()

    def plain() -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")  # as the rebuild has
            started = time.perf_counter()
            cursor.execute(PLAIN_SQL, window)
            cursor.fetchall()
            return time.perf_counter() - started

    def rebuild() -> float:
        started = time.perf_counter()
        services.rollups_rebuild(years=years)
        return time.perf_counter() - started

    CellMonth.objects.all().delete()
    OrganizationMonth.objects.all().delete()
    MemberYear.objects.all().delete()
    plain()  # warm the cache as the rebuild will find it
    cold = rebuild()
    rebuilds, plains = [], []
    for _ in range(args.runs):  # alternate, so a busy moment hurts both alike
        plains.append(plain())
        rebuilds.append(rebuild())
    started = time.perf_counter()
    services.rollups_refresh_adoption()
    adoption = time.perf_counter() - started

    rng = random.Random(1)
    held = list(Meeting.objects.filter(status="held", period__year=years[-1]).values_list("cell_id", flat=True))
    refreshes = []
    for cell_id in rng.sample(held, min(args.refreshes, len(held))):
        started = time.perf_counter()
        services.rollups_refresh_cell(cell_id=cell_id, year=years[-1])
        refreshes.append((time.perf_counter() - started) * 1000)
    refreshes.sort()

    plain_median, rebuild_median = statistics.median(plains), statistics.median(rebuilds)
    print(f"\nRoll-ups at province scale — {database_label()}")
    print(f"{CellMonth.objects.count():,} cell months, {OrganizationMonth.objects.count():,} organisation months, "
          f"{MemberYear.objects.count():,} members at risk; {rows:,} attendance rows of {first:%m/%Y}–{last:%m/%Y}\n")
    print("| measure | result | target |")
    print("|---|---|---|")
    print(f"| plain GROUP BY over the attendance rows (median of {args.runs}) | {plain_median:.2f} s | |")
    print(f"| full rebuild, tables already filled (median of {args.runs}) | {rebuild_median:.2f} s | |")
    print(f"| ratio rebuild / plain GROUP BY | {rebuild_median / plain_median:.2f}× | ≤ 1.5× |")
    print(f"| full rebuild into empty tables | {cold:.2f} s ({cold / plain_median:.2f}×) | |")
    print(f"| adoption snapshot (nightly, members and accounts) | {adoption:.2f} s | |")
    print(f"| one incremental refresh, median of {len(refreshes)} cells | {statistics.median(refreshes):.1f} ms | ≤ 20 ms |")
    print(f"| one incremental refresh, p95 | {refreshes[int(len(refreshes) * 0.95) - 1]:.1f} ms | |")


if __name__ == "__main__":
    main()
