"""Headers on every answer, the idle timeout of sessions, the client's address behind proxies."""

import time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from api.services import token_issue
from handbook.security import LAST_SEEN_KEY, client_ip
from tests.security.conftest import sign_in


def test_answers_to_a_signed_in_member_are_not_stored(cast, login):
    response = login(cast.member).get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_answers_with_a_token_are_not_stored(cast, client):
    _, raw = token_issue(user=cast.member.user, name="phone")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_every_page_carries_the_permissions_policy(db, client):
    policy = client.get(reverse("account_login"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def _age_session(client, minutes):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_a_member_idle_for_longer_than_the_limit_is_signed_out(cast, client, settings):
    settings.HANDBOOK_SESSION_IDLE_MINUTES = 60
    sign_in(client, "member")
    _age_session(client, 59)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, 61)
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_officers_are_signed_out_sooner(cast, client, settings):
    settings.HANDBOOK_SESSION_IDLE_MINUTES = 60
    settings.HANDBOOK_OFFICER_IDLE_MINUTES = 15
    sign_in(client, "secretary")
    _age_session(client, 16)
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(cast, client, settings):
    settings.HANDBOOK_SESSION_IDLE_MINUTES = 60
    sign_in(client, "member")
    _age_session(client, 50)
    client.get(reverse("home"))
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5


def test_a_session_lasts_hours_not_weeks(settings):
    assert settings.SESSION_COOKIE_AGE <= 24 * 3600


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "203.0.113.9", "10.0.0.2"),  # nothing in front: the header is the client's own words
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client wrote the first entry
    (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
    (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not believed
    (1, "not-an-address", "10.0.0.2"),
    (1, "", "10.0.0.2"),
])
def test_the_client_address_counts_trusted_proxies_from_the_right(settings, proxies, forwarded, expected):
    settings.HANDBOOK_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_allauths_rate_limits_count_the_address_from_client_ip(settings, rf):
    from allauth.account.adapter import get_adapter

    settings.HANDBOOK_TRUSTED_PROXIES = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert get_adapter(request).get_client_ip(request) == "10.0.0.2"


def test_rotating_x_forwarded_for_does_not_escape_the_sign_in_limit(cast, client, rate_limits):
    for number in range(12):
        client.post(reverse("account_login"), {"login": f"nobody{number}", "password": "x"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = client.post(reverse("account_login"), {"login": "member", "password": "pw-12345-test"},
                           HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
