"""Benchmark: page latency at province scale with 1 and 20 signed-in users, and SQL per page.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench .venv/bin/python bench/pages.py

Loads `seed_demo --scale province` if needed and rebuilds the roll-ups, starts gunicorn
(3 workers) on 127.0.0.1, drives each page with locust in a separate process (headless,
--duration seconds per run), stops gunicorn and prints a table. Not a test.
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pages() -> list[tuple[str, str, str | None, str]]:
    """(label, username, path or None if the page is not built yet, target) for each page."""
    from django.urls import NoReverseMatch, reverse

    from cells.models import Organization
    from members.models import User

    secretary = User.objects.get(username="demo.secretary").member
    cell = secretary.memberships.filter(end_date__isnull=True).first().cell
    commune = Organization.objects.get(pk=cell.parent_id)
    province = Organization.objects.get(parent__isnull=True)
    try:
        cell_home = reverse("cell_home", kwargs={"cell_id": cell.public_id})
    except NoReverseMatch:
        cell_home = None
    return [
        ("member home (`home`)", "demo.member", reverse("home"), "100 ms"),
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


def run_locust(host: str, username: str, path: str, users: int, duration: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        prefix = os.path.join(folder, "run")
        env = {**os.environ, "BENCH_USERNAME": username, "BENCH_PASSWORD": PASSWORD, "BENCH_PATH": path}
        subprocess.run(
            [str(BIN / "locust"), "-f", str(Path(__file__).with_name("locust_pages.py")), "--headless",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{duration}s", "--host", host,
             "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
            env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        )
        with open(f"{prefix}_stats.csv", newline="") as handle:
            row = next(r for r in csv.DictReader(handle) if r["Name"] == "page")
    return {"p50": float(row["50%"]), "p95": float(row["95%"]), "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]), "rps": float(row["Requests/s"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--users", default="1,20")
    args = parser.parse_args()
    setup_django()
    ensure_province()

    from django.core.management import call_command

    from rollups import services

    services.rollups_rebuild()
    services.rollups_refresh_adoption()
    call_command("collectstatic", interactive=False, verbosity=0)
    plan = pages()
    counts = {label: queries_per_page(user, path) for label, user, path, _ in plan if path}

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "handbook.settings", "HANDBOOK_DEMO": "1",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "handbook.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--log-level", "warning"],
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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"\nPages at province scale — {database_label()}, gunicorn {args.workers} workers, "
          f"locust in a separate process, {args.duration} s per run, 0.5–1.5 s between pages\n")
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


if __name__ == "__main__":
    main()
