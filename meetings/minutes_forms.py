"""The minutes form: what the secretary types; the attendance summary is never typed in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member


class MinutesForm(forms.Form):
    number = forms.CharField(
        label=_("Document number"), max_length=40, required=False,
        help_text=_("The number alone, e.g. 12: the documents print “No. 12-BB/CB” and “No. 12-NQ/CB”."),
    )
    chair = forms.ChoiceField(label=_("Chair"), required=False)
    minute_taker = forms.ChoiceField(label=_("Minute-taker"), required=False)
    contents = forms.CharField(label=_("Contents"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                               help_text=_("The items of the agenda and what was reported."))
    opinions = forms.CharField(label=_("Opinions"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                               help_text=_("Who spoke and what they said, criticism and self-criticism."))
    conclusions = forms.CharField(label=_("Conclusions"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("The chair's conclusions: tasks, owners and deadlines."))
    votes_for = forms.IntegerField(label=_("For"), min_value=0, max_value=999, initial=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=999, initial=0)
    votes_abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, max_value=999, initial=0)
    resolution = forms.CharField(label=_("Resolution adopted"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, attendees: list[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees = {str(m.public_id): m for m in attendees}
        choices = [("", _("— choose among the members present —"))] + [(key, m.full_name) for key, m in self.attendees.items()]
        self.fields["chair"].choices = choices
        self.fields["minute_taker"].choices = choices
        for name in ("votes_for", "votes_against", "votes_abstain"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["chair"] = self.attendees.get(data["chair"])
        data["minute_taker"] = self.attendees.get(data["minute_taker"])
        return data


class MinutesAmendForm(MinutesForm):
    """Complete minutes change only by a numbered amendment, with its reason."""

    reason = forms.CharField(label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Printed with the amendment, with what changed (old → new)."))

    def service_arguments(self) -> dict:
        data = super().service_arguments()
        data.pop("reason")
        return data
