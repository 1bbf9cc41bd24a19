"""Benchmark: service time of the member pages, the calendar feed and the dashboards, one user, warm,
production settings (DEBUG off, manifest static files, secure cookies), in-process.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench \
        .venv/bin/python bench/service_time.py --scale commune

Loads `seed_demo --scale <scale>` unless the database holds that scale, collects the static files,
then asks each page `--repeat` times through Django's test client (no network, no gunicorn: what a
worker spends on one request) and prints the median, the 95th percentile, the median CPU time of this
process (Python's share, the figure that holds still on a machine loaded by other work: it leaves out
the time spent waiting for PostgreSQL or for a core) and the SQL per request. `--only` picks requests
by label. Not a test: the targets are the issue's and the README keeps the figures.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("HANDBOOK_DEMO", "0")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("HANDBOOK_REQUIRE_OFFICER_MFA", "0")  # force_login has no second factor

from _province import ROOT

sys.path.insert(0, str(ROOT))
os.environ.setdefault("HANDBOOK_VAR_DIR", str(ROOT / "var" / "bench"))

ORGANISATIONS = {"commune": (10, 100), "district": (100, 1000), "province": (5000, 10**9)}


def setup(scale: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handbook.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cells.models import Organization

    call_command("migrate", verbosity=0)
    low, high = ORGANISATIONS[scale]
    if not low <= Organization.objects.count() < high:
        print(f"Loading seed_demo --scale {scale}...", flush=True)
        call_command("seed_demo", scale=scale, reset=True, verbosity=0)
        call_command("rollups_rebuild", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0)


def targets() -> list[tuple[str, str | None, str, dict, str]]:
    """(label, username or None, path, headers, target) for each request measured."""
    from django.urls import reverse

    from cells.models import Organization
    from meetings.models import Meeting
    from meetings.services.calendar import calendar_feed_get_or_create
    from members.models import User

    member = User.objects.get(username="demo.member").member
    secretary = User.objects.get(username="demo.secretary").member
    cell = secretary.memberships.filter(end_date__isnull=True).first().cell
    commune = Organization.objects.get(pk=cell.parent_id)
    meeting = Meeting.objects.filter(cell=cell).order_by("-starts_at").first()
    feed = reverse("calendar_feed", args=[calendar_feed_get_or_create(member=member).token])
    return [
        ("member home", "demo.member", reverse("home"), {}, "10 ms"),
        ("member's meeting list", "demo.member", reverse("cell_meetings", kwargs={"cell_id": cell.public_id}), {},
         "10 ms"),
        ("meeting detail", "demo.member", reverse("meeting_detail", kwargs={"meeting_id": meeting.public_id}), {},
         "10 ms"),
        ("calendar feed (200)", None, feed, {}, "10 ms"),
        ("calendar feed (304)", None, feed, {"etag": True}, "3 ms"),
        ("cell home", "demo.secretary", reverse("cell_home", kwargs={"cell_id": cell.public_id}), {}, "10 ms"),
        ("commune dashboard", "demo.committee", reverse("org_dashboard", kwargs={"org_id": commune.public_id}), {},
         "25 ms"),
    ]


def measure(username: str | None, path: str, options: dict, repeat: int) -> tuple[float, float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if username:
        client.force_login(User.objects.get(username=username))
    first = client.get(path, secure=True)
    assert first.status_code == 200, (path, first.status_code)
    headers = {"HTTP_IF_NONE_MATCH": first["ETag"]} if options.get("etag") else {}
    expected = 304 if headers else 200
    for _ in range(5):
        client.get(path, secure=True, **headers)
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, secure=True, **headers)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == expected, (path, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(path, secure=True, **headers)
    times.sort()
    return (statistics.median(times), times[int(len(times) * 0.95) - 1], statistics.median(cpu),
            len(captured.captured_queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(ORGANISATIONS), default="commune")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--only", action="append", default=[], metavar="LABEL",
                        help="measure only the requests whose label starts with this (repeatable)")
    args = parser.parse_args()
    setup(args.scale)
    from _province import database_label

    print(f"\nService time, one user, warm, production settings, {args.scale} data, {database_label()}")
    print(f"{'request':<24} {'median':>9} {'p95':>9} {'CPU':>9} {'SQL':>4}  target (median)")
    for label, username, path, options, target in targets():
        if args.only and not label.startswith(tuple(args.only)):
            continue
        median, p95, cpu, queries = measure(username, path, options, args.repeat)
        print(f"{label:<24} {median:7.1f} ms {p95:6.1f} ms {cpu:6.1f} ms {queries:>4}  {target}", flush=True)


if __name__ == "__main__":
    main()
