"""The delivery ledger in-process: each message once per member and channel, claims, retries,
bad addresses, template errors, preferences and the sweep. Tasks run eagerly here; the
tests with real worker processes are in test_worker_delivery.py."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from meetings import reminders
from meetings.services.schedule import meeting_cancel, meeting_schedule
from members.models import Role
from notifications import undelivered
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


def test_rows_a_live_claim_holds_are_skipped_and_taken_back_when_its_lease_ends(cell, settings):
    cell_org, _ = cell
    settings.NOTIFICATIONS_LEASE_SECONDS = 60
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    start = timezone.now()
    frozen = delivery._Claim(delivery.DeliveryRun(), uuid.uuid4(), ids)
    with time_machine.travel(start, tick=False):
        assert len(delivery._claim(ids, start, frozen.token, window=100)) == 8  # then it freezes
        assert delivery.deliveries_send(delivery_ids=ids).sent == 0  # held by a live lease
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert delivery.deliveries_send(delivery_ids=ids).sent == 8  # the lease is over: taken back
    # Nothing was handed over by the frozen claim: nobody can have a second copy, no attempt lost.
    assert set(Delivery.objects.values_list("attempts", "uncertain")) == {(1, 0)}
    assert not DeliveryAttempt.objects.filter(error__startswith="interrupted").exists()
    assert len(mail.outbox) == 4


def test_a_claim_taken_back_after_a_hand_over_names_that_member_and_a_late_record_is_refused(cell, settings):
    cell_org, _ = cell
    settings.NOTIFICATIONS_LEASE_SECONDS = 60
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    emails = list(Delivery.objects.filter(channel="email").order_by("pk"))
    start = timezone.now()
    zombie = delivery._Claim(delivery.DeliveryRun(), uuid.uuid4(), [d.pk for d in emails])
    with time_machine.travel(start, tick=False):
        delivery._claim(zombie.ids, start, zombie.token, window=100)
        assert zombie.hand_over(emails[0].pk)  # committed, then the worker froze mid-send
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert delivery.deliveries_send(delivery_ids=ids).sent == 8
    # The zombie wakes up and records its old attempt: refused, the newer claim stands.
    zombie.temporary([delivery._Outcome(emails[0], emails[0].address, "late")])
    assert zombie.run.failed == 0
    handed = Delivery.objects.get(pk=emails[0].pk)
    assert (handed.status, handed.attempts, handed.uncertain) == ("sent", 2, 1)
    assert list(Delivery.objects.filter(uncertain__gt=0).values_list("member", flat=True)) == [emails[0].member_id]
    (interrupted,) = DeliveryAttempt.objects.filter(error__startswith="interrupted")
    assert interrupted.delivery_id == handed.pk
    # Every copy carries the row's Message-ID.
    assert {m.extra_headers["Message-ID"] for m in mail.outbox if m.to == [handed.address]} == {
        f"<delivery.{handed.pk}.email@localhost>"}


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
        # Failing again: it goes on in a task of its own, never holding up a batch.
        assert delivery.deliveries_send(delivery_ids=[waiting.pk]).alone == [(120, waiting.pk)]
    with time_machine.travel(start + dt.timedelta(seconds=200), tick=False):
        assert delivery.deliveries_send(delivery_ids=[waiting.pk]).sent == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("sent", 3)
    assert [a.ok for a in waiting.attempt_log.all()] == [False, False, True]
    assert "451" in waiting.attempt_log.first().error
    assert len(smtp_backend.to("quan@example.org")) == 1


def test_retries_go_on_until_the_meeting_starts_and_then_the_failure_stays_on_record(cell, smtp_backend, settings):
    cell_org, people = cell
    smtp_backend.busy["quan@example.org"] = 1000
    meeting = meeting_schedule(cell=cell_org, starts_at=timezone.now() + dt.timedelta(hours=2))
    ids = _fan_out_by_hand()
    moment = timezone.now()
    for _ in range(7):  # more than the old six attempts, each due (backoff capped at 15 minutes)
        moment += dt.timedelta(minutes=16)
        with time_machine.travel(moment, tick=False):
            delivery.deliveries_send(delivery_ids=ids)
    waiting = Delivery.objects.get(member=people[2], channel="email")
    assert (waiting.status, waiting.attempts) == ("failed", 7)
    assert waiting.next_attempt_at is not None
    with time_machine.travel(max(meeting.starts_at, waiting.next_attempt_at) + dt.timedelta(minutes=1), tick=False):
        run = delivery.deliveries_send(delivery_ids=[waiting.pk])  # the meeting has started
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts, waiting.next_attempt_at) == ("failed", 7, None)
    assert waiting.last_error == "no longer needed after 7 failed attempts"
    assert (run.failed, run.skipped, run.alone, dict(run.retries)) == (1, 0, [], {})


def test_a_message_is_not_retried_after_the_give_up_window(cell, smtp_backend, settings):
    cell_org, people = cell
    settings.NOTIFICATIONS_GIVE_UP_HOURS = 1
    smtp_backend.busy["quan@example.org"] = 5
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        run = delivery.deliveries_send(delivery_ids=ids)
    gave_up = Delivery.objects.get(member=people[2], channel="email")
    assert (gave_up.status, gave_up.next_attempt_at, run.alone, dict(run.retries)) == ("failed", None, [], {})


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
    settings.NOTIFICATIONS_CLAIM_WINDOW = 10
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    run = delivery.deliveries_send(delivery_ids=_fan_out_by_hand())
    assert (run.sent, run.failed) == (4, 4)  # the inbox went; email waits
    emails = Delivery.objects.filter(channel="email")
    assert set(emails.values_list("status", flat=True)) == {"failed"}
    # Only the message that found the server down was tried; the others are charged nothing.
    assert sorted(emails.values_list("attempts", flat=True)) == [0, 0, 0, 1]
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


def test_the_sweep_takes_back_rows_whose_lease_ended_whatever_the_lock_table_says(cell, settings):
    cell_org, _ = cell
    settings.NOTIFICATIONS_LEASE_SECONDS = 60
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    now = timezone.now()
    delivery._claim(ids, now, uuid.uuid4(), window=100)
    assert dispatch.deliveries_sweep(now=now + dt.timedelta(seconds=30)).delivery_ids == []  # lease still on
    assert sorted(dispatch.deliveries_sweep(now=now + dt.timedelta(seconds=61)).delivery_ids) == sorted(ids)


def test_the_relay_leaves_waiting_rows_to_a_queue_that_still_carries_them(cell, settings):
    cell_org, _ = cell
    settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS = 60
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    ids = _fan_out_by_hand()
    later = timezone.now() + dt.timedelta(seconds=61)
    assert dispatch.deliveries_sweep(now=later, queue_depth=40).delivery_ids == []
    assert sorted(dispatch.deliveries_sweep(now=later, queue_depth=0).delivery_ids) == sorted(ids)


def test_the_secretary_is_told_in_their_inbox_when_no_channel_reaches_a_member(cell, smtp_backend, run_jobs):
    cell_org, people = cell
    offline = f.member(cell_org, name="Vũ Thị Lan", email="lan@example.org")  # no account: email only
    smtp_backend.busy["lan@example.org"] = 1000
    meeting_schedule(cell=cell_org, starts_at=timezone.now() + dt.timedelta(hours=3))
    ids = _fan_out_by_hand()
    moment = timezone.now()
    for _ in range(3):
        assert run_jobs(undelivered.undelivered_tell) == 0  # still trying: nobody told yet
        moment += dt.timedelta(minutes=10)
        with time_machine.travel(moment, tick=False):
            delivery.deliveries_send(delivery_ids=ids)
    assert run_jobs(undelivered.undelivered_tell) == 1
    assert run_jobs(undelivered.undelivered_tell) == 0  # once
    (notice,) = Notification.objects.filter(kind=undelivered.UNDELIVERED)
    assert notice.user == people[0].user  # the secretary, in the inbox only
    assert "Vũ Thị Lan" in notice.subject and "lan@example.org" in notice.body and "451" in notice.body
    assert not Delivery.objects.filter(kind=undelivered.UNDELIVERED, channel="email").exists()
    assert Delivery.objects.get(member=offline).told_at is not None


def test_members_reached_in_their_inbox_are_not_reported(cell, smtp_backend, run_jobs):
    cell_org, _ = cell
    smtp_backend.busy["hoa@example.org"] = 1000
    meeting_schedule(cell=cell_org, starts_at=timezone.now() + dt.timedelta(hours=3))
    ids = _fan_out_by_hand()
    moment = timezone.now()
    for _ in range(4):
        moment += dt.timedelta(minutes=10)
        with time_machine.travel(moment, tick=False):
            delivery.deliveries_send(delivery_ids=ids)
    assert run_jobs(undelivered.undelivered_tell) == 0


def test_a_member_whose_address_bounces_is_told_in_their_inbox_once(cell, smtp_backend, run_jobs):
    cell_org, people = cell
    smtp_backend.refuse.add("hoa@example.org")
    meeting_schedule(cell=cell_org, starts_at=f.at(2))
    meeting_schedule(cell=cell_org, starts_at=f.at(2, hour=7), kind="extraordinary")
    run_jobs(lambda: delivery.deliveries_send(delivery_ids=_fan_out_by_hand()))
    (notice,) = Notification.objects.filter(kind=undelivered.ADDRESS_REFUSED)
    assert notice.user == people[1].user and "hoa@example.org" in notice.subject
    # Her secretary is not told: her inbox reached her.
    assert not Notification.objects.filter(kind=undelivered.UNDELIVERED).exists()
