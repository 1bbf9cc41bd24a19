"""A change that guards an account (TOTP on or off, the password changed or reset) is told
to its owner through the notification ledger: if it was not them, they hear of it."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from api.services import token_issue
from members.models import User
from members.services import member_update
from notifications.account_notices import ACCOUNT_CHANGED
from notifications.models import Delivery, Dispatch, Notification
from tests.security.conftest import PASSWORD, sign_in, totp_now

NEW_PASSWORD = "Moi-9384-matkhau"


@pytest.fixture
def owner(cast):
    """The member whose account changes, with an address for the email copy."""
    User.objects.filter(pk=cast.member.user_id).update(email="hoa@example.vn")
    return cast.member


def _turn_totp_on(client, owner):
    sign_in(client, "member")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})


def _turn_totp_off(client, owner):
    secret = generate_totp_secret()
    TOTP.activate(owner.user, secret)
    sign_in(client, "member", secret=secret)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))


def _change_password(client, owner):
    sign_in(client, "member")
    client.post(reverse("account_change_password"),
                {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def _reset_password(client, owner):
    user = User.objects.get(pk=owner.user_id)
    path = reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


CHANGES = {"totp_added": _turn_totp_on, "totp_removed": _turn_totp_off,
           "password_changed": _change_password, "password_reset": _reset_password}


@pytest.mark.parametrize("event", list(CHANGES))
def test_each_change_records_one_notice_for_the_owner(cast, owner, client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CHANGES[event](client, owner)
    dispatch = Dispatch.objects.get(kind=ACCOUNT_CHANGED)
    assert dispatch.params["user_id"] == owner.user_id and dispatch.params["event"] == event
    assert set(Delivery.objects.filter(kind=ACCOUNT_CHANGED).values_list("member_id", "channel")) == {
        (owner.pk, "inapp"), (owner.pk, "email")}


@pytest.mark.parametrize("event", list(CHANGES))
def test_the_notice_is_emailed_and_says_what_to_do_if_it_was_not_them(cast, owner, client, event,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CHANGES[event](client, owner)
    email = Delivery.objects.get(kind=ACCOUNT_CHANGED, channel="email")
    assert email.status == Delivery.Status.SENT and email.address == "hoa@example.vn"
    sent = [m for m in mail.outbox if m.extra_headers.get("Message-ID", "").startswith(f"<delivery.{email.pk}.")]
    assert len(sent) == 1 and sent[0].to == ["hoa@example.vn"]
    # The inbox copy is in the owner's language (Vietnamese): the fallback English must not
    # show once translated, so the test looks for the parts that are not words.
    notice = Notification.objects.get(kind=ACCOUNT_CHANGED)
    assert notice.user_id == owner.user_id and "member" in notice.body  # the account's username
    assert re.search(r"\d\d:\d\d", notice.body)  # when


def test_the_tokens_revoked_with_the_change_are_part_of_the_same_notice(cast, owner, client,
                                                                          django_capture_on_commit_callbacks):
    token_issue(user=owner.user, name="phone")
    with django_capture_on_commit_callbacks(execute=True):
        _change_password(client, owner)
    assert Dispatch.objects.filter(kind=ACCOUNT_CHANGED).count() == 1


def test_no_one_else_is_told(cast, owner, client, django_capture_on_commit_callbacks):
    member_update(member=cast.outsider, email="ngoai@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        _change_password(client, owner)
    assert set(Delivery.objects.filter(kind=ACCOUNT_CHANGED).values_list("member_id", flat=True)) == {owner.pk}
    assert not Notification.objects.filter(kind=ACCOUNT_CHANGED).exclude(user_id=owner.user_id).exists()
    assert all(m.to != ["ngoai@example.vn"] for m in mail.outbox)


def test_the_outsider_cannot_read_the_owners_notice(cast, owner, client, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _change_password(client, owner)
    page = login(cast.outsider).get(reverse("inbox")).content.decode()
    notice = Notification.objects.get(kind=ACCOUNT_CHANGED)
    assert notice.subject not in page


def test_an_account_without_a_member_record_records_no_notice(cast, client, django_capture_on_commit_callbacks):
    sign_in(client, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_change_password"),
                    {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.get(username="admin").check_password(NEW_PASSWORD)
    assert not Dispatch.objects.filter(kind=ACCOUNT_CHANGED).exists()
