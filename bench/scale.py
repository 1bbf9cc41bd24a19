"""Benchmark: how page time, the roll-up rebuild and the reminder fan-out grow from a commune to a province.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench .venv/bin/python bench/scale.py [--reuse]

Each scale (`seed_demo --scale commune|district|province`) lives in a database of its own, named
after DATABASE_URL's with the scale appended (handbook_bench_commune, ...), created if missing and
loaded afresh, unless --reuse finds that scale there already. Each scale is measured in a process
of its own with production settings, as bench/service_time.py sets them:

- pages: the median service time of the requests bench/service_time.py measures (member home,
  meeting detail, cell home, calendar feed, commune dashboard...), a few warm requests each, and
  the median CPU time of this process (Python's share; the verdict is on the service time, which
  includes PostgreSQL's);
- the nightly roll-up rebuild (the task beat runs, `rollups.rebuild`), median of --runs;
- the reminder fan-out of one day of regular meetings, at the moment their 3-day reminders fall
  due: the scan, the dispatches and the ledger rows (what the `fan_out` task does, here
  in-process), then the delivery of the first --deliver (2,000) rows, in the chunks the fan-out
  enqueues, to the inbox and by email (locmem backend), from which the whole day's delivery is
  extrapolated (a row should cost the same to deliver whatever the scale: the sample shows it).

Prints the data of each scale, then each measure with its growth against the first scale next to
the data's growth, and a verdict: a page is flat if its time grows less than 1.5×, the rebuild and
the fan-out are linear if their cost per row (per 1,000 members reminded) stays within 1.5×. Each
scale's figures are kept in bench/results/scale-<scale>.json: --report-only prints the tables from
them (a province measured later, next to the others). Not a test: the README keeps the figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import service_time
import time_machine
from _common import database_create, notifications_prepare, reminder_moment
from _province import database_label

RESULTS = service_time.ROOT / "bench" / "results"
SCALES = ["commune", "district", "province"]
FLAT, LINEAR = 1.5, 1.5


# --- One scale, in its own process -------------------------------------------------------------------

def load(scale: str, *, reuse: bool) -> None:
    """The scale's demo data, loaded afresh unless reused, roll-ups built, static files collected."""
    if not reuse:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handbook.settings")
        django.setup()
        from django.core.management import call_command

        from demo.seeding import reset_all

        call_command("migrate", verbosity=0)
        reset_all()  # empty: service_time.setup loads the scale
    service_time.setup(scale)


def data() -> dict:
    from cells.models import Organization
    from meetings.models import Attendance, Meeting
    from members.models import Member
    from rollups.services import nightly_years

    return {
        "organisations": Organization.objects.count(),
        "members": Member.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendance": Attendance.objects.count(),
        "attendance_rebuilt": Attendance.objects.filter(meeting__period__year__in=nightly_years()).count(),
    }


def pages(repeat: int) -> dict[str, tuple[float, float]]:
    """(median, median CPU time of this process) of each request, in ms."""
    figures = {}
    for label, username, path, options, _target in service_time.targets():
        median, _p95, cpu, _queries = service_time.measure(username, path, options, repeat)
        figures[label] = (median, cpu)
    return figures


