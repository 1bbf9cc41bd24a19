"""Benchmark: the member home over a slow phone network, production configuration.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench .venv/bin/python bench/transfer.py

Loads `seed_demo --scale commune` unless the database holds the demo already (the province of
the other benchmarks will do), collects the static files as production does (hashed,
compressed by WhiteNoise), starts gunicorn with production settings (no DEBUG, no demo mode;
only HTTPS redirects and secure cookies are off, as the server listens on plain
http://127.0.0.1), signs demo.member in with Chromium at 360 × 740 and opens the home page
cold (empty browser cache) then warm (the next visit), under Chromium's network emulation:
400 kbit/s each way, 400 ms round trip. Prints bytes transferred (headers included, as
Chromium counts them) and the first contentful paint, medians of --runs. Not a test.

The page's own network is measured with the service worker blocked: Chromium's emulation
throttles the page, not a worker's fetches, so with the worker the figures would flatter.
The worker changes little here: it too fetches the page from the network first, and the static
files come from a cache in both cases.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _province import ROOT, database_label, setup_django

PASSWORD = "SoTay-2026"
BIN = Path(sys.executable).parent
KBIT = 400
RTT_MS = 400


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_demo() -> None:
    from django.core.management import call_command

    from members.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="demo.member").exists():
        print("Loading seed_demo --scale commune...", flush=True)
        call_command("seed_demo", scale="commune", verbosity=0)


def production_env(static_root: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("HANDBOOK_DEMO", "DJANGO_DEBUG")}
    return {**env, "DJANGO_SETTINGS_MODULE": "handbook.settings", "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_STATIC_ROOT": static_root,
            "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0", "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_LOG_LEVEL": "WARNING"}


def measure(host: str, runs: int) -> dict[str, list]:
    from playwright.sync_api import sync_playwright

    results = {"cold": [], "warm": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-quic"])
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN",
                                          service_workers="block")
            page = context.new_page()
            page.goto(f"{host}/accounts/login/")
            page.locator("input[name=login]").fill("demo.member")
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("form:has(input[name=login]) button[type=submit]").click()
            page.wait_for_url(f"{host}/")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": RTT_MS,
                "downloadThroughput": KBIT * 1000 / 8, "uploadThroughput": KBIT * 1000 / 8,
            })
            for kind in ("cold", "warm"):
                received: dict[str, int] = {}

                def finished(event, received=received):
                    received[event["requestId"]] = event["encodedDataLength"]

                cdp.on("Network.loadingFinished", finished)
                page.goto(f"{host}/", wait_until="load")
                page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
                page.wait_for_load_state("networkidle")
                paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
                cdp.remove_listener("Network.loadingFinished", finished)
                results[kind].append((sum(received.values()), paint, len(received)))
            context.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    ensure_demo()

    with tempfile.TemporaryDirectory() as static_root:
        env = production_env(static_root)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "handbook.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--config", "handbook/gunicorn_conf.py", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        host = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{host}/healthz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            results = measure(host, args.runs)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    print(f"\nMember home (demo.member) at 360 × 740 — {database_label()}, gunicorn 2 workers, production "
          f"settings; Chromium network emulation {KBIT} kbit/s, {RTT_MS} ms RTT; medians of {args.runs}\n")
    print("| visit | requests | transferred | first contentful paint | target |")
    print("|---|---|---|---|---|")
    targets = {"cold": ("30 KB", "1.5 s"), "warm": ("8 KB", "0.5 s")}
    for kind, rows in results.items():
        size = statistics.median(r[0] for r in rows)
        paint = statistics.median(r[1] for r in rows)
        count = statistics.median(r[2] for r in rows)
        print(f"| {kind} | {count:.0f} | {size / 1024:.1f} KB | {paint / 1000:.2f} s "
              f"| ≤ {targets[kind][0]}, FCP ≤ {targets[kind][1]} |")


if __name__ == "__main__":
    main()
