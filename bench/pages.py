"""Benchmark: page latency at province scale with 1 and 20 signed-in users, SQL per page, and the
rate of calendar-feed requests answered `304 Not Modified`.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench .venv/bin/python bench/pages.py

Loads `seed_demo --scale province` (or `--scale commune`) if needed and rebuilds the roll-ups,
starts gunicorn (3 workers) on 127.0.0.1 with production settings (no DEBUG, no demo mode; only the
HTTPS redirect and secure cookies off on plain http://127.0.0.1), drives each page with locust in a
separate process (headless, --duration seconds per run, 0.5–1.5 s between a user's pages, users
arriving over about two seconds and counted once all are there), then
the demo member's calendar feed with phones that hold it (`If-None-Match`, no pause between
requests: the most the server answers), stops gunicorn and prints a table. Not a test.
"""

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _province import ROOT, database_label, ensure_province, setup_django

PASSWORD = "SoTay-2026"
BIN = Path(sys.executable).parent
# Production settings, as in bench/transfer.py; officers sign in with a password only (no second factor).
PRODUCTION = {"HANDBOOK_DEMO": "0", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
              "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "0",
              "DJANGO_SECURE_COOKIES": "0", "DJANGO_HSTS_SECONDS": "0", "HANDBOOK_REQUIRE_OFFICER_MFA": "0",
              "DJANGO_LOG_LEVEL": "WARNING"}


def ensure_commune() -> None:
    """Migrate and load `seed_demo --scale commune` unless the database holds that scale."""
    from django.core.management import call_command
    from django.db import connection

    from cells.models import Organization

    call_command("migrate", verbosity=0)
    if not 10 <= Organization.objects.count() < 100:
        print("Loading seed_demo --scale commune...", flush=True)
        call_command("seed_demo", scale="commune", reset=True, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pages() -> list[tuple[str, str, str | None, str]]:
    """(label, username, path or None if the page is not built yet, target) for each page."""
    from django.urls import NoReverseMatch, reverse

    from cells.models import Organization
    from meetings.models import Meeting
    from members.models import User

    secretary = User.objects.get(username="demo.secretary").member
    cell = secretary.memberships.filter(end_date__isnull=True).first().cell
    commune = Organization.objects.get(pk=cell.parent_id)
    province = Organization.objects.get(parent__isnull=True)
    meeting = Meeting.objects.filter(cell=cell).order_by("-starts_at").first()
    try:
        cell_home = reverse("cell_home", kwargs={"cell_id": cell.public_id})
    except NoReverseMatch:
        cell_home = None
    return [
        ("member home (`home`)", "demo.member", reverse("home"), "100 ms"),
        ("member's meeting list", "demo.member", reverse("cell_meetings", kwargs={"cell_id": cell.public_id}),
         "100 ms"),
        ("meeting detail", "demo.member", reverse("meeting_detail", kwargs={"meeting_id": meeting.public_id}),
         "100 ms"),
        ("cell home (`cell_home`)", "demo.secretary", cell_home, "100 ms"),
        ("commune dashboard", "demo.committee", reverse("org_dashboard", kwargs={"org_id": commune.public_id}), "100 ms"),
        ("province dashboard", "demo.province", reverse("org_dashboard", kwargs={"org_id": province.public_id}), "300 ms"),
    ]


def queries_per_page(username: str, path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def feed_path() -> str:
    from django.urls import reverse

    from meetings.services.calendar import calendar_feed_get_or_create
    from members.models import User

    member = User.objects.get(username="demo.member").member
    return reverse("calendar_feed", args=[calendar_feed_get_or_create(member=member).token])


def run_locust(host: str, username: str, path: str, users: int, duration: int, user_class: str = "PageUser") -> dict:
    with tempfile.TemporaryDirectory() as folder:
        prefix = os.path.join(folder, "run")
        env = {**os.environ, "BENCH_USERNAME": username, "BENCH_PASSWORD": PASSWORD, "BENCH_PATH": path}
        subprocess.run(
            # Users arrive over about two seconds and the figures start once all are there
            # (--reset-stats): twenty users started in the same instant all asked at once, and that
            # one burst (the sign-in among it) made the 95th percentile of a 20 s run.
            [str(BIN / "locust"), "-f", str(Path(__file__).with_name("locust_pages.py")), user_class, "--headless",
             "--users", str(users), "--spawn-rate", str(max(1, users // 2)), "--reset-stats",
             "--run-time", f"{duration}s", "--host", host,
             "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
            env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        )
        with open(f"{prefix}_stats.csv", newline="") as handle:
            row = next(r for r in csv.DictReader(handle) if r["Name"] == "page")
        with open(f"{prefix}_failures.csv", newline="") as handle:  # why requests failed, with counts
            errors = {f"{r['Name']}: {r['Error']}": int(r["Occurrences"]) for r in csv.DictReader(handle)}
    return {"p50": float(row["50%"]), "p95": float(row["95%"]), "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]), "rps": float(row["Requests/s"]), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--users", default="1,20")
    parser.add_argument("--scale", choices=["commune", "province"], default="province")
    parser.add_argument("--feed-users", type=int, default=20, help="phones polling the feed (0: skip)")
    args = parser.parse_args()
    os.environ.update(PRODUCTION)
    setup_django()
    if args.scale == "province":
        ensure_province()
    else:
        ensure_commune()

    from django.core.management import call_command

    from rollups import services

    services.rollups_rebuild()
    services.rollups_refresh_adoption()
    call_command("collectstatic", interactive=False, verbosity=0)
    plan = pages()
    counts = {label: queries_per_page(user, path) for label, user, path, _ in plan if path}
    feed = feed_path()

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "handbook.settings"}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "handbook.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--config", "handbook/gunicorn_conf.py", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    host = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for label, user, path, _target in plan:
            for users in (int(u) for u in args.users.split(",")):
                if path:
                    print(f"  {label}, {users} user(s), {args.duration} s...", flush=True)
                    results[label, users] = run_locust(host, user, path, users, args.duration)
        if args.feed_users:
            print(f"  calendar feed answered 304, {args.feed_users} phones, {args.duration} s...", flush=True)
            feed_result = run_locust(host, "", feed, args.feed_users, args.duration, "FeedPollUser")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"\nPages at {args.scale} scale — {database_label()}, gunicorn {args.workers} workers, production "
          f"settings, locust in a separate process, {args.duration} s per run, 0.5–1.5 s between pages\n")
    print("| page | users | p50 | p95 | requests | failures | SQL queries | target |")
    print("|---|---|---|---|---|---|---|---|")
    for label, _user, path, target in plan:
        if not path:
            print(f"| {label} | — | — | — | — | — | — | not merged yet: not measured |")
            continue
        for users in (int(u) for u in args.users.split(",")):
            r = results[label, users]
            print(f"| {label} | {users} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['requests']} | {r['failures']} "
                  f"| {counts[label]} | p95 ≤ {target}, ≤ 10 queries |")
    for (label, users), r in results.items():
        for error, occurrences in r["errors"].items():
            print(f"  failures of {label} at {users} user(s): {occurrences} × {error}")
    if args.feed_users:
        r = feed_result
        print(f"\n| request | phones | req/s | p50 | p95 | requests | failures | target |\n|---|---|---|---|---|---|---|---|\n"
              f"| calendar feed, 304 (no pause) | {args.feed_users} | **{r['rps']:.0f}** | {r['p50']:.0f} ms "
              f"| {r['p95']:.0f} ms | {r['requests']} | {r['failures']} | ≥ 300 req/s |")


if __name__ == "__main__":
    main()
