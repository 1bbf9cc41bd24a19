"""Benchmark: the document library's search at commune, district or province scale, warm, in-process.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/handbook_bench \
        .venv/bin/python bench/library.py --scale province [--repeat 100]

Loads `seed_demo --scale <scale>` unless the database holds that scale (the seed puts every
meeting document and adopted resolution in the library, as `manage.py library_reindex` does),
times one more `library_reindex` (nothing changes: the idempotent case), then asks the library
page and the API `--repeat` times each through Django's test client (no network, no gunicorn:
what a worker spends on one request, production settings) for a member, a commune committee
and the province committee, with words from titles and words found only inside the PDFs.
Prints the median, the 95th percentile and the SQL per request. Not a test.
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
TARGET_MS = 200


def setup(scale: str) -> float | None:
    """Seed if needed; returns the seconds of an idempotent `library_reindex`."""
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
        started = time.perf_counter()
        call_command("seed_demo", scale=scale, reset=True, verbosity=0)
        print(f"  seed_demo: {time.perf_counter() - started:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    started = time.perf_counter()
    call_command("library_reindex", stdout=open(os.devnull, "w"))
    elapsed = time.perf_counter() - started
    call_command("collectstatic", interactive=False, verbosity=0)
    return elapsed


def cases() -> list[tuple[str, str, str, dict]]:
    """(label, username, path, query) for each request measured."""
    from django.urls import reverse

    from members.access import scope_for
    from members.models import User

    page, api = reverse("library"), reverse("api_library")
    committee = User.objects.get(username="demo.committee")
    commune_id = scope_for(committee).oversight[0][0]
    from cells.models import Organization

    commune = Organization.objects.get(pk=commune_id)
    return [
        ("member, latest documents", "demo.member", page, {}),
        ("member, “nghi quyet” (titles)", "demo.member", page, {"q": "nghi quyet"}),
        ("member, “thien tai” (inside the PDFs)", "demo.member", page, {"q": "thien tai"}),
        ("member, API, “quan chung uu tu”", "demo.member", api, {"q": "quan chung uu tu"}),
        ("commune committee, “thien tai”", "demo.committee", page, {"q": "thien tai"}),
        ("commune committee, its library, resolutions of a year", "demo.committee", page,
         {"org": str(commune.public_id), "kind": "resolution", "year": "2026"}),
        ("province committee, latest documents", "demo.province", page, {}),
        ("province committee, “thien tai” (every meeting's PDF)", "demo.province", page, {"q": "thien tai"}),
        ("province committee, “phat trien dang vien” (a directive)", "demo.province", page,
         {"q": "phat trien dang vien"}),
        ("province committee, issued by “thon dong”", "demo.province", page, {"issued_by": "thon dong"}),
        ("province committee, API, “nghi quyet”", "demo.province", api, {"q": "nghi quyet"}),
    ]


def measure(username: str, path: str, query: dict, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    from members.models import User

    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="vi")
    if path.startswith("/api/"):
        from api.services import token_issue

        _token, raw = token_issue(user=user, name="Benchmark")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    else:
        client.force_login(user)
    response = client.get(path, query, secure=True)
    assert response.status_code == 200, (path, response.status_code)
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)):
        client.get(path, query, secure=True)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path, query, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    # The page's results: one kind label each (no template context outside the test runner).
    results = (response.json()["count"] if path.startswith("/api/")
               else response.content.count(b'<span class="pill pill-info">'))
    return {"p50": statistics.median(timings), "p95": timings[int(len(timings) * 0.95) - 1],
            "queries": len(statements), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=ORGANISATIONS, default="province")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    reindex = setup(args.scale)
    from django.db import connection

    from library.models import LibraryEntry

    entries = LibraryEntry.objects.count()
    with_text = LibraryEntry.objects.exclude(text="").count()
    load = os.getloadavg()[0]
    print(f"\n{args.scale}: {entries:,} library documents ({with_text:,} with text); "
          f"idempotent library_reindex {reindex:.1f} s; PostgreSQL {connection.pg_version // 10000}; "
          f"load average {load:.1f} before\n")
    print("| request | p50 | p95 | SQL queries | results (first page / API count) | target |")
    print("|---|---|---|---|---|---|")
    for label, username, path, query in cases():
        row = measure(username, path, query, args.repeat)
        met = "" if row["p95"] <= TARGET_MS else " — **not met**"
        print(f"| {label} | {row['p50']:.0f} ms | {row['p95']:.0f} ms | {row['queries']} | {row['results']} "
              f"| p95 ≤ {TARGET_MS} ms{met} |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
