"""Sign-in by phone number: a code by SMS through allauth, alongside username and password."""

import logging
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import User
from members.phone import display, to_e164
from members.services import member_update, user_create_for_member
from tests import factories as f


def _totp_now(secret):
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


@pytest.fixture
def phone_member(cast):
    """A member with a phone number and no email, given an account by the secretary."""
    record = f.member(cast.tree.a1, name="Đỗ Văn Điện", phone="0912 345 678")
    user_create_for_member(member=record, username="dien", actor=cast.secretary.user)
    record.refresh_from_db()
    return record


@pytest.mark.parametrize(("typed", "e164"), [
    ("0912 345 678", "+84912345678"), ("0912.345.678", "+84912345678"), ("84912345678", "+84912345678"),
    ("+84 912 345 678", "+84912345678"), ("0084912345678", "+84912345678"), ("0243 825 1234", "+842438251234"),
    ("+33 6 12 34 56 78", "+33612345678"), ("", ""),
])
def test_phone_numbers_are_read_as_people_write_them(typed, e164):
    assert to_e164(typed) == e164


@pytest.mark.parametrize("typed", ["12345", "0012", "091234567890123", "annv", "+0912345678", "0112345678"])
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(ValidationError):
        to_e164(typed)


def test_the_account_takes_the_records_number_and_has_no_email(phone_member):
    user = phone_member.user
    assert (user.phone, user.email, user.phone_verified) == ("+84912345678", "", False)
    assert display(user.phone) == "0912 345 678"


def test_a_change_of_the_records_number_follows_to_the_account(cast, phone_member):
    member_update(member=phone_member, phone="0987 654 321", actor=cast.secretary.user)
    assert User.objects.get(pk=phone_member.user_id).phone == "+84987654321"
    member_update(member=phone_member, phone="", actor=cast.secretary.user)
    assert User.objects.get(pk=phone_member.user_id).phone is None


def test_a_number_shared_by_two_members_signs_in_only_the_first_account(cast, phone_member):
    spouse = f.member(cast.tree.a1, name="Đỗ Thị Hiền", phone="0912345678")
    user_create_for_member(member=spouse, username="hien", actor=cast.secretary.user)
    assert User.objects.get(username="hien").phone is None
    assert User.objects.get(username="dien").phone == "+84912345678"


def test_two_accounts_without_email_live_side_by_side(cast, phone_member):
    other = f.member(cast.tree.a1, name="Mai Văn Hai")
    user_create_for_member(member=other, username="hai", actor=cast.secretary.user)
    assert User.objects.filter(email="").count() >= 2


