"""The Django admin has no password-only door: its sign-in is the site's, with its limits and TOTP."""

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.security.conftest import PASSWORD, sign_in


def _admin_door(client) -> str:
    """Where the admin's sign-in leads (old code: its own form at /admin/login/)."""
    response = client.get("/admin/login/?next=/admin/")
    return response["Location"] if response.status_code == 302 else "/admin/login/?next=/admin/"


def _post_password(client, url, password):
    return client.post(url, {"login": "admin", "username": "admin", "password": password, "next": "/admin/"})


def test_a_superuser_with_totp_gets_no_admin_session_from_the_password_alone(cast, client):
    TOTP.activate(cast.admin, generate_totp_secret())
    _post_password(client, "/admin/login/?next=/admin/", PASSWORD)
    assert "_auth_user_id" not in client.session
    _post_password(client, _admin_door(client), PASSWORD)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_admin_sign_in_leads_to_the_sites_sign_in_and_back(cast, client):
    door = _admin_door(client)
    assert door == reverse("account_login") + "?next=%2Fadmin%2F"
    response = _post_password(client, door, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_twenty_five_wrong_passwords_at_the_admin_door_are_rate_limited(cast, client, rate_limits):
    door = _admin_door(client)
    for _ in range(25):
        _post_password(client, door, "wrong-password")
    _post_password(client, door, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_the_admin_door_does_not_send_elsewhere(cast, client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_a_signed_in_member_without_staff_rights_is_refused_not_looped(cast, login):
    assert login(cast.member).get("/admin/login/?next=/admin/").status_code == 403


def test_a_superuser_must_sign_in_with_totp_for_the_admin_when_the_rule_is_on(cast, client, settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(cast.admin, secret)
    client.force_login(cast.admin)  # a session that never passed the second factor
    response = client.get("/admin/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    sign_in(client, "admin", secret=secret)
    assert client.get("/admin/").status_code == 200


def test_staff_without_totp_must_turn_it_on_before_the_admin_when_the_rule_is_on(cast, client, settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    sign_in(client, "admin")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
