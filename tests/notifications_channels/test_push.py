"""Web push against a fake push service on 127.0.0.1 that checks the VAPID signature and
decrypts what the phone would show: its answers, the ledger (once per member, retried when
busy, an ended subscription forgotten), the subscribe and unsubscribe doors, the settings."""

import datetime as dt
import json
import threading

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid

from meetings import reminders
from meetings.services.schedule import meeting_schedule
from notifications.models import BadAddress, ChannelPreference, Delivery, PushSubscription
from notifications.services import delivery
from notifications.services.dispatch import DispatchRequest, dispatches_create
from notifications.services.preferences import preferences_update
from notifications.services.push import device_label, push_subscription_save
from notifications.transports import optional_channels
from notifications.transports.base import Message, TransportError
from notifications.transports.push import PushTransport, payload
from tests import factories as f
from tests.notifications_channels.fake_push import b64url

PLACE = "Nhà văn hóa thôn Đông"
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")


def _subscribe(push, member):
    browser = push.browser()
    keys = browser.to_json()["keys"]
    push_subscription_save(user=member.user, endpoint=browser.endpoint, p256dh=keys["p256dh"], auth=keys["auth"],
                           user_agent=ANDROID_CHROME)
    return browser


def _message(user_id, text="Nhắc họp: 19:30 Thứ Ba tại Nhà văn hóa thôn Đông", delivery_id=7):
    return Message(delivery_id=delivery_id, kind="meeting_reminder", channel="push", address=f"user:{user_id}",
                   language="vi", user_id=user_id, subject="Nhắc họp chi bộ", text=text, html="",
                   link="https://handbook.test/meetings/1/", message_id=f"<delivery.{delivery_id}.push@handbook.test>",
                   recipient_name="Lê Thị Hoa")


def _remind(run_jobs, now=None):
    now = now or timezone.now()
    return run_jobs(dispatches_create, requests=reminders.reminders_due(now), now=now)


def _push_rows(meeting):
    return Delivery.objects.filter(key__startswith=f"meeting:{meeting.pk}:reminder:", channel="push")


# --- The transport and the push service ------------------------------------------------------

def test_a_push_is_signed_for_the_service_and_only_the_browser_can_read_it(cell, push):
    cell_org, (bi, hoa, quan, ha) = cell
    browser = _subscribe(push, hoa)
    PushTransport().send(_message(hoa.user_id))
    (pushed,) = push.pushes
    assert push.refused == []  # the VAPID token names the service's origin and is signed with our key
    assert pushed["browser"] == browser.endpoint
    assert pushed["payload"] == {
        "title": "Nhắc họp chi bộ", "body": "Nhắc họp: 19:30 Thứ Ba tại Nhà văn hóa thôn Đông",
        "url": "https://handbook.test/meetings/1/", "tag": pushed["topic"],
    }
    assert (pushed["ttl"], pushed["urgency"], len(pushed["topic"])) == ("86400", "high", 32)
    assert PushSubscription.objects.get(endpoint=browser.endpoint).last_success_at is not None


def test_a_push_signed_with_another_key_is_refused_by_the_service(cell, push, settings):
    cell_org, (bi, hoa, quan, ha) = cell
    _subscribe(push, hoa)
    other = Vapid()
    other.generate_keys()
    settings.HANDBOOK_VAPID_PRIVATE_KEY = b64url(other.private_key.private_numbers().private_value.to_bytes(32, "big"))
    with pytest.raises(TransportError) as refused:
        PushTransport().send(_message(hoa.user_id))
    assert push.refused == ["not the key the browser subscribed with"]
    assert refused.value.permanent and not refused.value.bad_address


def test_the_payload_stays_small_whatever_the_text(cell, push):
    cell_org, (bi, hoa, quan, ha) = cell
    _subscribe(push, hoa)
    message = _message(hoa.user_id, text="Nội dung rất dài của thông báo. " * 300)
    assert len(payload(message).encode()) < 3000
    PushTransport().send(message)
    assert push.pushes[0]["size"] < 3072


