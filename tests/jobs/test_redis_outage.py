"""Redis stops for a while: pages keep serving, and what fell due meanwhile goes out after.

The test starts its own redis-server on a free port (the machine's Redis is never touched),
a real worker and a real beat on it, stops that server for HANDBOOK_TEST_REDIS_OUTAGE_SECONDS
(20 by default; a minute is the issue's example) and starts it again on the same data.
"""

import datetime as dt
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from cells.services import organization_update
from meetings.services.schedule import meeting_postpone, meeting_schedule
from members.models import Role
from notifications.models import Delivery
from tests import factories as f
from tests.jobs.conftest import Broker, free_port, process_env, use_broker, wait_until

OUTAGE_SECONDS = float(os.environ.get("HANDBOOK_TEST_REDIS_OUTAGE_SECONDS", "20"))

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class RedisServer:
    def __init__(self, binary: str, port: int, folder):
        self.binary, self.port, self.folder = binary, port, folder
        self.proc: subprocess.Popen | None = None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        # Persisted to an append-only file in the test's folder: a restart finds its data.
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--dir", str(self.folder), "--daemonize", "no"],
            stdout=open(self.folder / "redis.log", "ab"), stderr=subprocess.STDOUT,
        )
        wait_until(self.ping, timeout=20, interval=0.1, message="redis-server to answer")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REDIS_URL") or os.environ.get("CI"):
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(binary, free_port(), folder)
    server.start()
    yield server
    server.stop()


def test_pages_keep_serving_while_redis_is_down_and_reminders_due_meanwhile_go_out_after(
        redis_server, smtp, processes, tree, client, tmp_path, settings):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bi", email="bi@example.org")
    hoa = f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org")
    organization_update(org=tree.a1, reminder_offsets_minutes=[120])  # one reminder, two hours before
    later = meeting_schedule(cell=tree.a1, starts_at=f.at(6), kind="extraordinary")
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    broker = Broker("redis", url, {"visibility_timeout": 3600}, "jobs-outage", tmp_path / "var",
                    env={"REDIS_URL": url})
    env = process_env(broker, smtp.port, HANDBOOK_SCAN_SECONDS=2, NOTIFICATIONS_REQUEUE_AFTER_SECONDS=5)
    # As in production, the cache lives in the same Redis and goes down with it.
    settings.CACHES = {"default": {**settings.CACHES["default"], "BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": url, "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
    client.force_login(hoa.user)

    with use_broker(broker.url, broker.options, broker.queue):
        worker = processes.worker(env)
        processes.beat(env)
        wait_until(lambda: "scan_reminders" in worker.output() and "succeeded" in worker.output(),
                   timeout=60, message="beat's first scan to run on the worker")
        assert client.get(reverse("healthz")).json()["broker"] is True

        # Its reminder falls due halfway through the outage.
        starts = timezone.now() + dt.timedelta(minutes=120, seconds=OUTAGE_SECONDS / 2)
        due = meeting_schedule(cell=tree.a1, starts_at=starts, place="Hội trường thôn Đông")
        redis_server.stop()
        stopped = time.monotonic()

        health = client.get(reverse("healthz"))
        assert (health.status_code, health.json()["broker"], health.json()["database"]) == (503, False, True)
        began = time.monotonic()
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("inbox")).status_code == 200
        # A postponement while the broker is down is saved; its notice waits for the broker.
        meeting_postpone(meeting=later, starts_at=f.at(8), reason="Trùng lịch họp của xã", actor=secretary.user)
        assert time.monotonic() - began < 10, "pages and writes must not hang on the broker"

        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        assert timezone.now() > starts - dt.timedelta(minutes=120)  # the reminder fell due meanwhile
        assert not Delivery.objects.exists()
        redis_server.start()
        back = timezone.now()

        def delivered():
            rows = Delivery.objects.filter(status="sent")
            return (rows.filter(key__startswith=f"meeting:{due.pk}:reminder:120@").count() == 4
                    and rows.filter(key__startswith=f"meeting:{later.pk}:postponed@").count() == 4)

        wait_until(delivered, timeout=120, interval=0.5, message="the reminder and the notice after the outage")
        assert client.get(reverse("healthz")).status_code == 200

    reminder = Delivery.objects.filter(key__startswith=f"meeting:{due.pk}:reminder:120@")
    assert all(d.sent_at >= back for d in reminder)
    assert len(smtp.to("hoa@example.org")) == 2  # the reminder and the postponement notice, once each
    assert any("Hội trường thôn Đông" in m.text for m in smtp.to("hoa@example.org"))
