"""Signing in for a token, the second factor, expiry, revocation and the officer MFA rule."""

import datetime as dt
import time

import pytest
import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.utils import timezone

from api.models import ApiToken, hash_token
from members.models import User

SIGN_IN = "/api/v1/auth/token/"
MFA = "/api/v1/auth/token/mfa/"
PASSWORD = "pw-12345-test"


def _totp_now(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client, login="member", password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"login": login, "password": password, **extra}, format="json")


def test_a_member_signs_in_with_a_username_and_gets_a_working_token(cast, api):
    response = _sign_in(api(), device="Điện thoại Hoa")
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("sotay_") and body["name"] == "Điện thoại Hoa"
    me = api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200 and me.json()["member"]["full_name"] == "Lê Thị Hoa"


def test_a_member_signs_in_with_an_email(cast, api):
    User.objects.filter(pk=cast.member.user_id).update(email="hoa@example.org")
    assert _sign_in(api(), login="hoa@example.org").status_code == 201


def test_only_a_hash_of_the_token_is_stored(cast, api):
    raw = _sign_in(api()).json()["token"]
    token = ApiToken.objects.get(user=cast.member.user)
    assert token.key_hash == hash_token(raw) and raw not in (token.key_hash, token.key_prefix)


def test_the_token_expires_after_ninety_days(cast, api):
    raw = _sign_in(api()).json()["token"]
    token = ApiToken.objects.get(user=cast.member.user)
    assert token.expires_at - token.created_at == dt.timedelta(days=90)
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1), tick=False):
        response = api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_password_gives_a_clear_400_and_no_token(cast, api):
    response = _sign_in(api(), password="sai-mat-khau")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_credentials"
    assert error["message"] == "Tên đăng nhập (hoặc email) hoặc mật khẩu không đúng."
    assert not ApiToken.objects.exists()


def test_an_inactive_account_cannot_sign_in(cast, api):
    User.objects.filter(pk=cast.member.user_id).update(is_active=False)
    assert _sign_in(api()).json()["error"]["code"] == "invalid_credentials"


def test_a_token_of_a_deactivated_account_stops_working(cast, api):
    client = api(cast.member)
    User.objects.filter(pk=cast.member.user_id).update(is_active=False)
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer sotay_nope", "Bearer \u00e9"])
def test_a_malformed_or_unknown_bearer_header_is_a_401(db, api, header):
    response = api().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_without_credentials_it_is_a_401_with_the_scheme(db, api):
    response = api().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_using_a_token_notes_when_it_was_last_used(cast, api):
    client = api(cast.member)
    client.get("/api/v1/me/")
    token = ApiToken.objects.get(user=cast.member.user)
    assert token.last_used_at is not None and timezone.now() - token.last_used_at < dt.timedelta(seconds=5)


# --- Revocation -------------------------------------------------------------------------------


def test_signing_out_revokes_the_token_at_once(cast, api):
    client = api(cast.member)
    assert client.post("/api/v1/auth/sign-out/").status_code == 204
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_revoked"