def test_a_kind_without_a_short_text_pushes_its_subject_alone():
    message = _message(1, text="Nhắc họp chi bộ")
    assert json.loads(payload(message))["body"] == ""


@pytest.mark.parametrize(("status", "headers", "permanent", "kept", "retry_after"), [
    (410, {}, True, False, 0),  # the subscription has ended: forgotten
    (404, {}, True, False, 0),
    (429, {"Retry-After": "120"}, False, True, 120),  # too many: again, not before the service says
    (503, {}, False, True, 0),
    (413, {}, True, True, 0),  # too large: trying again cannot help, the browser is fine
])
def test_the_services_answers_say_whether_to_try_again_and_what_to_forget(cell, push, status, headers, permanent,
                                                                         kept, retry_after):
    cell_org, (bi, hoa, quan, ha) = cell
    browser = _subscribe(push, hoa)
    push.answer(browser, status, **headers)
    with pytest.raises(TransportError) as refused:
        PushTransport().send(_message(hoa.user_id))
    assert (refused.value.permanent, refused.value.bad_address, refused.value.retry_after) == (
        permanent, False, retry_after)
    assert PushSubscription.objects.filter(endpoint=browser.endpoint).exists() == kept


def test_a_member_with_several_browsers_gets_one_push_on_each_and_one_gone_is_forgotten(cell, push):
    cell_org, (bi, hoa, quan, ha) = cell
    phone, laptop, old = _subscribe(push, hoa), _subscribe(push, hoa), _subscribe(push, hoa)
    push.answer(old, 410)
    PushTransport().send(_message(hoa.user_id))  # accepted by one at least: delivered
    assert sorted(p["browser"] for p in push.pushes) == sorted([phone.endpoint, laptop.endpoint])
    assert set(PushSubscription.objects.values_list("endpoint", flat=True)) == {phone.endpoint, laptop.endpoint}


def test_a_busy_browser_does_not_fail_a_delivery_another_browser_accepted(cell, push):
    cell_org, (bi, hoa, quan, ha) = cell
    _subscribe(push, hoa)
    busy = _subscribe(push, hoa)
    push.answer(busy, 503)
    PushTransport().send(_message(hoa.user_id))
    assert len(push.pushes) == 1


# --- Through the ledger -------------------------------------------------------------------

