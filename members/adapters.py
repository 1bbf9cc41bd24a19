"""django-allauth adapter: no open sign-up (accounts come from officers or invitations); rate
limits by the client's address as handbook.security reads it; sign-in by phone number.

The account's number is `User.phone` (E.164, copied from the member record by
members.services), read by `members.phone`. A code goes out synchronously through the SMS
backend (`HANDBOOK_SMS_BACKEND`, named in the settings so that this floor imports none
above it): a code is worth something only while the member waits for it. A number with no
account gets no text at all, and the page answers as for a known one (allauth's
enumeration prevention): the same redirect to the same code page.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from common.text import normalize_text
from handbook.security import client_ip
from members.models import User
from members.phone import PhoneField, to_e164_or_none
from members.selectors import user_id_for_login

logger = logging.getLogger(__name__)


def sms_backend():
    return import_string(settings.HANDBOOK_SMS_BACKEND).from_settings()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # The one reading of the client's address behind proxies (HANDBOOK_TRUSTED_PROXIES),
        # so allauth's per-address limits count clients, not the proxy.
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # One limit of failed sign-ins per account, whatever spelling names it (the username
        # in any case, the email, the phone), as the API's sign-in limit counts; an unknown
        # login by its spelling in one case and one Unicode form.
        login = credentials.get("email") or credentials.get("phone") or credentials.get("username") or ""
        user_id = user_id_for_login(login) if login else None
        if user_id is None and credentials.get("phone"):
            user = self.get_user_by_phone(credentials["phone"])
            user_id = user.pk if user else None
        key = f"user-{user_id}" if user_id else normalize_text(login).casefold()
        return f"{get_current_site(request).domain}:{key}"

    # --- Phone numbers (allauth's phone support) -----------------------------------------

    def phone_form_field(self, **kwargs):
        return PhoneField(**kwargs)

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone(self, user, phone, verified):
        # allauth calls this only at sign-up, which is closed: the number comes from the record.
        User.objects.filter(pk=user.pk).update(phone=phone, phone_verified=verified)
        user.phone, user.phone_verified = phone, verified

    def set_phone_verified(self, user, phone):
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone):
        # The password form passes the number as typed ("0912 345 678"), the code form in E.164.
        phone = to_e164_or_none(phone)
        return User.objects.filter(phone=phone, is_active=True).first() if phone else None

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = _("Sổ tay Đảng viên sign-in code: %(code)s. Do not give it to anyone.") % {"code": code}
        # The code is in `text` only: neither is logged here, and the gateway logs ids only.
        backend = sms_backend()
        try:
            backend.send(phone=phone, text=text)
        except backend.Error as error:
            # The page must read as for a number without an account (no enumeration); the
            # code page says to ask again or for a printed code from the secretary.
            logger.warning("sign-in code not sent to user %s: %s", user.pk, error)

    def send_unknown_account_sms(self, phone, **kwargs):
        # No text to a number without an account: it would cost money and could be aimed at
        # anyone's phone. The page the requester sees is the same either way.
        logger.info("sign-in code asked for a number without an account")
