"""Redis stops for a while: pages keep serving, and what fell due meanwhile goes out after.

The test starts its own redis-server on a free port (the machine's Redis is never touched),
a real worker and a real beat on it, stops that server for HANDBOOK_TEST_REDIS_OUTAGE_SECONDS
(20 by default; a minute is the issue's example) and starts it again on the same data.
"""

import datetime as dt
import os
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from cells.services import organization_update
from meetings.services.schedule import meeting_postpone, meeting_schedule
from members.models import Role
from notifications.models import Delivery
from tests import factories as f
from tests.jobs.conftest import Broker, process_env, use_broker, wait_until

OUTAGE_SECONDS = float(os.environ.get("HANDBOOK_TEST_REDIS_OUTAGE_SECONDS", "20"))

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


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
    # As in production, the cache lives on the same Redis server and goes down with it.
    _cache_on(settings, redis_server)
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
        # The web tier is alive: the broker's absence is reported, not a reason to restart it.
        assert (health.status_code, health.json()["broker"], health.json()["database"]) == (200, False, True)
        assert health.json()["status"] == "degraded"
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


def _cache_on(settings, server) -> None:
    """This process's cache as production configures it, on the test's Redis (its db 1)."""
    settings.REDIS_CACHE_URL = f"redis://127.0.0.1:{server.port}/1"
    settings.CACHES = {"default": {
        "BACKEND": "handbook.cache.FailOpenRedisCache", "LOCATION": settings.REDIS_CACHE_URL,
        "KEY_PREFIX": "handbook",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False},
    }}


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_members_sign_in_on_the_site_and_the_api_while_redis_is_down(redis_server, tree, client, settings, outage):
    """No force_login: the real sign-in form and token endpoint, with allauth's rate limits and
    the API throttles on, and their cache away."""
    f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org")
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "reset_password": "20/m/ip,5/m/key"}
    _cache_on(settings, redis_server)
    assert client.get(reverse("account_login")).status_code == 200  # counters in Redis while it is up
    if outage == "stopped":
        redis_server.stop()
    else:
        redis_server.freeze()

    began = time.monotonic()
    assert client.get(reverse("account_login")).status_code == 200
    wrong = client.post(reverse("account_login"), {"login": "hoa", "password": "not-it"})
    assert wrong.status_code == 200 and "hoa" in wrong.content.decode()  # the form again, with what was typed
    signed_in = client.post(reverse("account_login"), {"login": "hoa", "password": "pw-12345-test"})
    assert signed_in.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    token = client.post("/api/v1/auth/token/", {"login": "hoa", "password": "pw-12345-test", "device": "Điện thoại"},
                        content_type="application/json")
    assert token.status_code == 201 and token.json()["token"]
    assert time.monotonic() - began < 10, "sign-in must not wait on Redis at every step"