def test_a_reminder_is_pushed_once_to_a_subscribed_member_in_their_words(cell, push, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _subscribe(push, hoa)
    meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    _remind(run_jobs)
    (row,) = Delivery.objects.filter(channel="push")
    assert (row.member_id, row.status, row.attempts) == (hoa.pk, "sent", 1)
    delivery.deliveries_send(delivery_ids=[row.pk, row.pk])  # sent again: the ledger says it went
    (pushed,) = push.pushes
    assert PLACE in pushed["payload"]["body"] and pushed["payload"]["title"]
    assert pushed["payload"]["url"].startswith("http")


def test_members_without_a_subscribed_browser_are_not_pushed_to(cell, push, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    assert not _push_rows(meeting).exists() and push.requests == 0


def test_a_rate_limited_push_waits_as_long_as_the_service_asks_and_then_goes_once(cell, push, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    browser = _subscribe(push, hoa)
    push.answer(browser, 429, **{"Retry-After": "1800"})
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    before = timezone.now()
    _remind(run_jobs)
    (row,) = _push_rows(meeting)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.next_attempt_at >= before + dt.timedelta(seconds=1800)  # longer than the ledger's own backoff
    assert delivery.deliveries_send(delivery_ids=[row.pk]).sent == 0  # not due yet
    push.answers.clear()
    delivery.deliveries_send(delivery_ids=[row.pk], now=row.next_attempt_at + dt.timedelta(seconds=1))
    row.refresh_from_db()
    assert (row.status, row.attempts, len(push.pushes)) == ("sent", 2, 1)


def test_an_ended_subscription_fails_for_good_is_forgotten_and_blames_no_address(cell, push, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    browser = _subscribe(push, hoa)
    push.answer(browser, 410)
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    (row,) = _push_rows(meeting)
    assert row.status == "permanent_failure"
    assert not PushSubscription.objects.filter(user=hoa.user).exists()
    assert not BadAddress.objects.exists()
    requests = push.requests
    delivery.deliveries_send(delivery_ids=[row.pk])
    assert push.requests == requests  # not tried again


def test_a_member_who_wants_only_reminders_by_push_gets_no_other_notice_there(cell, push, run_jobs, notice):
    cell_org, (bi, hoa, quan, ha) = cell
    _subscribe(push, hoa)
    _subscribe(push, quan)
    preferences_update(user=hoa.user, channels={"push": True}, reminders_only={"push": True}, language="vi")
    run_jobs(dispatches_create, requests=[DispatchRequest(key="notice:1", kind=notice,
                                                          params={"members": [hoa.pk, quan.pk]})])
    assert list(Delivery.objects.filter(key="notice:1", channel="push").values_list("member", "status")) == [
        (quan.pk, "sent")]


def test_a_member_who_turned_push_off_gets_none(cell, push, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _subscribe(push, hoa)
    preferences_update(user=hoa.user, channels={"push": False}, language="vi")
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    assert not _push_rows(meeting).exists() and push.pushes == []


# --- Turning push on and off ----------------------------------------------------------------

def test_a_member_turns_push_on_in_this_browser(cell, push, client, login):
    cell_org, (bi, hoa, quan, ha) = cell
    preferences_update(user=hoa.user, channels={"push": False}, language="vi")
    browser = push.browser()
    response = login(hoa).post(reverse("push_subscribe"), browser.to_json(), content_type="application/json",
                               headers={"user-agent": ANDROID_CHROME})
    assert response.status_code == 201 and response.json() == {"device": "Chrome · Android"}
    saved = PushSubscription.objects.get(user=hoa.user)
    assert (saved.endpoint, saved.device) == (browser.endpoint, "Chrome · Android")
    assert ChannelPreference.objects.get(user=hoa.user, channel="push").enabled  # subscribing is choosing it
    again = client.post(reverse("push_subscribe"), browser.to_json(), content_type="application/json")
    assert again.status_code == 201 and PushSubscription.objects.count() == 1


def test_a_browser_passed_on_pushes_only_to_its_new_owner(cell, push, client, login):
    cell_org, (bi, hoa, quan, ha) = cell
    browser = _subscribe(push, hoa)
    login(quan).post(reverse("push_subscribe"), browser.to_json(), content_type="application/json")
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [quan.user_id]


@pytest.mark.parametrize("endpoint", [
    "https://attacker.example/push/1", "http://127.0.0.1:1/push/1", "javascript:alert(1)", "",
])
def test_an_endpoint_that_is_not_a_push_service_is_refused(cell, push, login, endpoint):
    cell_org, (bi, hoa, quan, ha) = cell
    body = {**push.browser().to_json(), "endpoint": endpoint}
    response = login(hoa).post(reverse("push_subscribe"), body, content_type="application/json")
    assert response.status_code == 400 and not PushSubscription.objects.exists()


def test_keys_that_cannot_encrypt_are_refused(cell, push, login):
    cell_org, (bi, hoa, quan, ha) = cell
    body = push.browser().to_json()
    body["keys"]["p256dh"] = b64url(b"\x04" + b"\x01" * 64)  # not a point on the curve
    assert login(hoa).post(reverse("push_subscribe"), body, content_type="application/json").status_code == 400


def test_subscribing_needs_a_signed_in_member_and_the_csrf_token(cell, push, client):
    cell_org, (bi, hoa, quan, ha) = cell
    body = push.browser().to_json()
    assert client.post(reverse("push_subscribe"), body, content_type="application/json").status_code == 302
    client.handler.enforce_csrf_checks = True
    client.force_login(hoa.user)
    assert client.post(reverse("push_subscribe"), body, content_type="application/json").status_code == 403
    assert not PushSubscription.objects.exists()


def test_a_member_turns_push_off_in_this_browser_and_from_the_list(cell, push, login):
    cell_org, (bi, hoa, quan, ha) = cell
    here, lost_phone = _subscribe(push, hoa), _subscribe(push, hoa)
    client = login(hoa)
    response = client.post(reverse("push_unsubscribe"), {"endpoint": here.endpoint}, content_type="application/json")
    assert response.status_code == 200
    response = client.post(reverse("push_unsubscribe"), {"endpoint": lost_phone.endpoint})
    assert response.status_code == 302 and response.url == reverse("notification_settings")
    assert not PushSubscription.objects.exists()


def test_nobody_turns_off_another_members_push(cast, push, login):
    browser = _subscribe(push, cast.member)
    for who in (cast.outsider, cast.secretary, cast.admin):
        response = login(who).post(reverse("push_unsubscribe"), {"endpoint": browser.endpoint},
                                   content_type="application/json")
        assert response.status_code == 404
    assert PushSubscription.objects.filter(endpoint=browser.endpoint).exists()


# --- The settings page and the keys ----------------------------------------------------------

def test_push_is_offered_only_once_the_keys_are_set(cell, login, settings):
    cell_org, (bi, hoa, quan, ha) = cell
    settings.HANDBOOK_VAPID_PUBLIC_KEY = settings.HANDBOOK_VAPID_PRIVATE_KEY = ""
    page = login(hoa).get(reverse("notification_settings"))
    assert "push" not in [cls.channel for cls in optional_channels()]
    assert "channel_push" not in page.context["form"].fields and 'id="push"' not in page.content.decode()
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {"p256dh": "x", "auth": "y"}}
    assert login(hoa).post(reverse("push_subscribe"), body, content_type="application/json").status_code == 404
    public, private = "BKey", "private"
    settings.HANDBOOK_VAPID_PUBLIC_KEY, settings.HANDBOOK_VAPID_PRIVATE_KEY = public, private
    page = login(hoa).get(reverse("notification_settings"))
    assert "channel_push" in page.context["form"].fields
    html = page.content.decode()
    assert 'data-push-key="BKey"' in html and "Thông báo đẩy trên máy này" in html


def test_the_settings_page_lists_the_members_browsers_in_constant_queries(cell, push, login):
    cell_org, (bi, hoa, quan, ha) = cell
    client = login(hoa)
    _subscribe(push, hoa)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notification_settings"))
    _subscribe(push, hoa)
    _subscribe(push, hoa)
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("notification_settings"))
    assert len(three) == len(one)
    assert page.content.decode().count("Chrome · Android") == 3


def test_the_service_worker_shows_pushes_and_opens_their_link(client):
    source = client.get("/sw.js").content.decode()
    assert 'addEventListener("push"' in source and "showNotification" in source
    assert 'addEventListener("notificationclick"' in source and "openWindow" in source


def test_vapid_keys_prints_a_pair_that_signs(capsys):
    call_command("vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    signer = Vapid.from_string(lines["HANDBOOK_VAPID_PRIVATE_KEY"])
    assert b64url(signer.public_key.public_bytes(*_uncompressed())) == lines["HANDBOOK_VAPID_PUBLIC_KEY"]


def _uncompressed():
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint


@pytest.mark.parametrize(("agent", "label"), [
    (ANDROID_CHROME, "Chrome · Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", "Safari · iOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox · Windows"),
    ("", ""),
])
def test_a_browser_is_named_by_its_user_agent(agent, label):
    assert device_label(agent) == label


@pytest.mark.django_db(transaction=True)
def test_two_subscribes_of_one_new_browser_at_once_keep_one_subscription(cell, push):
    _cell, (_bi, hoa, _quan, _ha) = cell
    keys = push.browser().to_json()
    errors, start = [], threading.Barrier(2)

    def subscribe():
        try:
            start.wait(timeout=30)
            push_subscription_save(user=hoa.user, endpoint=keys["endpoint"], p256dh=keys["keys"]["p256dh"],
                                   auth=keys["keys"]["auth"], user_agent=ANDROID_CHROME)
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=subscribe) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert PushSubscription.objects.filter(endpoint=keys["endpoint"]).count() == 1