def test_signing_out_from_a_browser_session_is_a_400(cast, client):
    client.force_login(cast.member.user)
    response = client.post("/api/v1/auth/sign-out/", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "no_token"


def test_a_member_lists_and_revokes_their_own_tokens(cast, api):
    phone = api(cast.member)
    tablet = api(cast.member)
    listed = phone.get("/api/v1/auth/tokens/").json()
    assert listed["count"] == 2
    assert [t["current"] for t in listed["results"]].count(True) == 1
    other = next(t for t in listed["results"] if not t["current"])
    assert phone.delete(f"/api/v1/auth/tokens/{other['id']}/").status_code == 204
    assert tablet.get("/api/v1/me/").status_code == 401
    assert phone.get("/api/v1/me/").status_code == 200
    # Revoking again changes nothing.
    assert phone.delete(f"/api/v1/auth/tokens/{other['id']}/").status_code == 204


def test_an_outsider_cannot_see_or_revoke_someone_elses_token(cast, api):
    api(cast.member)
    token = ApiToken.objects.get(user=cast.member.user)
    outsider = api(cast.outsider)
    assert outsider.get("/api/v1/auth/tokens/").json()["count"] == 1
    response = outsider.delete(f"/api/v1/auth/tokens/{token.public_id}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Two-factor sign-in ------------------------------------------------------------------------


@pytest.fixture
def totp_secret(cast):
    secret = generate_totp_secret()
    TOTP.activate(cast.member.user, secret)
    return secret


def test_with_totp_the_password_alone_gives_a_challenge_not_a_token(cast, api, totp_secret):
    response = _sign_in(api())
    assert response.status_code == 200
    body = response.json()
    assert body["mfa_required"] is True and body["expires_in"] == 300 and body["challenge"]
    assert "token" not in body
    assert not ApiToken.objects.exists()


def test_the_challenge_and_a_totp_code_give_the_token(cast, api, totp_secret):
    challenge = _sign_in(api(), device="Máy tính bảng").json()["challenge"]
    response = api().post(MFA, {"challenge": challenge, "code": _totp_now(totp_secret)}, format="json")
    assert response.status_code == 201
    assert response.json()["name"] == "Máy tính bảng" and response.json()["signed_in_with"] == "mfa"
    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}").status_code == 200


def test_a_recovery_code_works_once_in_place_of_the_totp_code(cast, api, totp_secret):
    code = RecoveryCodes.activate(cast.member.user).get_unused_codes()[0]
    challenge = _sign_in(api()).json()["challenge"]
    assert api().post(MFA, {"challenge": challenge, "code": code}, format="json").status_code == 201
    challenge = _sign_in(api()).json()["challenge"]
    response = api().post(MFA, {"challenge": challenge, "code": code}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_code"


def test_a_wrong_code_gives_no_token(cast, api, totp_secret):
    challenge = _sign_in(api()).json()["challenge"]
    wrong = "000000" if _totp_now(totp_secret) != "000000" else "111111"
    response = api().post(MFA, {"challenge": challenge, "code": wrong}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_code" and "code" in error["fields"]
    assert not ApiToken.objects.exists()


def test_a_challenge_cannot_be_redeemed_twice(cast, api, totp_secret):
    challenge = _sign_in(api()).json()["challenge"]
    assert api().post(MFA, {"challenge": challenge, "code": _totp_now(totp_secret)}, format="json").status_code == 201
    codes = RecoveryCodes.activate(cast.member.user).get_unused_codes()
    response = api().post(MFA, {"challenge": challenge, "code": codes[0]}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_challenge"
    assert ApiToken.objects.count() == 1


def test_a_challenge_expires_after_five_minutes(cast, api, totp_secret):
    challenge = _sign_in(api()).json()["challenge"]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        response = api().post(MFA, {"challenge": challenge, "code": _totp_now(totp_secret)}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_challenge"


def test_a_challenge_dies_when_the_password_changes(cast, api, totp_secret):
    challenge = _sign_in(api()).json()["challenge"]
    user = cast.member.user
    user.set_password("Mat-khau-moi-2026")
    user.save()
    response = api().post(MFA, {"challenge": challenge, "code": _totp_now(totp_secret)}, format="json")
    assert response.json()["error"]["code"] == "invalid_challenge"


def test_a_forged_challenge_is_refused(cast, api, totp_secret):
    response = api().post(MFA, {"challenge": "eyJ1IjoxfQ:forged:sig", "code": _totp_now(totp_secret)}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_challenge"


def test_an_officer_without_totp_gets_no_token_when_the_rule_is_on(cast, api, settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    response = _sign_in(api(), login="secretary")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_setup_required"
    assert _sign_in(api(), login="member").status_code == 201  # plain members are not held to it
    TOTP.activate(cast.secretary.user, generate_totp_secret())
    assert _sign_in(api(), login="secretary").json()["mfa_required"] is True


def test_a_member_made_officer_after_getting_a_token_must_set_up_totp_when_the_rule_is_on(cast, api, settings):
    from members.models import Role
    from members.services import membership_set_role

    client = api(cast.member)
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    assert client.get("/api/v1/me/").status_code == 200
    membership_set_role(member=cast.member, cell=cast.tree.a1, role=Role.COMMITTEE_MEMBER, on=timezone.localdate())
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_setup_required"


def test_a_password_token_gives_no_officer_access_once_totp_is_turned_on(cast, api, settings):
    # TOTP turned on without the signals that revoke tokens (an admin, a script, a migration):
    # the token still proved only the password, so it stays refused, as a session would be.
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    client = api(cast.secretary)
    secret = generate_totp_secret()
    TOTP.activate(cast.secretary.user, secret)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_sign_in_required"
    challenge = _sign_in(api(), login="secretary").json()["challenge"]
    raw = api().post(MFA, {"challenge": challenge, "code": _totp_now(secret)}, format="json").json()["token"]
    assert api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_plain_member_keeps_a_password_token_after_turning_totp_on_elsewhere(cast, api, settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    client = api(cast.member)
    TOTP.activate(cast.member.user, generate_totp_secret())
    assert client.get("/api/v1/me/").status_code == 200


def test_staff_are_held_to_the_second_factor_like_officers(db, api, settings):
    from tests import factories as f

    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    staff = f.user("staffer", is_staff=True)
    response = api(staff).get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_setup_required"
    response = _sign_in(api(), login="staffer")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_setup_required"


def test_the_token_and_the_session_refuse_a_password_only_officer_with_the_same_code(cast, api, client, settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    token_client = api(cast.secretary)
    TOTP.activate(cast.secretary.user, generate_totp_secret())
    client.force_login(cast.secretary.user)  # a session that proved the password only
    by_token = token_client.get("/api/v1/me/")
    by_session = client.get("/api/v1/me/")
    assert by_token.status_code == by_session.status_code == 403
    assert by_token.json()["error"]["code"] == by_session.json()["error"]["code"] == "mfa_sign_in_required"


def test_revoking_all_tokens_revokes_only_that_accounts_usable_ones_and_says_why(cast, api):
    from api.services import token_issue, tokens_revoke_all

    mine, _raw = token_issue(user=cast.member.user, name="phone")
    tablet, _raw = token_issue(user=cast.member.user, name="tablet")
    theirs, _raw = token_issue(user=cast.secretary.user, name="phone")
    assert tokens_revoke_all(cast.member.user, reason="password_changed") == 2
    assert tokens_revoke_all(cast.member.user, reason="password_changed") == 0
    for token in (mine, tablet, theirs):
        token.refresh_from_db()
    assert mine.revoked_at and tablet.revoked_at and theirs.revoked_at is None
    event = mine.events.filter(pgh_label="update").latest("pgh_created_at")
    assert event.pgh_context.metadata["reason"] == "password_changed"


def test_the_browser_session_works_and_needs_the_csrf_token_for_changes(cast, meeting):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.member.user)
    assert browser.get("/api/v1/me/").json()["username"] == "member"
    path = f"/api/v1/meetings/{meeting.meeting.public_id}/excuse/"
    response = browser.put(path, {"reason": "Bận"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    browser.get("/settings/api-tokens/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.put(path, {"reason": "Bận"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
