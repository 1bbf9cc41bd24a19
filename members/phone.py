"""Phone numbers as accounts hold them: E.164 (+84…), read from the ways people write them.

A Vietnamese number is written "0912 345 678", "0912.345.678", "84912345678" or
"+84 912 345 678"; all are +84912345678. A number abroad must be written with its "+"
country code. The account's number (`User.phone`) is the one allauth signs in with; it is
copied from the member record by the secretary's services (members.services), never typed
by the member.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-()]")
# A Vietnamese national significant number: 9 digits for mobiles (3x, 5x, 7x, 8x, 9x),
# 10 for landlines (2xx…).
_VN_NATIONAL = re.compile(r"[35789]\d{8}|2\d{9}")
_E164 = re.compile(r"\+[1-9]\d{6,14}")

INVALID_MESSAGE = _("Enter a phone number such as 0912 345 678 (or +country code for a number abroad).")


def to_e164(raw: str) -> str:
    """The number in E.164, or ValidationError. "" stays "" (no number)."""
    value = _SEPARATORS.sub("", raw or "")
    if not value:
        return ""
    if value.startswith("00"):
        value = "+" + value[2:]
    if value.startswith("+84"):
        national = value[3:]
    elif value.startswith("+"):
        if _E164.fullmatch(value):
            return value
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    elif value.startswith("84") and len(value) in (11, 12):
        national = value[2:]
    elif value.startswith("0"):
        national = value[1:]
    else:
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    if not _VN_NATIONAL.fullmatch(national):
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return "+84" + national


def to_e164_or_none(raw: str) -> str | None:
    """For copying a record's number to an account: None when it is empty or not a number."""
    try:
        return to_e164(raw) or None
    except ValidationError:
        return None


def display(e164: str) -> str:
    """+84912345678 -> 0912 345 678 (as Vietnamese write it); other numbers as stored."""
    if e164.startswith("+84") and len(e164) == 12:
        national = "0" + e164[3:]
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return e164


class PhoneField(forms.CharField):
    """The sign-in pages' phone field (allauth asks the adapter for it): any usual writing in,
    E.164 out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "type": "tel", "autocomplete": "tel", "inputmode": "tel", "placeholder": "0912 345 678",
        }))
        super().__init__(**kwargs)

    def to_python(self, value):
        return to_e164(super().to_python(value))
