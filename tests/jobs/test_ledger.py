"""The delivery ledger in-process: each message once per member and channel, claims, retries,
bad addresses, template errors, preferences and the sweep. Tasks run eagerly here; the
tests with real worker processes are in test_worker_delivery.py."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connections
from django.utils import timezone

from meetings import reminders
from meetings.services.schedule import meeting_cancel, meeting_schedule
from members.models import Role
from notifications.models import BadAddress, Delivery, DeliveryAttempt, Dispatch, Notification
from notifications.selectors import bad_addresses_for_member
from notifications.services import delivery, dispatch
from notifications.services.dispatch import DispatchRequest, dispatches_create
from notifications.services.preferences import preferences_update
from tests import factories as f
from tests.jobs.probe.kinds import PROBE, TEMPLATES
from tests.jobs.probe.kinds import register as register_probe


@pytest.fixture
def cell(tree):
    """A cell of four: a secretary and three members, each with an account and an email."""
    people = [
        f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bi", email="bi@example.org"),
        f.member(tree.a1, name="Lê Thị Hoa", username="hoa", email="hoa@example.org"),
        f.member(tree.a1, name="Đỗ Minh Quân", username="quan", email="quan@example.org"),
        f.member(tree.a1, name="Phan Thu Hà", username="ha", email="ha@example.org"),
    ]
    return tree.a1, people


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what the code enqueues on commit (tasks are eager in the test settings)."""
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


