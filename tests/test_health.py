"""/healthz: alive when the database answers, whatever the broker does; within 2 s with a
frozen Redis; the scan's heartbeat; the ledger's figures for staff or the metrics token."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.services.dispatch import heartbeat
from tests import factories as f
from tests.jobs.conftest import RedisServer, free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def broker_at():
    """Point this process's Celery app at another broker for one test."""
    from handbook.celery import app

    original = app.conf.broker_url, app.conf.broker_transport

    def point(url: str) -> None:
        # A Redis broker (so not the folder transport of a machine without one).
        app.conf.broker_url, app.conf.broker_transport = url, None

    yield point
    app.conf.broker_url, app.conf.broker_transport = original


def test_healthz_says_ok_when_database_and_broker_answer_and_the_scan_ran(db, client):
    heartbeat("scan")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["scan_late"]) == ("ok", True, True, False)
    assert body.get("cache", True) is True
    assert "ledger" not in body  # figures only for staff or the metrics token


def test_healthz_stays_200_and_says_degraded_when_the_broker_is_unreachable(db, client, broker_at):
    heartbeat("scan")
    broker_at("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["database"], response.json()["broker"]) == (
        "degraded", True, False)


def test_healthz_says_when_the_scan_has_not_run_for_three_periods(db, client):
    heartbeat("scan", now=timezone.now() - timezone.timedelta(hours=1))
    body = client.get(reverse("healthz")).json()
    assert (body["scan_late"], body["status"]) == (True, "degraded")


def test_healthz_answers_within_2_seconds_with_a_frozen_redis(db, client, broker_at, settings, tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    (tmp_path / "redis").mkdir()
    server = RedisServer(binary, free_port(), tmp_path / "redis")
    server.start()
    try:
        broker_at(f"redis://127.0.0.1:{server.port}/0")
        settings.REDIS_CACHE_URL = f"redis://127.0.0.1:{server.port}/1"
        server.freeze()  # the kernel still accepts connections; nothing answers
        began = time.monotonic()
        response = client.get(reverse("healthz"))
        took = time.monotonic() - began
    finally:
        server.stop()
    assert took < 2.0, f"/healthz took {took:.1f} s"
    assert response.status_code == 200
    assert (response.json()["broker"], response.json()["cache"]) == (False, False)


def test_healthz_answers_503_when_the_database_is_unreachable():
    # A separate process with a database URL nobody answers: the real failure, not a mock.
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    env = {**os.environ, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none",
           "DJANGO_SETTINGS_MODULE": "handbook.settings_test"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    status, body = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body["database"] is False


def test_the_ledger_figures_are_shown_to_staff_and_to_the_metrics_token_only(db, client, settings, tree):
    settings.HANDBOOK_METRICS_TOKEN = "s3cret-token-for-monitoring"
    member = f.member(tree.a1, name="Lê Thị Hoa", username="hoa")
    client.force_login(member.user)
    assert "ledger" not in client.get(reverse("healthz") + "?verbose").json()
    client.logout()
    assert "ledger" not in client.get(reverse("healthz") + "?verbose",
                                      headers={"Authorization": "Bearer wrong"}).json()
    figures = client.get(reverse("healthz") + "?verbose",
                         headers={"Authorization": "Bearer s3cret-token-for-monitoring"}).json()["ledger"]
    assert figures == {"pending": 0, "retrying": 0, "gave_up": 0, "permanent": 0, "sending": 0,
                       "leases_past_due": 0, "suspected_duplicates": 0, "oldest_pending_seconds": 0}
    staff = f.user("operator", is_staff=True)
    client.force_login(staff)
    assert "ledger" in client.get(reverse("healthz") + "?verbose").json()


def test_beats_health_check_fails_until_the_scan_has_run(db):
    from handbook.health import main

    assert main(["health", "scan"]) == 1
    heartbeat("scan")
    assert main(["health", "scan"]) == 0


def test_the_compose_file_keeps_queued_tasks_and_lets_chunks_finish(settings):
    import re

    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    broker = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in broker and "--maxmemory-policy noeviction" in broker
    assert "allkeys-lru" in " ".join(services["redis-cache"]["command"])
    env = services["web"]["environment"]
    assert env["REDIS_URL"] != env["REDIS_CACHE_URL"]
    grace = int(re.fullmatch(r"(\d+)s", services["worker"]["stop_grace_period"]).group(1))
    assert grace > settings.NOTIFICATIONS_TASK_TIME_LIMIT
    assert "scans" in services["worker-scans"]["command"] and env["HANDBOOK_SCAN_QUEUE"] == "scans"
    assert "handbook.health scan" in " ".join(services["beat"]["healthcheck"]["test"])
