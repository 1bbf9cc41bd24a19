"""The second factor is bound to the session; changing it or the password ends the rest."""

import re

import pytest
from allauth.account.signals import password_reset
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from api.services import token_issue
from members.models import User
from tests.security.conftest import PASSWORD, sign_in, totp_now


@pytest.fixture
def rule_on(settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True


def _turn_totp_on(client, capture) -> str:
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks before MFA changes
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    with capture(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    return secret


def test_a_password_only_session_gains_no_officer_access_when_totp_is_turned_on_elsewhere(cast, client, rule_on):
    sign_in(client, "secretary")
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    TOTP.activate(cast.secretary.user, generate_totp_secret())  # in another browser
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_password_only_session_gets_no_officer_api_answers_either(cast, client, rule_on):
    sign_in(client, "secretary")
    TOTP.activate(cast.secretary.user, generate_totp_secret())
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_sign_in_required"


def test_signing_in_with_the_code_gives_officer_access(cast, client, rule_on):
    secret = generate_totp_secret()
    TOTP.activate(cast.secretary.user, secret)
    sign_in(client, "secretary", secret=secret)
    assert client.get(reverse("home")).status_code == 200


# allauth announces the new authenticator on commit: a real transaction lets that happen
# inside the request, as in production.
@pytest.mark.django_db(transaction=True)
def test_turning_totp_on_in_this_session_lets_the_officer_work(cast, client, rule_on, django_capture_on_commit_callbacks):
    sign_in(client, "secretary")
    _turn_totp_on(client, django_capture_on_commit_callbacks)
    assert client.get(reverse("home")).status_code == 200


def test_turning_totp_on_ends_the_other_sessions_but_not_this_one(cast, client, django_capture_on_commit_callbacks):
    other = Client()
    sign_in(other, "member")
    sign_in(client, "member")
    _turn_totp_on(client, django_capture_on_commit_callbacks)
    assert client.get(reverse("home")).status_code == 200
    assert other.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in other.session


def test_turning_totp_off_ends_the_other_sessions(cast, client, django_capture_on_commit_callbacks):
    secret = generate_totp_secret()
    TOTP.activate(cast.member.user, secret)
    other = Client()
    other.force_login(cast.member.user)  # a TOTP code is good for one sign-in only
    sign_in(client, "member", secret=secret)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"))
    assert client.get(reverse("home")).status_code == 200
    assert "_auth_user_id" not in other.session


def test_turning_totp_on_revokes_the_api_tokens(cast, client, django_capture_on_commit_callbacks):
    token, _ = token_issue(user=cast.member.user, name="phone")
    sign_in(client, "member")
    _turn_totp_on(client, django_capture_on_commit_callbacks)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_changing_the_password_revokes_the_api_tokens_and_keeps_this_session(cast, client):
    token, _ = token_issue(user=cast.member.user, name="phone")
    other = Client()
    sign_in(other, "member")
    sign_in(client, "member")
    client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "Moi-9384-matkhau", "password2": "Moi-9384-matkhau",
    })
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(reverse("home")).status_code == 200
    assert other.get(reverse("home")).status_code == 302


def test_a_password_reset_revokes_the_api_tokens(cast, rf):
    token_issue(user=cast.member.user, name="phone")
    user = User.objects.get(pk=cast.member.user_id)
    password_reset.send(sender=User, request=rf.get("/"), user=user)
    assert not ApiToken.objects.filter(user=user).usable().exists()