def rebuild(runs: int) -> float:
    from rollups.tasks import rollups_rebuild_nightly

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rollups_rebuild_nightly()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fan_out(deliver: int) -> dict:
    """One day's reminders: ledger rows from the scan, then `deliver` of them (0: all) delivered."""
    from django.conf import settings
    from django.core import mail
    from django.db.models import Count
    from django.utils import timezone

    from handbook.celery import app
    from meetings import reminders
    from notifications.models import Delivery
    from notifications.services.delivery import deliveries_send
    from notifications.services.dispatch import FAN_OUT_BATCH, dispatches_create, dispatches_fan_out

    def purge() -> None:  # the broker's copies of the tasks run here in-process
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(app.conf.task_default_queue)

    notifications_prepare()
    purge()
    # The clock at the moment the reminders fall due: who a reminder reaches is decided when
    # it fans out, by the clock (perf_counter is not moved).
    with time_machine.travel(reminder_moment(), tick=True):
        now = timezone.now()
        started = time.perf_counter()
        dispatch_ids = dispatches_create(requests=reminders.reminders_due(now), now=now)
        rows = []
        for start in range(0, len(dispatch_ids), FAN_OUT_BATCH):
            rows += dispatches_fan_out(dispatch_ids=dispatch_ids[start:start + FAN_OUT_BATCH], now=now)
        ledger = time.perf_counter() - started
        # The first rows in id order: chunks of neighbours, as the fan-out enqueues them (a chunk's
        # rows share a few meetings, whose contents the delivery builds once).
        sample = sorted(rows)[:deliver] if deliver else rows
        emails, started = 0, time.perf_counter()
        for start in range(0, len(sample), settings.NOTIFICATIONS_CHUNK_SIZE):
            deliveries_send(delivery_ids=sample[start:start + settings.NOTIFICATIONS_CHUNK_SIZE])
            emails += len(getattr(mail, "outbox", []))
            mail.outbox = []  # a province's day of emails would fill the memory
        delivery = time.perf_counter() - started
    purge()
    statuses = dict(Delivery.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "meetings": len(dispatch_ids), "rows": len(rows), "delivered": len(sample), "emails": emails,
        "statuses": statuses,
        "members": Delivery.objects.values("member_id").distinct().count(),
        "ledger_s": ledger, "delivery_s": delivery,
    }


