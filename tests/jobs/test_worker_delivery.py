"""Delivery by real Celery workers (separate processes) on a real broker, to a real SMTP server.

Each test runs on the folder broker (what a fresh machine uses) and, when REDIS_URL is set
(CI's server pass), on Redis. Nothing is mocked.
"""

import datetime as dt
import random
import time

import pytest
import time_machine
from django.utils import timezone

from common.months import add_months
from meetings import reminders
from meetings.services.schedule import meeting_postpone, meeting_schedule
from members.models import CommitteeSeat, Role
from notifications.models import BadAddress, Delivery, DeliveryAttempt, Notification
from notifications.services.dispatch import DispatchRequest, dispatches_create
from notifications.services.preferences import preferences_update
from notifications.tasks import sweep
from notifications.undelivered import ADDRESS_REFUSED
from tests import factories as f
from tests.jobs.conftest import crowd, open_broker, process_env, wait_until
from tests.jobs.probe.kinds import PROBE
from tests.jobs.probe.kinds import register as register_probe

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _settled(count: int | None = None):
    """All ledger rows closed (sent, failed for good, skipped), and as many as expected."""
    def check():
        rows = Delivery.objects.all()
        total = rows.count()
        open_rows = rows.exclude(status__in=Delivery.FINAL_STATUSES).count()
        return total > 0 and open_rows == 0 and (count is None or total == count)
    return check


def test_a_reminder_arrives_once_per_member_and_channel_in_their_language_with_date_and_place(
        broker, smtp, processes, tree):
    f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org")
    john = f.member(tree.a1, name="John Nguyễn", username="john", email="john@example.org")
    preferences_update(user=john.user, channels={"email": True}, language="en")
    starts = f.at(2, hour=19, minute=30)
    meeting = meeting_schedule(cell=tree.a1, starts_at=starts, place="Nhà văn hóa thôn Đông",
                               agenda="Quán triệt Nghị quyết Trung ương 10\nCông tác phát triển đảng viên")
    processes.worker(process_env(broker, smtp.port))

    dispatches_create(requests=reminders.reminders_due(timezone.now()))
    wait_until(_settled(4), timeout=60, message="the reminder to be delivered")

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert smtp.count() == 2
    (vietnamese,) = smtp.to("hoa@example.org")
    (english,) = smtp.to("john@example.org")
    weekday_vi = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"][starts.weekday()]
    date_vi, date_en = f"{weekday_vi}, {starts:%d/%m/%Y}", f"{starts:%A}, {starts:%d/%m/%Y}"
    assert vietnamese.subject.startswith("Nhắc lịch") and date_vi in vietnamese.subject and "19:30" in vietnamese.subject
    assert english.subject.startswith("Reminder") and date_en in english.subject
    for received, greeting in ((vietnamese, "Kính gửi đồng chí Lê Thị Hoa"), (english, "Dear comrade John Nguyễn")):
        assert greeting in received.text
        assert "Nhà văn hóa thôn Đông" in received.text and "Chi bộ thôn Đông" in received.text
        assert "Quán triệt Nghị quyết Trung ương 10" in received.text
        assert "Công tác phát triển" not in received.text  # the agenda's first line only
        assert f"http://testserver/meetings/{meeting.public_id}/" in received.text
        assert "Nhà văn hóa thôn Đông" in received.html
    assert "Sinh hoạt thường kỳ" in vietnamese.text and "Regular meeting" in english.text
    inbox = dict(Notification.objects.values_list("user__username", "subject"))
    assert inbox == {"hoa": vietnamese.subject, "john": english.subject}

    # Scanning again (as beat does every minute) sends nothing more.
    dispatches_create(requests=reminders.reminders_due(timezone.now()))
    time.sleep(2)
    assert smtp.count() == 2 and Notification.objects.count() == 2 and Delivery.objects.count() == 4


def test_a_postponement_is_announced_at_once(broker, smtp, processes, tree):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bi", email="bi@example.org")
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(5))
    processes.worker(process_env(broker, smtp.port))

    meeting_postpone(meeting=meeting, starts_at=f.at(9, hour=14, minute=0), reason="Trùng lịch họp của xã",
                     actor=secretary.user)  # the receiver enqueues the notice on commit
    wait_until(_settled(2), timeout=60, message="the postponement notice")
    (notice,) = smtp.to("bi@example.org")
    assert notice.subject.startswith("Hoãn") and "14:00" in notice.subject
    assert "Trùng lịch họp của xã" in notice.text


def test_a_template_error_a_bad_address_or_a_busy_mailbox_does_not_stop_the_others(broker, smtp, processes, tree):
    people = [f.member(tree.a1, name=name, username=user, email=f"{user}@example.org")
              for name, user in [("Lê Văn Một", "mot"), ("Lê Văn Ba", "ba"), ("Lê Văn Tư", "tu")]]
    member_ids = [p.pk for p in people]
    smtp.refuse.add("ba@example.org")
    smtp.busy["tu@example.org"] = 1  # "try again later" once
    register_probe()  # the worker has it from its settings (tests.jobs.probe)
    processes.worker(process_env(broker, smtp.port, NOTIFICATIONS_RETRY_SECONDS=1))

    broken, fine = dispatches_create(requests=[
        DispatchRequest(key="probe:broken", kind=PROBE, params={"member_ids": member_ids, "broken": True}),
        DispatchRequest(key="probe:fine", kind=PROBE, params={"member_ids": member_ids}),
    ])
    # 12 rows, and the notice to Ba in her inbox that her address refuses our messages.
    wait_until(_settled(13), timeout=60, message="both probes to be delivered")

    assert set(Delivery.objects.filter(dispatch_id=broken).values_list("status", flat=True)) == {"permanent_failure"}
    assert all("TemplateDoesNotExist" in d.last_error for d in Delivery.objects.filter(dispatch_id=broken))
    refused = Delivery.objects.get(dispatch_id=fine, member=people[1], channel="email")
    assert refused.status == "permanent_failure" and "550" in refused.last_error
    assert sorted(m.to for m in smtp.messages) == ["mot@example.org", "tu@example.org"]
    assert sorted(Notification.objects.filter(kind=PROBE).values_list("user__username", flat=True)) == [
        "ba", "mot", "tu"]
    (refused_notice,) = Notification.objects.filter(kind=ADDRESS_REFUSED)
    assert refused_notice.user.username == "ba" and "ba@example.org" in refused_notice.subject
    assert list(BadAddress.objects.values_list("address", flat=True)) == ["ba@example.org"]
    retried = Delivery.objects.get(dispatch_id=fine, member=people[2], channel="email")
    assert retried.attempts == 2 and "451" in retried.attempt_log.first().error


