"""Faults during delivery, with real worker processes, a real broker and a real SMTP server:
a slow mailbox, a frozen worker, workers killed mid-send, database sessions terminated.

What must hold every time: nobody is lost, and every member who may have two copies is
named by the ledger (`uncertain > 0`), with at most one extra copy per fault.
"""

import os
import random
import signal
import time

import pytest
from django.db import connection
from django.utils import timezone

from handbook.celery import app as celery_app
from meetings import reminders
from meetings.services.schedule import meeting_schedule
from notifications.models import Delivery, Heartbeat
from notifications.services import dispatch
from notifications.services.dispatch import dispatches_create
from notifications.tasks import sweep
from tests import factories as f
from tests.jobs.conftest import crowd, process_env, scan_queue, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

KILLS = int(os.environ.get("HANDBOOK_TEST_KILLS", "6"))


def _emails():
    return Delivery.objects.filter(channel="email")


def _settled(total: int):
    def check():
        rows = Delivery.objects.all()
        return rows.count() == total and not rows.exclude(status__in=Delivery.FINAL_STATUSES).exists()
    return check


def _wait_settled(total: int, *, timeout: float, relay: bool = True):
    """Until every row is closed; meanwhile run the sweep as beat would (every 2 s here)."""
    deadline = time.monotonic() + timeout
    while not _settled(total)():
        left = Delivery.objects.exclude(status__in=Delivery.FINAL_STATUSES).count()
        assert time.monotonic() < deadline, f"not settled: {left} rows left"
        if relay:
            sweep.delay()
        time.sleep(2)


def _assert_named(smtp, expected: set[str]) -> tuple[int, int]:
    """Nobody lost; every address with two copies is named uncertain; returns (extra, named)."""
    copies = smtp.copies()
    assert set(copies) == expected, f"lost: {sorted(expected - set(copies))[:5]}"
    uncertain = dict(_emails().values_list("address", "uncertain"))
    for address, count in copies.items():
        assert count <= 1 + uncertain[address], f"{address}: {count} copies, {uncertain[address]} uncertain"
    # One Message-ID per ledger row, whatever the number of copies.
    ids = {(m.to, m.message_id) for m in smtp.messages}
    assert len(ids) == len(expected)
    return sum(copies.values()) - len(expected), sum(1 for v in uncertain.values() if v)


def test_a_slow_mailbox_in_a_batch_of_20_does_not_hold_up_the_other_19(broker, smtp, processes, tree):
    members = crowd(tree.a1, 20)
    slow = members[0].user.email
    smtp.slow[slow] = 4.0  # answers its DATA after 4 s; the client waits 1 s
    meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    processes.worker(process_env(broker, smtp.port, HANDBOOK_TEST_EMAIL_TIMEOUT=1, NOTIFICATIONS_CHUNK_SIZE=20,
                                 NOTIFICATIONS_RETRY_SECONDS=60), concurrency=1)

    dispatches_create(requests=reminders.reminders_due(timezone.now()))
    others = _emails().exclude(address=slow)
    wait_until(lambda: others.filter(status="sent").count() == 19, timeout=60, message="the other 19 emails")

    assert set(others.values_list("attempts", flat=True)) == {1}  # each delivered at its first attempt
    assert {m.to for m in smtp.messages} >= {m.user.email for m in members[1:]}
    stuck = _emails().get(address=slow)
    wait_until(lambda: _emails().get(address=slow).status == "failed", timeout=30, message="the slow one recorded")
    stuck.refresh_from_db()
    # No answer after the message was written: uncertain (it may be there), not "server down".
    assert stuck.uncertain == 1 and "no answer after the message was written" in stuck.last_error
    assert stuck.next_attempt_at is not None


def test_a_frozen_workers_rows_are_delivered_by_another_within_the_lease(broker, smtp, processes, tree):
    members = crowd(tree.a1, 60)
    expected = {m.user.email for m in members}
    meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    smtp.delay = 0.05
    env = process_env(broker, smtp.port, NOTIFICATIONS_LEASE_SECONDS=4, NOTIFICATIONS_CHUNK_SIZE=20,
                      NOTIFICATIONS_REQUEUE_AFTER_SECONDS=3)
    frozen = processes.worker(env, name="worker-frozen", concurrency=1)

    dispatches_create(requests=reminders.reminders_due(timezone.now()))
    wait_until(lambda: _emails().filter(status="sent").count() >= 5, timeout=60, interval=0.05,
               message="the first worker under way")
    frozen.signal(signal.SIGSTOP)
    stopped = time.monotonic()
    held = Delivery.objects.filter(status="sending").count()
    assert held > 0, "the worker held nothing when it froze"
    processes.worker(env, name="worker-2", concurrency=1)

    _wait_settled(120, timeout=90)
    taken_over = time.monotonic() - stopped
    frozen.signal(signal.SIGCONT)  # the zombie wakes up: its late records must change nothing
    time.sleep(1)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    extra, named = _assert_named(smtp, expected)
    assert extra <= 1  # at most the one message it had handed over when it froze
    print(f"{broker.name}: {held} rows held by the frozen worker, all delivered {taken_over:.1f} s later; "
          f"{extra} extra copies, {named} members named")


