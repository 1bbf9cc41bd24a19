"""Rate limits: sign-in per address and per login, the second factor per account, writes per account."""

import pytest

from api.throttles import _ConfiguredThrottle
from tests import factories as f


@pytest.fixture
def rates(settings):
    settings.HANDBOOK_API_THROTTLE_RATES = {"sign_in": "3/m", "sign_in_login": "5/10m", "mfa": "2/5m", "write": "4/m"}
    return settings.HANDBOOK_API_THROTTLE_RATES


def test_sign_in_is_limited_per_address_with_retry_after(cast, api, rates):
    client = api()
    for _ in range(3):
        assert client.post("/api/v1/auth/token/", {"login": "member", "password": "x"}, format="json").status_code == 400
    response = client.post("/api/v1/auth/token/", {"login": "member", "password": "pw-12345-test"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_sign_in_is_limited_per_login_from_any_address(cast, api, rates):
    for n in range(5):
        api().post("/api/v1/auth/token/", {"login": "Member", "password": "x"}, format="json",
                   REMOTE_ADDR=f"10.0.0.{n}")
    response = api().post("/api/v1/auth/token/", {"login": "member", "password": "x"}, format="json",
                          REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    other = api().post("/api/v1/auth/token/", {"login": "secretary", "password": "pw-12345-test"}, format="json",
                       REMOTE_ADDR="10.0.1.2")
    assert other.status_code == 201


def _wrong(login="member", **extra):
    from rest_framework.test import APIClient

    return APIClient().post("/api/v1/auth/token/", {"login": login, "password": "x"}, format="json", **extra)


def test_a_client_rotating_x_forwarded_for_stays_one_address_without_trusted_proxies(cast, rates, settings):
    settings.HANDBOOK_TRUSTED_PROXIES = 0
    statuses = [_wrong(login=f"nobody{n}", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(cast, rates, settings):
    # One attacker behind the proxy must not lock everyone else out.
    settings.HANDBOOK_TRUSTED_PROXIES = 1
    for n in range(3):
        _wrong(login=f"nobody{n}", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _wrong(login="nobody9", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # A spoofed entry left of the proxy's own is not believed either.
    spoofed = _wrong(login="nobody8", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert spoofed.status_code == 429
    assert _wrong(login="nobody7", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 400


def test_the_username_in_any_case_and_the_email_count_against_one_account(cast, rates):
    from members.models import User

    User.objects.filter(pk=cast.member.user_id).update(email="hoa@example.org")
    logins = ["Member", "member", "hoa@example.org", "HOA@Example.org", "  member "]
    statuses = [_wrong(login=login, REMOTE_ADDR=f"10.0.3.{n}").status_code for n, login in enumerate(logins)]
    assert statuses == [400] * 5
    assert _wrong(login="hoa@example.org", REMOTE_ADDR="10.0.3.9").status_code == 429
    assert _wrong(login="secretary", REMOTE_ADDR="10.0.3.10").status_code == 400


def test_an_unknown_login_is_one_bucket_whatever_its_case_or_unicode_form(db, rates):
    logins = ["Nguyễn", "nguyễn", "NGUYỄN", "Nguye\u0302\u0303n", "nguyễn"]
    statuses = [_wrong(login=login, REMOTE_ADDR=f"10.0.4.{n}").status_code for n, login in enumerate(logins)]
    assert statuses == [400, 400, 400, 400, 400]
    assert _wrong(login="Nguyễn", REMOTE_ADDR="10.0.4.9").status_code == 429
    assert _wrong(login="Nguyen", REMOTE_ADDR="10.0.4.10").status_code == 400


@pytest.mark.parametrize("login", ['"a\\u0000b"', '"\\ud800"', '"' + "x" * 300 + '"', "12", "null", '["member"]'])
def test_a_hostile_login_is_a_400_not_a_500(db, rates, login):
    from rest_framework.test import APIClient

    body = '{"login": ' + login + ', "password": "x"}'
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400


def test_the_second_factor_is_limited_per_account(cast, api, rates):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(cast.member.user, generate_totp_secret())
    challenge = api().post("/api/v1/auth/token/", {"login": "member", "password": "pw-12345-test"},
                           format="json").json()["challenge"]
    codes = [api().post("/api/v1/auth/token/mfa/", {"challenge": challenge, "code": "12345678"}, format="json",
                        REMOTE_ADDR=f"10.0.2.{n}").status_code for n in range(3)]
    assert codes == [400, 400, 429]


def test_writes_are_limited_per_account_and_reads_are_not(cast, api, rates):
    from meetings.services.schedule import meeting_schedule

    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    client = api(cast.member)
    statuses = [client.put(f"/api/v1/meetings/{meeting.public_id}/excuse/", {"reason": f"Lý do {n}"},
                           format="json").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert all(client.get("/api/v1/me/").status_code == 200 for _ in range(6))
    assert api(cast.secretary).patch(f"/api/v1/meetings/{meeting.public_id}/", {"place": "Hội trường"},
                                     format="json").status_code == 200


@pytest.mark.parametrize(("rate", "parsed"), [("10/m", (10, 60)), ("5/5m", (5, 300)), ("100/d", (100, 86400))])
def test_rates_may_span_several_units(rate, parsed):
    assert _ConfiguredThrottle.parse_rate(None, rate) == parsed


def test_a_bad_rate_is_refused_loudly():
    with pytest.raises(ValueError):
        _ConfiguredThrottle.parse_rate(None, "ten per minute")
