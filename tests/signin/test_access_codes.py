"""Printed sign-in codes: the secretary issues one for a member of their cell, the member uses it
once to choose a password and is signed in."""

import datetime as dt
import hashlib
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from members.access_codes import access_code_issue, format_code
from members.models import AccessCode, Member, User
from members.services import user_create_for_member
from tests import factories as f

NEW_PASSWORD = "Mk-93485-hoa"


@pytest.fixture
def phone_only(cast):
    """A member with a phone number, no email and no account yet."""
    return f.member(cast.tree.a1, name="Đỗ Văn Điện", phone="0912 345 678")


def _code_on(response) -> str:
    return re.search(r"data-code>([A-Z0-9-]{14})<", response.content.decode()).group(1)


def _use(client, code, password=NEW_PASSWORD):
    return client.post(reverse("access_code_sign_in"), {"code": code, "password1": password, "password2": password})


def test_the_secretary_creates_an_account_for_a_phone_only_member_and_prints_a_code(cast, phone_only, login):
    response = login(cast.secretary).post(reverse("member_account", args=[phone_only.public_id]),
                                          {"username": "dienvd", "email": ""})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "members/access_code_card.html"
    page = response.content.decode()
    assert "Gửi đồng chí Đỗ Văn Điện" in page and "dienvd" in page and "0912 345 678" in page
    assert "http://localhost:8000/accounts/access-code/" in page and "<svg" in page
    code = _code_on(response)
    user = Member.objects.get(pk=phone_only.pk).user
    assert (user.username, user.email, user.phone, user.has_usable_password()) == ("dienvd", "", "+84912345678", False)
    # Only a hash is kept.
    row = AccessCode.objects.get(user=user)
    assert row.code_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert code.replace("-", "") not in str(AccessCode.objects.filter(user=user).values())
    assert row.issued_by == cast.secretary.user and row.expires_at == row.issued_at + dt.timedelta(days=7)


def test_the_member_uses_the_code_to_choose_a_password_and_is_signed_in(cast, phone_only, login, client):
    code = _code_on(login(cast.secretary).post(reverse("member_account", args=[phone_only.public_id]),
                                               {"username": "dienvd", "email": ""}))
    client.logout()
    response = _use(client, code.lower().replace("-", " "))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="dienvd")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.check_password(NEW_PASSWORD)
    assert AccessCode.objects.get(user=user).used_at is not None
    # Once only.
    client.logout()
    response = _use(client, code, "Other-93485-pw")
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert "Mã không hợp lệ" in response.content.decode()


def test_a_new_code_voids_the_previous_one(cast, login, client):
    first = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    second = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    first.access_code.refresh_from_db()
    assert first.access_code.voided_at is not None and second.access_code.voided_at is None
    assert "code" in _use(client, first.printed).context["form"].errors
    assert _use(client, second.printed).status_code == 302


def test_an_expired_code_does_not_work(cast, client):
    issued = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    AccessCode.objects.filter(pk=issued.access_code.pk).update(
        issued_at=timezone.now() - dt.timedelta(days=8), expires_at=timezone.now() - dt.timedelta(days=1))
    response = _use(client, issued.printed)
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert not User.objects.get(pk=cast.member.user_id).check_password(NEW_PASSWORD)


def test_a_weak_or_mismatched_password_keeps_the_code_and_spends_nothing(cast, client):
    issued = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    response = client.post(reverse("access_code_sign_in"),
                           {"code": issued.printed, "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200 and "password1" in response.context["form"].errors
    assert issued.printed in response.content.decode()
    response = client.post(reverse("access_code_sign_in"),
                           {"code": issued.printed, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "password2" in response.context["form"].errors
    issued.access_code.refresh_from_db()
    assert issued.access_code.used_at is None


def test_resetting_with_a_code_revokes_api_tokens_and_tells_the_member(cast, client, django_capture_on_commit_callbacks):
    from api.models import ApiToken
    from api.services import token_issue

    token_issue(user=cast.member.user, name="Điện thoại")
    issued = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    with django_capture_on_commit_callbacks(execute=True):
        _use(client, issued.printed)
    assert not ApiToken.objects.filter(user=cast.member.user, revoked_at__isnull=True).exists()
    from notifications.models import Dispatch

    told = Dispatch.objects.filter(kind="account:security_changed", params__user_id=cast.member.user.pk)
    assert [d.params["event"] for d in told] == ["password_set_with_code"]  # not "a link sent by email"


def test_an_officer_with_totp_still_gives_the_second_factor(cast, client, login):
    secret = generate_totp_secret()
    TOTP.activate(cast.secretary.user, secret)
    issued = access_code_issue(user=cast.secretary.user, actor=cast.secretary.user)
    response = _use(client, issued.printed)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_the_issuing_is_audited(cast):
    from pghistory.models import Events

    issued = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    events = Events.objects.tracks(issued.access_code)
    assert [(e.pgh_label, e.pgh_context["user"]) for e in events] == [("insert", cast.secretary.user_id)]


def test_the_secretary_sees_the_last_code_and_prints_a_new_one(cast, login):
    client = login(cast.secretary)
    url = reverse("member_access_code", args=[cast.member.public_id])
    assert "Chưa in mã nào" in client.get(url).content.decode()
    response = client.post(reverse("member_access_code_issue", args=[cast.member.public_id]))
    code = _code_on(response)
    page = client.get(url).content.decode()
    assert "Chưa dùng; còn hiệu lực đến" in page and code not in page
    assert f'href="{url}"' in client.get(reverse("member_detail", args=[cast.member.public_id])).content.decode()


@pytest.mark.parametrize("who", ["outsider", "member", "committee"])
def test_only_the_members_cell_officers_issue_codes(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(reverse("member_access_code", args=[cast.member.public_id])).status_code == 404
    assert client.post(reverse("member_access_code_issue", args=[cast.member.public_id])).status_code == 404
    assert not AccessCode.objects.exists()


def test_no_code_for_an_administrators_account(cast, login):
    admin_record = f.member(cast.tree.a1, name="Quản Trị Viên")
    user_create_for_member(member=admin_record, username="boss", password="pw-12345-test")
    User.objects.filter(username="boss").update(is_staff=True)
    client = login(cast.secretary)
    page = client.get(reverse("member_access_code", args=[admin_record.public_id])).content.decode()
    assert "Không cấp mã đăng nhập cho tài khoản quản trị." in page
    assert client.post(reverse("member_access_code_issue", args=[admin_record.public_id])).status_code == 404


def test_attempts_at_codes_are_limited_per_address(cast, client, rate_limits):
    for _ in range(10):
        _use(client, "AAAA-BBBB-CCCC")
    issued = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    response = _use(client, issued.printed)
    assert response.status_code == 429 and "Thử quá nhiều lần" in response.content.decode()
    issued.access_code.refresh_from_db()
    assert issued.access_code.used_at is None


def test_the_printed_code_reads_without_ambiguous_letters(cast):
    issued = access_code_issue(user=cast.member.user, actor=cast.secretary.user)
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){2}", issued.printed)
    assert format_code(issued.code) == issued.printed


def test_the_admin_shows_codes_read_only_and_without_their_hash(cast, rf):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = cast.admin
    model_admin = admin.site._registry[AccessCode]
    assert model_admin.has_view_permission(request)
    assert not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request))
    assert "code_hash" not in model_admin.get_fields(request)