def test_nudges_fire_once_each_at_the_right_moment(broker, smtp, processes, tree):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bi", email="bi@example.org")
    committee = f.member(tree.a2, name="Phạm Đức Ủy", username="uy", email="uy@example.org")
    f.seat(committee, tree.commune_a, CommitteeSeat.Body.STANDING_COMMITTEE)
    day = dt.date(2031, 3, 10)  # a quiet day: no schedule deadline, no badge occasion near
    f.member(tree.a1, name="Nguyễn Văn Dự Bị", official=False,
             admitted=add_months(day + dt.timedelta(days=30), -12))  # probation ends in 30 days
    processes.worker(process_env(broker, smtp.port))

    def nudge_at(hour, minute=0):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        with time_machine.travel(moment, tick=False):
            return dispatches_create(requests=reminders.nudges_due(timezone.now()))

    assert nudge_at(7, 55) == []  # before the nudge hour: nothing yet
    assert len(nudge_at(8, 5)) == 1
    wait_until(_settled(4), timeout=60, message="the probation nudge")
    assert nudge_at(11) == []  # once
    assert sorted(m.to for m in smtp.messages) == ["bi@example.org", "uy@example.org"]
    assert all("Nguyễn Văn Dự Bị" in m.subject and "dự bị" in m.subject for m in smtp.messages)
    assert Notification.objects.filter(user=secretary.user, kind="nudge_probation").count() == 1


def test_a_worker_killed_in_the_middle_of_a_1000_reminder_fan_out_ends_with_each_delivered_exactly_once(
        broker_name, tmp_path, smtp, processes, tree):
    """SIGKILL to the whole worker (main process and pool) while it sends; then a new worker.

    The killed worker's claimed rows come back when their lease ends (5 s here). On Redis the
    unacknowledged messages come back after the (short) visibility timeout; on the folder
    broker they are gone with the worker, and the sweep (beat's periodic task) enqueues the
    rows still waiting. Either way the ledger and the SMTP server agree.
    """
    with open_broker(broker_name, tmp_path, visibility_timeout=10) as broker:
        members = crowd(tree.a1, 1000)
        expected = {m.user.email for m in members}
        meeting_schedule(cell=tree.a1, starts_at=f.at(2))
        smtp.delay = 0.004  # a server that takes a few milliseconds per message
        env = process_env(broker, smtp.port, NOTIFICATIONS_CHUNK_SIZE=25, NOTIFICATIONS_LEASE_SECONDS=5,
                          NOTIFICATIONS_REQUEUE_AFTER_SECONDS=3 if broker.name == "folder" else 600)
        first = processes.worker(env, name="worker-1")

        dispatches_create(requests=reminders.reminders_due(timezone.now()))
        emails_sent = Delivery.objects.filter(channel="email", status="sent")
        wait_until(lambda: emails_sent.count() >= 300, timeout=60, interval=0.05, message="the fan-out under way")
        time.sleep(random.uniform(0, 0.02))  # any moment, not one tied to the SMTP server's rhythm
        first.kill()
        at_kill = smtp.count()
        waiting = Delivery.objects.exclude(status="sent").count()
        assert at_kill < 1000 and waiting > 0, "the worker finished before it was killed"

        processes.worker(env, name="worker-2")
        deadline = time.monotonic() + 120
        while not _settled(2000)():
            assert time.monotonic() < deadline, f"not settled: {Delivery.objects.exclude(status='sent').count()} left"
            if broker.name == "folder":
                sweep.delay()  # what beat runs every minute (every few seconds here)
            time.sleep(2)

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    # In-app: written in the ledger's transaction, so exactly once, always.
    assert Notification.objects.count() == 1000
    assert Notification.objects.values("user").distinct().count() == 1000
    # Email: the ledger and the SMTP server agree, message by message.
    ledger = {(d.address, f"<delivery.{d.pk}.email@testserver>") for d in Delivery.objects.filter(channel="email")}
    received = {(m.to, m.message_id) for m in smtp.messages}
    assert received == ledger
    assert {address for address, _ in ledger} == expected
    # A second copy is possible only for a message whose final "." reached the SMTP server
    # before the worker died and before it could write "sent" (SMTP cannot share a
    # transaction with us, RFC 1047): the ledger records each such attempt as interrupted,
    # and the copy carries the same Message-ID, so the member's mailbox shows one message.
    extra_copies = len(smtp.messages) - 1000
    interrupted = DeliveryAttempt.objects.filter(delivery__channel="email", error__startswith="interrupted").count()
    assert 0 <= extra_copies <= interrupted
    assert extra_copies <= 2  # at most the one message each of the 2 pool processes had in flight
    print(f"{broker.name}: {at_kill} emails before the kill, {interrupted} interrupted attempts, "
          f"{extra_copies} extra copies")
