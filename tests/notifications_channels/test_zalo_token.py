"""The Zalo OA access token renewed with the single-use refresh token, against the fake
Zalo's OAuth server on 127.0.0.1: both new tokens kept, the refresh token spent once however
many workers renew, an expired token renewed and the message sent again, a refusal shown."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from handbook.celery import app
from notifications import tasks
from notifications.models import ChannelCredential
from notifications.services.zalo_token import zalo_credential, zalo_token_renew
from notifications.transports.zalo import ZaloError, ZaloTransport
from tests import factories as f
from tests.notifications_channels.fake_zalo import APP_ID, REFRESH_TOKEN, SECRET_KEY, TOKEN
from tests.notifications_channels.test_zalo import _message


@pytest.fixture
def renewing(zalo, settings):
    """The fake Zalo, with the OA's refresh token and app credentials configured."""
    settings.HANDBOOK_ZALO_REFRESH_TOKEN = REFRESH_TOKEN
    settings.HANDBOOK_ZALO_APP_ID = APP_ID
    settings.HANDBOOK_ZALO_SECRET_KEY = SECRET_KEY
    settings.HANDBOOK_ZALO_OAUTH_URL = zalo.oauth_url
    return zalo


def _stored() -> ChannelCredential:
    return ChannelCredential.objects.get(channel="zalo")


def test_the_first_use_copies_both_tokens_from_the_environment(renewing, db):
    row = zalo_credential()
    assert (row.access_token, row.refresh_token, row.expires_at) == (TOKEN, REFRESH_TOKEN, None)
    assert zalo_credential().pk == row.pk


def test_a_renewal_stores_both_new_tokens_and_then_waits_until_an_hour_is_left(renewing, db):
    now = timezone.now()
    assert zalo_token_renew(now=now)
    row = _stored()
    assert (row.access_token, row.refresh_token) == ("access-1", "refresh-1")
    assert row.expires_at == now + dt.timedelta(seconds=90000) and row.renewed_at == now and not row.last_error
    assert renewing.renewals == [{"refresh_token": REFRESH_TOKEN, "app_id": APP_ID, "grant_type": "refresh_token",
                                  "secret_key": SECRET_KEY}]
    assert not zalo_token_renew(now=now + dt.timedelta(hours=23)), "still more than an hour left"
    assert len(renewing.renewals) == 1
    assert zalo_token_renew(now=row.expires_at - dt.timedelta(minutes=59))
    assert renewing.renewals[-1]["refresh_token"] == "refresh-1", "the rotated refresh token is the one used"
    assert (_stored().access_token, _stored().refresh_token) == ("access-2", "refresh-2")


def test_messages_go_with_the_stored_token_once_renewed(renewing, db):
    ZaloTransport().send(_message())
    zalo_token_renew()
    ZaloTransport().send(_message())
    assert [r["access_token"] for r in renewing.requests] == [TOKEN, "access-1"]


def test_beat_renews_every_half_hour(renewing, db):
    entry = app.conf.beat_schedule["zalo-token-renew"]
    assert entry["task"] == tasks.renew_zalo_token.name
    assert entry["schedule"].minute == {0, 30}
    tasks.renew_zalo_token.delay()
    assert _stored().access_token == "access-1"


@pytest.mark.django_db(transaction=True)
def test_two_workers_renewing_at_once_spend_the_refresh_token_once(renewing):
    zalo_credential()  # expiry unknown: both workers want to renew
    renewing.renewal_seconds = 0.3  # Zalo is slow: the second worker arrives while the first waits
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait(timeout=30)
            results.append(zalo_token_renew())
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False, True]
    assert [r["refresh_token"] for r in renewing.renewals] == [REFRESH_TOKEN]
    assert (_stored().access_token, _stored().refresh_token) == ("access-1", "refresh-1")


def test_an_expired_token_is_renewed_once_and_the_message_sent_again(renewing, db):
    zalo_credential()
    renewing.valid_tokens.discard(TOKEN)  # Zalo now answers -124 to the old token
    ZaloTransport().send(_message())
    assert [r["access_token"] for r in renewing.requests] == [TOKEN, "access-1"]
    assert len(renewing.renewals) == 1 and _stored().access_token == "access-1"


def test_a_token_another_worker_renewed_is_read_again_without_renewing(renewing, db):
    transport = ZaloTransport()
    transport.send(_message())  # this batch now holds the old token
    renewing.valid_tokens = {"access-9"}
    ChannelCredential.objects.filter(channel="zalo").update(access_token="access-9", refresh_token="refresh-9")
    transport.send(_message())
    assert [r["access_token"] for r in renewing.requests] == [TOKEN, TOKEN, "access-9"]
    assert renewing.renewals == []


def test_a_refused_renewal_is_recorded_and_the_channel_shown_degraded(renewing, client, db):
    zalo_credential()
    renewing.valid_tokens.discard(TOKEN)
    renewing.refuse_renewal = True
    with pytest.raises(ZaloError) as refused:
        ZaloTransport().send(_message())
    assert refused.value.unavailable and not refused.value.permanent, "the batch waits; no number is blamed"
    row = _stored()
    assert "-14014" in row.last_error and "Invalid refresh token" in row.last_error and row.failed_at
    assert (row.access_token, row.refresh_token) == (TOKEN, REFRESH_TOKEN), "the old pair is kept"
    assert REFRESH_TOKEN not in row.last_error
    client.force_login(f.user("operator", is_staff=True))
    page = client.get(reverse("delivery_operator"))
    assert page.context["zalo_token"].degraded
    text = page.content.decode()
    assert 'data-zalo-token="degraded"' in text and "Invalid refresh token" in text
    renewing.refuse_renewal = False
    assert zalo_token_renew()
    assert not _stored().last_error
    assert 'data-zalo-token="ok"' in client.get(reverse("delivery_operator")).content.decode()


def test_without_a_refresh_token_the_failure_says_what_is_missing(zalo, settings, db):
    zalo.valid_tokens.discard(TOKEN)
    with pytest.raises(ZaloError):
        ZaloTransport().send(_message())
    assert "no refresh token" in _stored().last_error
    assert zalo.renewals == []


def test_the_operator_page_shows_no_token_block_without_zalo(client, db, settings):
    settings.HANDBOOK_ZALO_ACCESS_TOKEN = ""
    client.force_login(f.user("operator", is_staff=True))
    page = client.get(reverse("delivery_operator"))
    assert page.context["zalo_token"] is None and "data-zalo-token" not in page.content.decode()
