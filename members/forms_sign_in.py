"""Sign-in forms of our own: a code by SMS (allauth's form, phone only) and the printed code."""

from allauth.account.forms import RequestLoginCodeForm
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from members.access_codes import access_code_account, normalize_code


class RequestPhoneCodeForm(RequestLoginCodeForm):
    """allauth's "send me a code" with the phone number only: members with an email sign in
    with their password or reset it by email; the code by SMS is for those without."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        self.fields["phone"].required = True


class AccessCodeForm(forms.Form):
    """The printed code and a password the member chooses."""

    code = forms.CharField(label=_("Code on the card"), max_length=24, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false",
        "placeholder": "ABCD-EFGH-JKMN",
    }))
    password1 = forms.CharField(label=_("New password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 8 characters; not only digits."))
    password2 = forms.CharField(label=_("New password (again)"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        self.user = access_code_account(code)
        if self.user is None:
            raise forms.ValidationError(
                _("This code is not valid. It may be mistyped, used, replaced or expired."), code="invalid_code")
        return code

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first and getattr(self, "user", None) is not None:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
