"""Sign-in and account-security pages (django-allauth) in the product's frame, in Vietnamese.

allauth ships no Vietnamese: locale_vendor/vi holds it, beside our own catalog in locale/.
"""

import ast
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import allauth
import polib
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from members.models import User

PASSWORD = "pw-12345-test"
VENDOR_PO = Path(settings.BASE_DIR) / "locale_vendor" / "vi" / "LC_MESSAGES" / "django.po"
OUR_TEMPLATES = [
    path
    for folder in ("allauth", "account", "mfa")
    for path in sorted((Path(settings.BASE_DIR) / "templates" / folder).rglob("*"))
    if path.suffix in (".html", ".txt")
]


def _text(response) -> str:
    return response.content.decode()


def _sign_in(client, username="member", password=PASSWORD):
    """A real sign-in, then the password once more: allauth asks for it before MFA changes."""
    response = client.post(reverse("account_login"), {"login": username, "password": password})
    assert response.status_code == 302, _text(response)
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, _text(response)
    return client


def _totp_now(secret) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _wrong_code(secret) -> str:
    return "000000" if _totp_now(secret) != "000000" else "111111"


class _Labels(HTMLParser):
    """Collects <label for=…> targets and the ids of form controls."""

    def __init__(self):
        super().__init__()
        self.label_for, self.controls = set(), {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls[attrs.get("id")] = attrs


def _controls_without_label(html: str) -> list:
    parser = _Labels()
    parser.feed(html)
    return [attrs for control_id, attrs in parser.controls.items() if control_id not in parser.label_for]


# --- Sign-in ---------------------------------------------------------------------------------


def test_the_login_page_is_vietnamese_in_our_frame_without_sign_up(db, client):
    response = client.get(reverse("account_login"))
    page = _text(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert "<title>Đăng nhập · Sổ tay Đảng viên</title>" in page
    assert 'href="/static/css/handbook.css"' in page  # our base.html, not allauth's bare layout
    assert '<h1 class="account-title">Đăng nhập</h1>' in page
    assert '<label for="id_login">Tên đăng nhập, email hoặc số điện thoại</label>' in page
    assert '<label for="id_password">Mật khẩu</label>' in page
    assert "Ghi nhớ đăng nhập" in page
    assert f'<a href="{reverse("account_reset_password")}">Quên mật khẩu?</a>' in page
    assert '<button class="button" type="submit">Đăng nhập</button>' in page
    assert reverse("account_signup") not in page
    for word in ("Đăng ký", "đăng ký", "Sign Up", "sign up", "Sign In", "Password"):
        assert word not in page
    assert _controls_without_label(page) == []


def test_the_login_page_speaks_english_after_switching(db, client):
    client.post("/i18n/setlang/", {"language": "en"})
    page = _text(client.get(reverse("account_login")))
    assert '<html lang="en">' in page
    assert '<h1 class="account-title">Sign In</h1>' in page
    assert "Forgot your password?" in page
    assert "Remember Me" in page
    assert "Đăng nhập" not in page
    assert reverse("account_signup") not in page
    assert "Sign Up" not in page and "sign up" not in page


def test_a_failed_login_says_why_in_vietnamese_and_keeps_the_login(cast, client):
    response = client.post(reverse("account_login"), {"login": "member", "password": "sai-mat-khau"})
    page = _text(response)
    assert response.status_code == 200
    assert (
        '<div class="form-errors" role="alert"><ul class="errorlist nonfield">'
        "<li>Tên đăng nhập hoặc mật khẩu không đúng.</li></ul></div>"
    ) in page
    assert re.search(r'<input type="text" name="login" value="member"[^>]*id="id_login"', page)
    assert "_auth_user_id" not in client.session


def test_an_empty_field_is_marked_next_to_its_input(db, client):
    page = _text(client.post(reverse("account_login"), {"login": "member", "password": ""}))
    assert '<div class="field field-error">' in page
    assert '<ul class="errorlist" id="id_password_error">' in page
    assert 'aria-invalid="true"' in page and "id_password_error" in page.split('name="password"', 1)[1].split(">")[0]


def test_signing_in_greets_in_vietnamese(cast, client):
    response = client.post(
        reverse("account_login"), {"login": "member", "password": PASSWORD}, follow=True
    )
    assert "Đăng nhập thành công với tài khoản member." in _text(response)


def test_the_sign_up_address_shows_the_closed_page(db, client):
    for response in (client.get(reverse("account_signup")), client.post(reverse("account_signup"), {})):
        page = _text(response)
        assert response.status_code == 200
        assert "<title>Không mở đăng ký · Sổ tay Đảng viên</title>" in page
        assert "Rất tiếc, hệ thống hiện không mở đăng ký tài khoản." in page
        assert "bí thư chi bộ" in page
        assert 'name="password1"' not in page


def test_sign_out_asks_in_vietnamese(cast, client):
    client.force_login(cast.member.user)
    page = _text(client.get(reverse("account_logout")))
    assert "Đồng chí có chắc muốn đăng xuất?" in page
    response = client.post(reverse("account_logout"), follow=True)
    assert "Đồng chí đã đăng xuất." in _text(response)


# --- Password reset and change -----------------------------------------------------------------


def test_the_password_reset_page_is_vietnamese(db, client):
    page = _text(client.get(reverse("account_reset_password")))
    assert '<h1 class="account-title">Đặt lại mật khẩu</h1>' in page
    assert '<label for="id_email">Email</label>' in page
    assert "Gửi email đặt lại mật khẩu" in page
    assert reverse("account_signup") not in page


def test_the_password_reset_email_is_vietnamese(cast, client):
    User.objects.filter(pk=cast.member.user_id).update(email="member@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "member@example.org"}, follow=True)
    assert "Hệ thống đã gửi email cho đồng chí." in _text(response)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.endswith("Đặt lại mật khẩu")
    assert message.body.startswith("Kính gửi đồng chí Lê Thị Hoa,")
    assert "đã yêu cầu đặt lại mật khẩu cho tài khoản của đồng chí" in message.body
    assert "tên đăng nhập của đồng chí là member." in message.body
    assert "/accounts/password/reset/key/" in message.body
    assert "Sổ tay Đảng viên · Đảng Cộng sản Việt Nam" in message.body
    assert "Hello" not in message.body and "Thank you" not in message.body


def test_the_password_reset_email_follows_the_language_switch(cast, client):
    User.objects.filter(pk=cast.member.user_id).update(email="member@example.org")
    client.post("/i18n/setlang/", {"language": "en"})
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    message = mail.outbox[0]
    assert message.subject.endswith("Password Reset Email")
    assert message.body.startswith("Dear comrade Lê Thị Hoa,")
    assert "Party member handbook" in message.body


def test_an_unknown_address_gets_no_sign_up_link(db, client):
    client.post(reverse("account_reset_password"), {"email": "la@example.org"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.startswith("Kính gửi đồng chí,")
    assert "la@example.org" in body
    assert "signup" not in body and "đăng ký" not in body
    assert "bí thư chi bộ" in body


def test_the_reset_link_leads_to_a_vietnamese_form_and_done_page(cast, client):
    User.objects.filter(pk=cast.member.user_id).update(email="member@example.org")
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    page = _text(response)
    assert '<label for="id_password1">Mật khẩu mới</label>' in page
    assert '<label for="id_password2">Nhập lại mật khẩu mới</label>' in page
    assert "Mật khẩu phải có ít nhất 8 ký tự." in page  # Django's help text, in our wording
    short = _text(client.post(response.redirect_chain[-1][0], {"password1": "Ab-1", "password2": "Ab-1"}))
    assert "Mật khẩu quá ngắn, cần có ít nhất 8 ký tự." in short
    assert "bạn" not in short
    response = client.post(
        response.redirect_chain[-1][0], {"password1": "Moi-9384-matkhau", "password2": "Moi-9384-matkhau"},
        follow=True,
    )
    page = _text(response)
    assert "Mật khẩu của đồng chí đã được thay đổi." in page
    assert "Đổi mật khẩu thành công." in page
    bad = _text(client.get(link))
    assert "Liên kết không hợp lệ" in bad and reverse("account_reset_password") in bad


def test_the_password_change_page_is_vietnamese(cast, client):
    client.force_login(cast.member.user)
    page = _text(client.get(reverse("account_change_password")))
    assert '<label for="id_oldpassword">Mật khẩu hiện tại</label>' in page
    assert 'aria-label="Bảo mật tài khoản"' in page
    assert 'href="/accounts/password/change/" aria-current="page">Đổi mật khẩu</a>' in page
    response = client.post(reverse("account_change_password"), {
        "oldpassword": "sai", "password1": "Moi-9384-matkhau", "password2": "Moi-9384-matkhau",
    })
    assert "Vui lòng nhập mật khẩu hiện tại." in _text(response)


# --- Two-factor authentication ----------------------------------------------------------------------


def test_the_mfa_index_page_is_vietnamese(cast, client):
    client.force_login(cast.member.user)
    page = _text(client.get(reverse("mfa_index")))
    assert "<title>Xác thực hai lớp · Sổ tay Đảng viên</title>" in page
    assert "<h2>Ứng dụng xác thực</h2>" in page
    assert "<h2>Mã khôi phục</h2>" in page
    assert "Chưa kích hoạt ứng dụng xác thực." in page
    assert f'<a class="button" href="{reverse("mfa_activate_totp")}">Kích hoạt</a>' in page


def test_the_mfa_index_shows_what_is_on(cast, client):
    TOTP.activate(cast.member.user, generate_totp_secret())
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(cast.member.user)
    client.force_login(cast.member.user)
    page = _text(client.get(reverse("mfa_index")))
    assert "Đăng nhập bằng mã từ ứng dụng xác thực đang được bật." in page
    assert "Còn 10 trên tổng số 10 mã khôi phục chưa dùng." in page
    assert "Hủy kích hoạt" in page and "Tải về" in page


def test_the_totp_activation_page_is_vietnamese_and_turns_totp_on(cast, client):
    _sign_in(client)
    response = client.get(reverse("mfa_activate_totp"))
    page = _text(response)
    assert response.status_code == 200
    assert "<title>Kích hoạt ứng dụng xác thực · Sổ tay Đảng viên</title>" in page
    assert '<img src="data:image/svg+xml;base64,' in page
    assert 'alt="Mã QR cho ứng dụng xác thực"' in page
    assert '<p class="field-label" id="authenticator_secret_label">Khóa bí mật</p>' in page
    assert 'href="otpauth://totp/' in page and "Mở bằng ứng dụng xác thực trên điện thoại này" in page
    assert '<label for="id_code">Mã xác thực</label>' in page
    assert _controls_without_label(page) == []
    grouped = re.search(r'<code class="totp-secret" id="authenticator_secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", grouped)
    secret = grouped.replace(" ", "")

    page = _text(client.post(reverse("mfa_activate_totp"), {"code": _wrong_code(secret)}))
    assert "Mã không đúng." in page

    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_now(secret)}, follow=True)
    page = _text(response)
    assert Authenticator.objects.filter(user=cast.member.user, type="totp").exists()
    # allauth adds "activated" on commit, which a test transaction never reaches: see the catalog test.
    with translation.override("vi"):
        assert render_to_string("mfa/messages/totp_activated.txt").strip() == "Đã kích hoạt ứng dụng xác thực."
    assert "<h2 id=\"unused-codes\">Các mã chưa dùng</h2>" in page  # the new recovery codes
    assert "Tải các mã về" in page


def test_the_two_factor_step_of_sign_in_is_vietnamese(cast, client):
    secret = generate_totp_secret()
    TOTP.activate(cast.member.user, secret)
    response = client.post(reverse("account_login"), {"login": "member", "password": PASSWORD}, follow=True)
    page = _text(response)
    assert '<h1 class="account-title">Xác thực hai lớp</h1>' in page
    assert "Vui lòng nhập mã từ ứng dụng xác thực:" in page
    assert '<label for="id_code">Mã xác thực</label>' in page
    assert "mã khôi phục" in page
    page = _text(client.post(reverse("mfa_authenticate"), {"code": _wrong_code(secret)}))
    assert "Mã không đúng." in page
    assert "_auth_user_id" not in client.session


def test_deactivating_totp_asks_and_confirms_in_vietnamese(cast, client, django_capture_on_commit_callbacks):
    secret = generate_totp_secret()
    TOTP.activate(cast.member.user, secret)
    client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = _text(client.get(reverse("mfa_deactivate_totp")))
    assert "<h1 class=\"account-title\">Hủy kích hoạt ứng dụng xác thực</h1>" in page
    assert "Đồng chí sắp tắt đăng nhập bằng ứng dụng xác thực." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"))
    assert "Đã hủy kích hoạt ứng dụng xác thực." in _text(client.get(response["Location"]))
    assert not Authenticator.objects.filter(user=cast.member.user, type="totp").exists()


def test_reauthentication_is_vietnamese(cast, client):
    client.force_login(cast.member.user)  # no recent sign-in on record: allauth asks again
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    page = _text(response)
    assert "<h1 class=\"account-title\">Xác nhận truy cập</h1>" in page
    assert "Để bảo vệ tài khoản, đồng chí vui lòng xác thực lại." in page
    assert '<label for="id_password">Mật khẩu</label>' in page


# --- No inline code (the CSP forbids it) ----------------------------------------------------------


@pytest.mark.parametrize("url_name", [
    "account_login", "account_signup", "account_reset_password", "account_reset_password_done",
])
def test_anonymous_account_pages_have_no_inline_script_or_style(db, client, url_name):
    page = _text(client.get(reverse(url_name)))
    assert " style=" not in page and "<style" not in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert " src=" in tag, tag


@pytest.mark.parametrize("url_name", [
    "mfa_index", "account_change_password", "account_logout", "mfa_activate_totp",
])
def test_signed_in_account_pages_have_no_inline_script_or_style(cast, client, url_name):
    _sign_in(client)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = _text(response)
    assert " style=" not in page and "<style" not in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert " src=" in tag, tag


# --- The catalog --------------------------------------------------------------------------------------


def test_the_vendor_catalog_has_a_proper_header_and_no_gaps():
    po = polib.pofile(str(VENDOR_PO))
    assert po.metadata["Language"] == "vi"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []


_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    for entry in polib.pofile(str(VENDOR_PO)):
        expected = sorted(_PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for msgstr in translations:
            assert sorted(_PLACEHOLDER.findall(msgstr)) == expected, entry.msgid
        html_tags = sorted(re.findall(r"</?[a-z]+", entry.msgid))
        for msgstr in translations:
            assert sorted(re.findall(r"</?[a-z]+", msgstr)) == html_tags, entry.msgid


_STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_CALL = re.compile(r"\b(gettext|pgettext|ngettext|npgettext|_)\(((?:\s*" + _STRING + r"\s*,?)+)")


def _template_msgids(path: Path):
    """(context, msgid) of every string a template translates, as makemessages would see it."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in _CALL.finditer(source):
        strings = [ast.literal_eval(literal) for literal in re.findall(_STRING, match.group(2))]
        if match.group(1) in ("pgettext", "npgettext"):
            yield strings[0], strings[1]
        else:
            yield None, strings[0]


@pytest.mark.parametrize("path", OUR_TEMPLATES, ids=lambda path: path.name)
def test_every_string_of_our_account_templates_has_vietnamese(path):
    msgids = list(_template_msgids(path))
    with translation.override("vi"):
        for context, msgid in msgids:
            translated = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert translated != msgid or msgid in ("Email", "WebAuthn"), f"{path.name}: {msgid!r}"


def test_every_string_of_allauths_own_account_and_mfa_templates_has_vietnamese():
    """Pages we do not override (e-mail management, messages, e-mails) read Vietnamese too."""
    root = Path(allauth.__file__).parent / "templates"
    untranslated = []
    with translation.override("vi"):
        for folder in ("account", "mfa", "allauth"):
            for path in sorted((root / folder).rglob("*")):
                if path.suffix not in (".html", ".txt"):
                    continue
                for context, msgid in _template_msgids(path):
                    translated = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                    if translated == msgid and msgid not in ("Email", "WebAuthn"):
                        untranslated.append((str(path.relative_to(root)), msgid))
    assert untranslated == []


def test_the_vendor_catalog_covers_allauths_account_and_mfa_strings():
    """After an allauth upgrade this names the new msgids (from its French catalog) to translate."""
    ours = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(VENDOR_PO))}
    french = Path(allauth.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    wanted = (
        "account/", "mfa/", "templates/account/", "templates/mfa/", "templates/allauth/",
    )
    missing = [
        entry.msgid for entry in polib.pofile(str(french))
        if not entry.obsolete
        and any(path.startswith(wanted) for path, _line in entry.occurrences)
        and (entry.msgctxt, entry.msgid) not in ours
    ]
    assert missing == []