def log(scale: str, message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {scale}: {message}...", file=sys.stderr, flush=True)


def measure_scale(scale: str, *, reuse: bool, repeat: int, runs: int, deliver: int) -> None:
    os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    log(scale, "loading" if not reuse else "migrating, reusing the data if it is that scale")
    load(scale, reuse=reuse)
    load_before = os.getloadavg()[0]
    figures = {"scale": scale, "database": database_label(), **data()}
    log(scale, "pages")
    figures["pages_ms"] = pages(repeat)
    log(scale, "nightly rebuild")
    figures["rebuild_s"] = rebuild(runs)
    log(scale, "reminder fan-out")
    figures["fan_out"] = fan_out(deliver)
    figures["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"scale-{scale}.json").write_text(json.dumps(figures, indent=2))


# --- The projection ----------------------------------------------------------------------------------

def scale_url(url: str, scale: str) -> str:
    base, _, query = url.partition("?")
    return f"{base}_{scale}" + (f"?{query}" if query else "")


def _growth(value: float, base: float) -> float:
    return value / base if base else float("inf")


def report(results: list[dict]) -> None:
    base = results[0]
    later = results[1:]
    print(f"\nScale projection, production settings, in-process — {base['database'].rsplit('/', 1)[0]}/…\n")
    print("| scale | organisations | members | meetings | attendance rows | of the rebuilt year "
          "| meetings / members reminded on one day | ledger rows (delivered) | load average before, after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        f = r["fan_out"]
        print(f"| {r['scale']} | {r['organisations']:,} | {r['members']:,} | {r['meetings']:,} | {r['attendance']:,} "
              f"| {r['attendance_rebuilt']:,} | {f['meetings']:,} / {f['members']:,} "
              f"| {f['rows']:,} ({f['delivered']:,}) "
              f"| {r['load_average'][0]}, {r['load_average'][1]} |")

    header = " | ".join(r["scale"] for r in results)
    growth_header = " | ".join(f"growth at {r['scale']} (data)" for r in later)
    print(f"\n| measure | {header} | {growth_header} | verdict |")
    print("|---|" + "---|" * (len(results) + len(later)) + "---|")

    def row(label: str, values: list[float], cells: list[str], data: list[float], *, per_row: bool) -> None:
        growths = [(_growth(v, values[0]), _growth(d, data[0])) for v, d in zip(values[1:], data[1:], strict=True)]
        if per_row:  # cost per row against the first scale's
            worst = max(g / d for g, d in growths) if growths else 1.0
            best = min(g / d for g, d in growths) if growths else 1.0
            verdict = ("linear" if worst <= LINEAR and best >= 1 / LINEAR
                       else f"worse than linear ({worst:.1f}× per row)" if worst > LINEAR
                       else f"better than linear ({best:.2f}× per row)")
        else:
            worst = max((g for g, _ in growths), default=1.0)
            verdict = "flat" if worst < FLAT else f"grows ({worst:.1f}×)"
        grown = " | ".join(f"{g:.2f}× ({d:.0f}×)" for g, d in growths)
        print(f"| {label} | {' | '.join(cells)} | {grown} | {verdict} |")

    members = [r["members"] for r in results]
    for label in base["pages_ms"]:
        values = [r["pages_ms"][label][0] for r in results]
        cells = [f"{median:.1f} ms ({cpu:.1f})" for median, cpu in (r["pages_ms"][label] for r in results)]
        row(f"{label}, median (CPU)", values, cells, members, per_row=False)
    values = [r["rebuild_s"] for r in results]
    row("nightly roll-up rebuild", values, [f"{v:.2f} s" for v in values],
        [r["attendance_rebuilt"] for r in results], per_row=True)
    reminded = [r["fan_out"]["members"] for r in results]
    ledger = [r["fan_out"]["ledger_s"] for r in results]
    row("reminders: scan, dispatch, ledger rows", ledger,
        [f"{v:.2f} s ({v / n * 1000:.2f} s / 1,000 members)" for v, n in zip(ledger, reminded, strict=True)],
        reminded, per_row=True)
    # Delivered: a sample at each scale, so the whole day's delivery is extrapolated from it.
    delivery = [r["fan_out"]["delivery_s"] * r["fan_out"]["rows"] / r["fan_out"]["delivered"] for r in results]
    row("reminders: delivered (inbox and email), whole day from the sample", delivery,
        [f"{v:.1f} s ({v / n * 1000:.2f} s / 1,000 members)" for v, n in zip(delivery, reminded, strict=True)],
        reminded, per_row=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=",".join(SCALES), help="comma-separated, the first is the reference")
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds its scale already")
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per page")
    parser.add_argument("--runs", type=int, default=3, help="nightly rebuilds per scale")
    parser.add_argument("--deliver", type=int, default=2000,
                        help="ledger rows delivered at each scale, the first in id order (0: all)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: print the tables from the figures kept in bench/results/")
    parser.add_argument("--one", choices=SCALES, help=argparse.SUPPRESS)  # a child process: one scale
    args = parser.parse_args()
    if args.one:
        measure_scale(args.one, reuse=args.reuse, repeat=args.repeat, runs=args.runs, deliver=args.deliver)
        return
    scales = args.scales.split(",")
    if unknown := set(scales) - set(SCALES):
        sys.exit(f"Unknown scales: {', '.join(sorted(unknown))}")
    url = os.environ.get("DATABASE_URL")
    if not (url or args.report_only):
        sys.exit("Set DATABASE_URL: each scale gets a database named after it with _<scale> appended.")
    for scale in [] if args.report_only else scales:
        scale_db = scale_url(url, scale)
        database_create(scale_db)
        subprocess.run(
            [sys.executable, __file__, "--one", scale, "--repeat", str(args.repeat), "--runs", str(args.runs),
             "--deliver", str(args.deliver), *(["--reuse"] if args.reuse else [])],
            env={**os.environ, "DATABASE_URL": scale_db}, check=True, stdout=subprocess.DEVNULL,
        )
    report([json.loads((RESULTS / f"scale-{scale}.json").read_text()) for scale in scales])


if __name__ == "__main__":
    main()
