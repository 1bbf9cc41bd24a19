"""Benchmark (not a test): fan-out of ~100,000 meeting reminders at province scale.

Loads `seed_demo --scale province` into the database named by BENCH_DATABASE_URL (which it
empties: use a database of its own), gives every member an email address, starts N real
Celery workers on REDIS_URL and a local SMTP server (aiosmtpd, in its own process), then
runs the reminder scan at the moment the 3-day reminders of next month's regular meetings
fall due. It measures the enqueue rate (ledger rows created and enqueued per second) and
the time until every reminder is delivered (inbox and SMTP), checks that the SMTP server
and the ledger agree (every second copy named by the ledger as uncertain), and prints a table.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python -m bench.reminders [--workers 2]
"""

import argparse
import json
import multiprocessing
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as `-m bench.reminders` too
from _common import database_create, notifications_prepare, reminder_moment

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_ENQUEUE_RATE = 1_000  # reminders per second
TARGET_DELIVERED, TARGET_SECONDS = 100_000, 300


# --- A local SMTP server in its own process ---------------------------------------------------------

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def _smtp_server(port: int, received, duplicates, stop, summary_path: str) -> None:
    """Accept everything; count messages and repeated Message-IDs (a second copy)."""
    from aiosmtpd.controller import Controller

    seen: set[bytes] = set()

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            found = _MESSAGE_ID.search(envelope.content[:4096])
            key = found.group(1) if found else b""
            with received.get_lock():
                received.value += 1
            if key in seen:
                with duplicates.get_lock():
                    duplicates.value += 1
            seen.add(key)
            return "250 2.0.0 Accepted"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()
    Path(summary_path).write_text(json.dumps({"distinct_message_ids": len(seen)}))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Setup -------------------------------------------------------------------------------------------

def _django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _prepare(log) -> None:
    from django.core.management import call_command

    from members.models import Member

    call_command("migrate", "--noinput", verbosity=0)
    if Member.objects.count() < 90_000:
        log("loading seed_demo --scale province (about half a minute)...")
        call_command("seed_demo", "--scale", "province", "--reset", verbosity=0)
    notifications_prepare()  # addresses for all, and earlier runs forgotten