def test_a_member_signs_in_with_a_code_by_sms(client, gateway, phone_member):
    response = client.post(reverse("account_request_login_code"), {"phone": "0912 345 678"})
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")
    (text,) = gateway.texts_to("+84912345678")
    assert text.startswith("Mã đăng nhập Sổ tay Đảng viên")
    response = client.post(reverse("account_confirm_login_code"), {"code": _code_in(text)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(phone_member.user_id)
    assert User.objects.get(pk=phone_member.user_id).phone_verified


def test_a_wrong_code_does_not_sign_in_and_three_end_the_attempt(client, gateway, phone_member):
    client.post(reverse("account_request_login_code"), {"phone": "0912345678"})
    real = _code_in(gateway.texts_to("+84912345678")[0])
    wrong = "000000" if real != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": wrong})
    response = client.post(reverse("account_confirm_login_code"), {"code": real})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and reverse("account_confirm_login_code") not in response["Location"]


def test_a_phone_number_and_password_sign_in_too(client, phone_member):
    phone_member.user.set_password("Mk-93485-hoa")
    phone_member.user.save()
    response = client.post(reverse("account_login"), {"login": "0912 345 678", "password": "Mk-93485-hoa"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(phone_member.user_id)


def test_a_code_request_for_an_unknown_number_looks_the_same(client, gateway, phone_member):
    known = client.post(reverse("account_request_login_code"), {"phone": "0912345678"}, follow=True)
    client.cookies.clear()
    unknown = client.post(reverse("account_request_login_code"), {"phone": "0977000111"}, follow=True)
    assert [r[1] for r in known.redirect_chain] == [r[1] for r in unknown.redirect_chain] == [302]
    assert known.redirect_chain[0][0] == unknown.redirect_chain[0][0] == reverse("account_confirm_login_code")
    assert known.status_code == unknown.status_code == 200
    assert [t.name for t in known.templates][:1] == [t.name for t in unknown.templates][:1]
    # The same words, whoever owns the number: only the number typed differs.
    def plain(response, number):
        html = response.content.decode().replace(number, "NUMBER").replace(display(number), "NUMBER")
        html = re.sub(r"<time [^>]*>[^<]*</time>", "", html)  # the footer's "updated at"
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    assert plain(known, "+84912345678") == plain(unknown, "+84977000111")
    # Only the known number got a text: no SMS to numbers without an account.
    assert gateway.texts_to("+84977000111") == [] and len(gateway.texts_to("+84912345678")) == 1


def test_a_gateway_refusal_also_looks_the_same(client, gateway, phone_member):
    gateway.answer("+84912345678", code="108", message="bad number")
    response = client.post(reverse("account_request_login_code"), {"phone": "0912345678"})
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")


def test_codes_are_never_logged(client, gateway, phone_member, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(reverse("account_request_login_code"), {"phone": "0912345678"})
    gateway.answer("+84912345678", status=503)
    client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    code = _code_in(gateway.texts_to("+84912345678")[0])
    assert code not in caplog.text
    assert caplog.records  # something was logged, and without the code


def test_code_requests_are_limited_per_number(client, gateway, phone_member, rate_limits):
    for _ in range(3):
        client.cookies.clear()
        assert client.post(reverse("account_request_login_code"), {"phone": "0912345678"}).status_code == 302
    client.cookies.clear()
    response = client.post(reverse("account_request_login_code"), {"phone": "+84 912 345 678"})
    assert response.status_code == 200 and response.context["form"].errors
    assert len(gateway.texts_to("+84912345678")) == 3


def test_code_requests_are_limited_per_address(client, gateway, phone_member, rate_limits):
    for n in range(10):
        client.cookies.clear()
        client.post(reverse("account_request_login_code"), {"phone": f"09770001{n:02d}"})
    client.cookies.clear()
    response = client.post(reverse("account_request_login_code"), {"phone": "0912345678"})
    assert response.status_code == 200 and response.context["form"].errors
    assert gateway.texts_to("+84912345678") == []


def test_an_officer_with_totp_still_gives_the_second_factor_after_a_code(client, gateway, cast, settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    member_update(member=cast.secretary, phone="0903 111 222", actor=cast.secretary.user)
    secret = generate_totp_secret()
    TOTP.activate(cast.secretary.user, secret)
    client.post(reverse("account_request_login_code"), {"phone": "0903111222"})
    response = client.post(reverse("account_confirm_login_code"),
                           {"code": _code_in(gateway.texts_to("+84903111222")[0])})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})
    assert client.session["_auth_user_id"] == str(cast.secretary.user_id)
    assert client.get(reverse("home")).status_code == 200


def test_an_officer_without_totp_signed_in_by_code_must_turn_it_on(client, gateway, cast, settings):
    settings.HANDBOOK_REQUIRE_OFFICER_MFA = True
    member_update(member=cast.secretary, phone="0903 111 222", actor=cast.secretary.user)
    client.post(reverse("account_request_login_code"), {"phone": "0903111222"})
    client.post(reverse("account_confirm_login_code"), {"code": _code_in(gateway.texts_to("+84903111222")[0])})
    assert client.session["_auth_user_id"] == str(cast.secretary.user_id)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_the_sign_in_pages_speak_vietnamese(client, gateway, phone_member):
    assert "Tên đăng nhập, email hoặc số điện thoại" in client.get(reverse("account_login")).content.decode()
    page = client.get(reverse("account_request_login_code")).content.decode()
    assert "Gửi mã đăng nhập cho tôi" in page and "Số điện thoại" in page
    client.post(reverse("account_request_login_code"), {"phone": "0912345678"})
    page = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "Nhập mã đăng nhập" in page and "Nếu số 0912 345 678 có tài khoản" in page


def test_a_member_cannot_change_the_sign_in_number_themselves(client, phone_member):
    client.force_login(phone_member.user)
    assert client.get("/accounts/phone/change/").status_code == 404


def test_a_roster_import_that_changes_the_number_moves_the_account_too(cast, phone_member):
    from members.models import MemberImport
    from members.services_import import member_import_confirm, member_import_start
    from tests.roster.files import csv_bytes, rows_of

    rows = rows_of(1)
    rows[0][1], rows[0][4] = phone_member.full_name, phone_member.party_card_number
    rows[0][2], rows[0][3], rows[0][8] = "", "", "0987 000 111"
    rows[0][5], rows[0][6] = "01/03/2010", "2011-03-01"
    job = member_import_start(cell=cast.tree.a1, name="a.csv", data=csv_bytes(rows), actor=cast.secretary.user)
    job.refresh_from_db()
    assert job.status == MemberImport.Status.READY, job.errors
    member_import_confirm(job=job, actor=cast.secretary.user)
    assert User.objects.get(pk=phone_member.user_id).phone == "+84987000111"
