"""Zalo template messages (ZNS) against a fake Zalo on 127.0.0.1: the request Zalo expects,
its error answers, and the ledger (sent once, retried when busy, a bad number remembered)."""

import datetime as dt
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import reminders
from meetings.services.schedule import meeting_cancel, meeting_schedule
from notifications.models import BadAddress, Delivery
from notifications.services import delivery
from notifications.services.dispatch import dispatches_create
from notifications.services.preferences import preferences_update
from notifications.transports import optional_channels
from notifications.transports.base import Message
from notifications.transports.zalo import ZaloError, ZaloTransport
from tests import factories as f

PLACE = "Nhà văn hóa thôn Đông"


def _message(address="+84912345672", delivery_id=7):
    return Message(delivery_id=delivery_id, kind="meeting_reminder", channel="zalo", address=address,
                   language="vi", user_id=None, subject="Nhắc họp chi bộ", text="Nhắc họp: 19:30 Thứ Ba",
                   html="", link="https://handbook.test/m/1/", message_id=f"<delivery.{delivery_id}.zalo@handbook.test>",
                   recipient_name="Lê Thị Hoa")


def _zalo_on(*members):
    for member in members:
        preferences_update(user=member.user, channels={"zalo": True}, language="vi")


def _remind(run_jobs, now=None):
    now = now or timezone.now()
    return run_jobs(dispatches_create, requests=reminders.reminders_due(now), now=now)


def test_a_message_goes_with_the_token_the_template_and_its_data(zalo):
    ZaloTransport().send(_message())
    ZaloTransport().send(_message())
    first, second = zalo.requests
    assert first["access_token"] == "test-access-token"
    assert (first["phone"], first["template_id"]) == ("84912345672", "283713")
    assert first["template_data"] == {"name": "Lê Thị Hoa", "subject": "Nhắc họp chi bộ",
                                      "content": "Nhắc họp: 19:30 Thứ Ba", "link": "https://handbook.test/m/1/"}
    assert first["tracking_id"] == second["tracking_id"]


@pytest.mark.parametrize(("status", "code", "permanent", "bad_address", "unavailable"), [
    (200, -32, False, False, False),  # rate limited
    (429, None, False, False, False),  # rate limited by HTTP
    (200, -133, False, False, False),  # not at night
    (503, None, False, False, False),  # busy
    (200, -108, True, True, False),  # invalid number
    (200, -118, True, True, False),  # no Zalo account for the number
    (200, -112, True, False, False),  # template data rejected
    (200, -117, True, False, False),  # template not approved
    (200, -124, False, False, True),  # token expired: the batch waits
])
def test_zalos_error_answers_say_whether_to_try_again_and_whom_to_blame(zalo, status, code, permanent, bad_address,
                                                                       unavailable):
    zalo.answer("+84912345672", status=status, code=code, message="refused")
    with pytest.raises(ZaloError) as refused:
        ZaloTransport().send(_message())
    assert (refused.value.permanent, refused.value.bad_address, refused.value.unavailable) == (
        permanent, bad_address, unavailable)


def test_a_wrong_token_is_not_a_bad_number(zalo, settings):
    settings.HANDBOOK_ZALO_ACCESS_TOKEN = "expired"
    with pytest.raises(ZaloError) as refused:
        ZaloTransport().send(_message())
    assert "-124" in str(refused.value) and refused.value.unavailable and not refused.value.permanent


def test_an_unreachable_zalo_holds_the_batch(zalo, settings):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        settings.HANDBOOK_ZALO_URL = f"http://127.0.0.1:{closed.getsockname()[1]}/message/template"
        with pytest.raises(ZaloError) as refused:
            ZaloTransport().send(_message())
    assert refused.value.unavailable and not refused.value.permanent


def test_the_channel_is_offered_only_once_configured(settings, zalo, cell, login):
    cell_org, (bi, hoa, quan, ha) = cell
    assert "zalo" in [cls.channel for cls in optional_channels()]
    assert "0912 345 672" in login(hoa).get(reverse("notification_settings")).content.decode()
    settings.HANDBOOK_ZALO_ACCESS_TOKEN = ""
    assert "zalo" not in [cls.channel for cls in optional_channels()]
    assert "channel_zalo" not in login(hoa).get(reverse("notification_settings")).context["form"].fields


def test_a_reminder_reaches_a_member_who_chose_zalo_once_and_other_kinds_stay_off_zalo(cell, zalo, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _zalo_on(hoa, ha)
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    _remind(run_jobs)
    rows = Delivery.objects.filter(channel="zalo")
    assert list(rows.values_list("kind", "member__full_name", "status", "attempts")) == [
        ("meeting_reminder", "Lê Thị Hoa", "sent", 1),
    ]
    (request,) = zalo.requests
    assert PLACE in request["template_data"]["content"] and request["template_data"]["name"] == "Lê Thị Hoa"
    run_jobs(meeting_cancel, meeting=meeting, reason="Bão")
    assert rows.count() == 1  # no approved template for a cancellation: not sent on Zalo
    assert Delivery.objects.filter(kind="meeting_cancelled", member=hoa, channel="inapp").exists()


def test_a_rate_limited_message_is_sent_later_and_an_invalid_number_remembered(cell, zalo, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _zalo_on(hoa, quan)
    zalo.answer("+84912345672", code=-32, message="Request limit exceeded")
    zalo.answer("+84912345673", code=-108, message="Phone number is invalid")
    meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    busy = Delivery.objects.get(channel="zalo", member=hoa)
    invalid = Delivery.objects.get(channel="zalo", member=quan)
    assert (busy.status, busy.attempts) == ("failed", 1) and busy.next_attempt_at is not None
    assert invalid.status == "permanent_failure"
    assert BadAddress.objects.filter(channel="zalo", address="+84912345673").exists()
    zalo.answers.clear()
    delivery.deliveries_send(delivery_ids=[busy.pk, invalid.pk], now=busy.next_attempt_at + dt.timedelta(seconds=1))
    busy.refresh_from_db()
    assert (busy.status, busy.attempts) == ("sent", 2)
    assert [r["phone"] for r in zalo.requests].count("84912345673") == 1  # not asked again