def _start_workers(count: int, concurrency: int, env: dict, logs: Path) -> list[subprocess.Popen]:
    celery = Path(sys.executable).parent / "celery"
    procs = []
    for n in range(count):
        log = open(logs / f"worker-{n + 1}.log", "wb")
        procs.append(subprocess.Popen(
            [str(celery), "-A", "handbook", "worker", "--loglevel", "WARNING", "--concurrency", str(concurrency),
             "--hostname", f"bench-{n + 1}-{uuid.uuid4().hex[:4]}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))
    return procs


def _counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FILTER (WHERE d.fanned_out_at IS NULL),
                   (SELECT count(*) FROM notifications_delivery),
                   (SELECT count(*) FROM notifications_delivery WHERE status IN ('sent', 'permanent_failure', 'skipped')),
                   (SELECT count(*) FROM notifications_delivery WHERE status = 'sent' AND channel = 'email')
              FROM notifications_dispatch d
        """)
        waiting, rows, closed, emails = cursor.fetchone()
    return {"dispatches_waiting": waiting, "rows": rows, "closed": closed, "emails_sent": emails}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes per worker")
    parser.add_argument("--timeout", type=int, default=900, help="give up after this many seconds")
    args = parser.parse_args(argv)
    database_url, redis_url = os.environ.get("BENCH_DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        print("Set BENCH_DATABASE_URL (a PostgreSQL database the benchmark may empty) and REDIS_URL.", file=sys.stderr)
        return 2

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    database_create(database_url)
    port = _free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "handbook.settings", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        # Production settings (no demo, no test shortcuts), mail to the local server.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40), "HANDBOOK_DEMO": "0", "DJANGO_DEBUG": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "HANDBOOK_SITE_URL": "https://handbook.example.vn",
    }
    _django(env)
    from django.conf import settings
    from django.utils import timezone

    from handbook.celery import app as celery_app
    from meetings import reminders
    from notifications.services.dispatch import dispatches_create

    _prepare(log)
    with celery_app.connection_for_write() as conn:  # forget tasks of an interrupted earlier run
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)
    moment = reminder_moment()

    ctx = multiprocessing.get_context("spawn")
    received, duplicates, stop = ctx.Value("q", 0), ctx.Value("q", 0), ctx.Event()
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary_path = RESULTS / "smtp-summary.json"
    smtp = ctx.Process(target=_smtp_server, args=(port, received, duplicates, stop, str(summary_path)), daemon=True)
    smtp.start()
    worker_env = {**os.environ, **env}
    workers = _start_workers(args.workers, args.concurrency, worker_env, RESULTS)
    time.sleep(6)  # workers boot (Django, connections)
    try:
        log(f"scan at {timezone.localtime(moment):%Y-%m-%d %H:%M} with {args.workers} workers × "
            f"{args.concurrency}, chunks of {settings.NOTIFICATIONS_CHUNK_SIZE}; load average {os.getloadavg()[0]:.1f}")
        load_before = round(os.getloadavg()[0], 1)
        started = time.monotonic()
        requests = reminders.reminders_due(moment)
        dispatches_create(requests=requests, now=timezone.now())
        scanned = time.monotonic() - started
        log(f"{len(requests):,} meetings due, dispatches recorded in {scanned:.1f} s")
        enqueued_at = hundred_k_at = None
        deadline, last_log = started + args.timeout, started
        while True:
            time.sleep(0.5)
            now = time.monotonic()
            counts = _counts()
            if enqueued_at is None and counts["dispatches_waiting"] == 0 and counts["rows"]:
                enqueued_at = now
                log(f"{counts['rows']:,} reminders created and enqueued in {enqueued_at - started:.1f} s")
            if hundred_k_at is None and counts["closed"] >= TARGET_DELIVERED:
                hundred_k_at = now
            if enqueued_at is not None and counts["closed"] == counts["rows"] and received.value >= counts["emails_sent"]:
                done_at = now
                break
            if now > deadline:
                log(f"timed out: {counts}")
                return 1
            if now - last_log >= 15:
                last_log = now
                log(f"{counts['closed']:,} / {counts['rows']:,} delivered, {received.value:,} emails received")
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        stop.set()
        smtp.join(timeout=20)

    from django.db.models import Count

    from notifications.models import Delivery, Notification

    rows = counts["rows"]
    emails = Delivery.objects.filter(channel="email").count()
    statuses = dict(Delivery.objects.order_by().values_list("status").annotate(n=Count("id")))
    inbox = Notification.objects.count()
    # Members the ledger names as possibly having two copies (a hand-over whose outcome is unknown).
    uncertain = Delivery.objects.filter(uncertain__gt=0).count()
    distinct = json.loads(summary_path.read_text())["distinct_message_ids"]
    enqueue_seconds = enqueued_at - started
    total = done_at - started
    rate = rows / enqueue_seconds
    figures = {
        "date": time.strftime("%Y-%m-%d"), "workers": args.workers, "concurrency": args.concurrency,
        "load_average_before": load_before, "load_average_after": round(os.getloadavg()[0], 1),
        "meetings": len(requests),
        "reminders": rows, "emails": emails, "inbox": inbox, "statuses": statuses,
        "scan_seconds": round(scanned, 2), "enqueue_seconds": round(enqueue_seconds, 1),
        "enqueue_rate": round(rate), "first_100k_seconds": round(hundred_k_at - started, 1) if hundred_k_at else None,
        "all_delivered_seconds": round(total, 1), "delivery_rate": round(rows / total),
        "smtp_received": received.value, "smtp_distinct": distinct, "smtp_duplicates": duplicates.value,
        "ledger_uncertain": uncertain,
    }
    (RESULTS / "reminders.json").write_text(json.dumps(figures, indent=2))
    ok_rate = rate >= TARGET_ENQUEUE_RATE
    ok_time = hundred_k_at is not None and hundred_k_at - started <= TARGET_SECONDS
    table = [
        ("Meetings whose 3-day reminder is due", f"{len(requests):,}", ""),
        ("Reminders (member × channel ledger rows)", f"{rows:,}", ""),
        ("  of which email / inbox", f"{emails:,} / {inbox:,}", ""),
        ("Scan and dispatch rows", f"{scanned:.1f} s", ""),
        ("Enqueue rate (rows created and enqueued)", f"{rate:,.0f} /s", f"≥ {TARGET_ENQUEUE_RATE:,} /s "
         + ("ok" if ok_rate else "MISSED")),
        ("First 100,000 delivered", f"{hundred_k_at - started:.0f} s" if hundred_k_at else "—",
         f"≤ {TARGET_SECONDS} s " + ("ok" if ok_time else "MISSED")),
        ("All delivered (inbox and SMTP)", f"{total:.0f} s", ""),
        ("Delivery rate", f"{rows / total:,.0f} /s", ""),
        ("SMTP messages / distinct Message-IDs / ledger", f"{received.value:,} / {distinct:,} / {emails:,}",
         "equal " + ("ok" if received.value == distinct == statuses.get("sent", 0) - inbox else "CHECK")),
        ("Second copies received / named by the ledger", f"{duplicates.value:,} / {uncertain:,}",
         "received ≤ named " + ("ok" if duplicates.value <= uncertain else "CHECK")),
    ]
    width = max(len(r[0]) for r in table)
    print(f"\nReminder fan-out, province scale, {args.workers} workers × {args.concurrency} "
          f"({figures['date']}, load average {load_before} before, {figures['load_average_after']} after)")
    print(f"| {'measure'.ljust(width)} | value | target |")
    print(f"|{'-' * (width + 2)}|---|---|")
    for name, value, target in table:
        print(f"| {name.ljust(width)} | {value} | {target} |")
    return 0 if ok_rate and ok_time else 1


if __name__ == "__main__":
    sys.exit(main())
