"""Forms of the fees pages: a member's fee basis, a remittance, and reading typed amounts."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from fees.models import FeeKind

_NOT_DIGITS = re.compile(r"[\s.,_đĐ]|VND|vnd")


def parse_amount(value: str) -> int | None:
    """"50.000", "50 000 đ", "50000" → 50000; anything else → None (a whole number of đồng)."""
    cleaned = _NOT_DIGITS.sub("", value or "")
    if not cleaned.isdigit() or len(cleaned) > 12:
        return None
    return int(cleaned)


class AmountField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        amount = parse_amount(value)
        if amount is None:
            raise forms.ValidationError(_("Enter a whole number of đồng, e.g. 50.000."))
        return amount


class FeeBasisForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeeKind.choices)
    base_amount = AmountField(label=_("Base amount (insured salary or pension, đồng)"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    effective_from = forms.DateField(label=_("From"), widget=DateInput())


class RemittanceForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    amount = AmountField(label=_("Amount (đồng)"),
                         widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    remitted_on = forms.DateField(label=_("Remitted on"), widget=DateInput())
    to_organization = forms.TypedChoiceField(label=_("To"), coerce=int)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].choices = [(org.pk, org.name) for org in levels]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
