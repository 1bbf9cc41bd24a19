"""Forms of the conduct pages: they read what was typed; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from conduct.models import Commendation, Discipline
from conduct.uploads import ACCEPT_ATTRIBUTE


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class _DecisionForm(forms.Form):
    member = MemberChoiceField(label=_("Party member"), queryset=None, to_field_name="public_id")
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=200,
                                   help_text=_("For example: Ban Thường vụ Đảng ủy xã"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    attachment = forms.FileField(label=_("Scanned decision"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class CommendationForm(_DecisionForm):
    kind = forms.ChoiceField(label=_("Form of commendation"), choices=Commendation.Kind.choices)
    field_order = ["member", "kind"]


class DisciplineForm(_DecisionForm):
    level = forms.ChoiceField(label=_("Form of discipline"), choices=Discipline.Level.choices,
                              widget=forms.RadioSelect)
    field_order = ["member", "level"]


class BadgeForm(forms.Form):
    presented_on = forms.DateField(label=_("Presented on"), widget=DateInput())
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    presented_by = forms.CharField(label=_("Presented by"), max_length=200,
                                   help_text=_("Who presented the badge, e.g. Đảng ủy xã"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Register (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