def test_workers_killed_again_and_again_during_the_email_phase_leave_the_ledger_naming_every_second_copy(
        broker, smtp, processes, tree):
    members = crowd(tree.a1, 300)
    expected = {m.user.email for m in members}
    meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    smtp.delay = 0.01
    env = process_env(broker, smtp.port, NOTIFICATIONS_LEASE_SECONDS=3, NOTIFICATIONS_CHUNK_SIZE=20,
                      NOTIFICATIONS_REQUEUE_AFTER_SECONDS=2)
    dispatches_create(requests=reminders.reminders_due(timezone.now()))
    kills = 0
    for number in range(KILLS):
        worker = processes.worker(env, name=f"worker-{number}", concurrency=1)
        before = _emails().filter(status="sent").count()
        if before >= 300:
            break
        wait_until(lambda before=before: _emails().filter(status="sent").count() >= min(300, before + 10), timeout=60,
                   interval=0.02, message="progress before the kill")
        time.sleep(random.uniform(0, 0.03))
        worker.kill()
        kills += 1
        sweep.delay()
    processes.worker(env, name="worker-last", concurrency=1)
    _wait_settled(600, timeout=120)

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    extra, named = _assert_named(smtp, expected)
    assert extra <= kills  # at most one per kill (one pool process, one message in flight)
    print(f"{broker.name}: {kills} kills, {extra} extra copies, {named} members named as possibly twice")


def test_database_sessions_terminated_during_a_fan_out_lose_nobody_and_name_the_doubles(
        broker, smtp, processes, tree):
    members = crowd(tree.a1, 200)
    expected = {m.user.email for m in members}
    meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    smtp.delay = 0.01
    env = process_env(broker, smtp.port, NOTIFICATIONS_LEASE_SECONDS=3, NOTIFICATIONS_CHUNK_SIZE=20,
                      NOTIFICATIONS_REQUEUE_AFTER_SECONDS=2)
    processes.worker(env, concurrency=2)
    dispatches_create(requests=reminders.reminders_due(timezone.now()))
    terminated = 0
    for _ in range(5):
        before = _emails().filter(status="sent").count()
        if before >= 190:
            break
        wait_until(lambda before=before: _emails().filter(status="sent").count() >= before + 10, timeout=60, interval=0.02,
                   message="progress before terminating the sessions")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            terminated += cursor.fetchone()[0]
    _wait_settled(400, timeout=120)

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    extra, named = _assert_named(smtp, expected)
    assert extra <= terminated
    print(f"{broker.name}: {terminated} sessions terminated, {extra} extra copies, {named} members named")


def test_reminders_whose_broker_messages_were_lost_are_relayed_from_the_ledger(broker, smtp, processes, tree):
    """The broker forgets everything (an emptied Redis, a lost folder): the ledger is the
    outbox, and beat's sweep enqueues what is waiting within seconds."""
    members = crowd(tree.a1, 30)
    meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    ids = dispatches_create(requests=reminders.reminders_due(timezone.now()))
    assert len(dispatch.dispatches_fan_out(dispatch_ids=ids)) == 60
    with celery_app.connection_for_write() as conn:  # every published message is lost
        for queue in (broker.queue, scan_queue(broker.queue)):
            conn.default_channel.queue_purge(queue)
    env = process_env(broker, smtp.port, HANDBOOK_SCAN_SECONDS=2, NOTIFICATIONS_REQUEUE_AFTER_SECONDS=3)
    processes.worker(env)
    began = time.monotonic()
    processes.beat(env)
    wait_until(_settled(60), timeout=60, message="the lost reminders relayed from the ledger")
    took = time.monotonic() - began
    assert {m.to for m in smtp.messages} == {m.user.email for m in members}
    assert Heartbeat.objects.filter(name="scan").exists()
    print(f"{broker.name}: 60 rows whose messages were lost, delivered {took:.1f} s after beat started")