@pytest.fixture
def probe(settings):
    """The probe kind (its template fails for one recipient), as the test workers have it."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}]
    register_probe()
    return PROBE


def _remind(run_jobs, now=None):
    now = now or timezone.now()
    return run_jobs(dispatches_create, requests=reminders.reminders_due(now), now=now)


def _fan_out_by_hand(now=None) -> list[int]:
    """Record the due reminders and create their ledger rows, without sending anything."""
    now = now or timezone.now()
    ids = dispatches_create(requests=reminders.reminders_due(now), now=now)
    return dispatch.dispatches_fan_out(dispatch_ids=ids)


def test_a_reminder_reaches_every_summoned_member_once_per_channel(cell, run_jobs):
    cell_org, people = cell
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place="Nhà văn hóa thôn Đông")
    _remind(run_jobs)
    deliveries = Delivery.objects.filter(key__startswith=f"meeting:{meeting.pk}:reminder:4320@")
    assert deliveries.count() == 8
    assert set(deliveries.values_list("status", flat=True)) == {"sent"}
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["bi", "ha", "hoa", "quan"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 4
    assert DeliveryAttempt.objects.filter(ok=True).count() == 8


def test_scanning_again_sends_nothing_more(cell, run_jobs):
    cell_org, _ = cell
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    _remind(run_jobs)
    _remind(run_jobs)
    assert Dispatch.objects.count() == 1
    assert Delivery.objects.count() == 8
    assert len(mail.outbox) == 4


def test_sending_the_same_rows_twice_sends_once(cell):
    cell_org, _ = cell
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    first = delivery.deliveries_send(delivery_ids=ids)
    second = delivery.deliveries_send(delivery_ids=ids)
    assert (first.sent, second.sent) == (8, 0)
    assert len(mail.outbox) == 4 and Notification.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_rows_a_live_worker_holds_are_skipped_and_taken_back_when_it_dies(cell, monkeypatch):
    cell_org, _ = cell
    # Committed for real here: keep the on-commit tasks from sending before the test does.
    monkeypatch.setattr(dispatch, "_enqueue_fan_out", lambda ids: None)
    monkeypatch.setattr(dispatch, "_enqueue_deliveries", lambda ids: None)
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    claimed, die, held = threading.Event(), threading.Event(), []

    def other_worker():
        held.extend(delivery._claim(ids, timezone.now()))  # claims, then "hangs" mid-send
        claimed.set()
        die.wait(30)
        connections["default"].close()  # its session ends, as a killed worker's does

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        claimed.wait(30)
        assert len(held) == 8
        assert delivery.deliveries_send(delivery_ids=ids).sent == 0  # all held by the live worker
    finally:
        die.set()
        thread.join()
    assert delivery.deliveries_send(delivery_ids=ids).sent == 8
    interrupted = DeliveryAttempt.objects.filter(error__startswith="interrupted")
    assert interrupted.count() == 8
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


def test_a_bad_address_stops_for_good_shows_on_the_record_and_does_not_stop_the_others(cell, smtp_backend):
    cell_org, people = cell
    smtp_backend.refuse.add("hoa@example.org")
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    run = delivery.deliveries_send(delivery_ids=ids)
    assert (run.sent, run.permanent, dict(run.retries)) == (7, 1, {})
    refused = Delivery.objects.get(member=people[1], channel="email")
    assert refused.status == "permanent_failure" and "550" in refused.last_error
    assert sorted(m.to for m in smtp_backend.messages) == ["bi@example.org", "ha@example.org", "quan@example.org"]
    assert Delivery.objects.get(member=people[1], channel="inapp").status == "sent"
    assert [b.address for b in bad_addresses_for_member(people[1])] == ["hoa@example.org"]
    assert bad_addresses_for_member(people[2]) == []

    # The next message to that address is not even tried.
    meeting_schedule(cell=cell_org, starts_at=f.at(2, hour=7), kind="extraordinary")
    before = smtp_backend.count()
    delivery.deliveries_send(delivery_ids=_fan_out_by_hand())
    assert smtp_backend.count() == before + 3
    latest = Delivery.objects.filter(member=people[1], channel="email").order_by("-pk").first()
    assert latest.status == "permanent_failure" and latest.last_error.startswith("address refused earlier")


def test_a_busy_mailbox_is_retried_with_backoff_until_it_accepts(cell, smtp_backend, settings):
    cell_org, people = cell
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    smtp_backend.busy["quan@example.org"] = 2
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        run = delivery.deliveries_send(delivery_ids=ids)
    waiting = Delivery.objects.get(member=people[2], channel="email")
    assert (waiting.status, waiting.attempts) == ("failed", 1)
    assert dict(run.retries) == {60: [waiting.pk]}
    assert waiting.next_attempt_at == start + dt.timedelta(seconds=60)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert delivery.deliveries_send(delivery_ids=[waiting.pk]).sent == 0  # not due yet
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert dict(delivery.deliveries_send(delivery_ids=[waiting.pk]).retries) == {120: [waiting.pk]}
    with time_machine.travel(start + dt.timedelta(seconds=200), tick=False):
        assert delivery.deliveries_send(delivery_ids=[waiting.pk]).sent == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("sent", 3)
    assert [a.ok for a in waiting.attempt_log.all()] == [False, False, True]
    assert "451" in waiting.attempt_log.first().error
    assert len(smtp_backend.to("quan@example.org")) == 1


def test_attempts_stop_after_the_last_one(cell, smtp_backend, settings):
    cell_org, people = cell
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp_backend.busy["quan@example.org"] = 5
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    delivery.deliveries_send(delivery_ids=ids)
    later = timezone.now() + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        run = delivery.deliveries_send(delivery_ids=ids)
    gave_up = Delivery.objects.get(member=people[2], channel="email")
    assert (gave_up.status, gave_up.attempts, gave_up.next_attempt_at, dict(run.retries)) == ("failed", 2, None, {})


def test_the_retry_countdown_stays_well_below_the_visibility_timeout(settings):
    settings.NOTIFICATIONS_RETRY_SECONDS, settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 60, 900
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    assert [delivery.retry_delay(n) for n in range(1, 7)] == [60, 120, 240, 480, 900, 900]
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    assert max(delivery.retry_delay(n) for n in range(1, 20)) == 150


def test_a_mail_server_that_is_down_leaves_the_batch_for_a_retry(cell, settings):
    cell_org, _ = cell
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens on port 1
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    run = delivery.deliveries_send(delivery_ids=_fan_out_by_hand())
    assert (run.sent, run.failed) == (4, 4)  # the inbox went; email waits
    assert set(Delivery.objects.filter(channel="email").values_list("status", flat=True)) == {"failed"}
    assert BadAddress.objects.count() == 0


def test_a_template_error_stops_only_that_message(tree, probe):
    people = [f.member(tree.a1, name=name, username=user, email=f"{user}@example.org")
              for name, user in [("Lê Văn Một", "mot"), ("Lê Văn Hai", "hai")]]
    member_ids = [p.pk for p in people]
    broken, fine = dispatches_create(requests=[
        DispatchRequest(key="probe:broken", kind=probe, params={"member_ids": member_ids, "broken": True}),
        DispatchRequest(key="probe:fine", kind=probe, params={"member_ids": member_ids}),
    ])
    ids = dispatch.dispatches_fan_out(dispatch_ids=[broken, fine])
    run = delivery.deliveries_send(delivery_ids=ids)  # one batch holds both
    assert (run.sent, run.permanent) == (4, 4)
    failed = Delivery.objects.filter(dispatch_id=broken)
    assert set(failed.values_list("status", flat=True)) == {"permanent_failure"}
    assert all("TemplateDoesNotExist" in d.last_error for d in failed)
    assert sorted(m.to[0] for m in mail.outbox) == ["hai@example.org", "mot@example.org"]
    assert sorted(m.body.strip() for m in mail.outbox) == ["Hello Lê Văn Hai.", "Hello Lê Văn Một."]
    assert BadAddress.objects.count() == 0


def test_a_reminder_for_a_meeting_cancelled_meanwhile_is_not_sent(cell):
    cell_org, people = cell
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    meeting_cancel(meeting=meeting, reason="Trùng lịch họp của xã", actor=people[0].user)
    run = delivery.deliveries_send(delivery_ids=ids)
    assert (run.sent, run.skipped) == (0, 8)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"skipped"}
    assert mail.outbox == [] and Notification.objects.count() == 0


def test_members_who_turned_email_off_get_only_the_inbox(cell, run_jobs):
    cell_org, people = cell
    preferences_update(user=people[1].user, channels={"email": False}, language="vi")
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    _remind(run_jobs)
    assert not Delivery.objects.filter(member=people[1], channel="email").exists()
    assert Delivery.objects.filter(member=people[1], channel="inapp", status="sent").exists()
    assert "hoa@example.org" not in [m.to[0] for m in mail.outbox]


def test_members_without_an_account_are_emailed_at_their_records_address(tree, run_jobs):
    offline = f.member(tree.a1, name="Vũ Thị Lan", email="lan@example.org")
    nothing = f.member(tree.a1, name="Ngô Văn Tư")
    meeting_schedule(cell=tree.a1, starts_at=f.at(2))
    _remind(run_jobs)
    assert list(Delivery.objects.filter(member=offline).values_list("channel", "status")) == [("email", "sent")]
    assert not Delivery.objects.filter(member=nothing).exists()
    assert [m.to for m in mail.outbox] == [["lan@example.org"]]


def test_the_sweep_enqueues_what_lost_its_task(cell, settings):
    cell_org, _ = cell
    settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS = 300
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    now = timezone.now()
    (dispatch_id,) = dispatches_create(requests=reminders.reminders_due(now), now=now)  # fan-out task lost
    assert dispatch.deliveries_sweep(now=now + dt.timedelta(seconds=10)).dispatch_ids == []
    assert dispatch.deliveries_sweep(now=now + dt.timedelta(seconds=400)).dispatch_ids == [dispatch_id]
    ids = dispatch.dispatches_fan_out(dispatch_ids=[dispatch_id])  # and its deliver tasks lost too
    later = timezone.now() + dt.timedelta(seconds=400)
    swept = dispatch.deliveries_sweep(now=later)
    assert sorted(swept.delivery_ids) == sorted(ids)
    assert dispatch.deliveries_sweep(now=later).delivery_ids == []  # marked enqueued again


def test_the_sweep_takes_back_rows_whose_worker_died(cell):
    cell_org, _ = cell
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    delivery._claim(ids, timezone.now())
    assert dispatch.deliveries_sweep().delivery_ids == []  # this session still holds them
    delivery._release_locks()  # as PostgreSQL does when the worker's session ends
    assert sorted(dispatch.deliveries_sweep().delivery_ids) == sorted(ids)
