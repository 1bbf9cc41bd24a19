"""Forms of the admissions pages: one per step, short enough for a phone."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admissions.models import AdmissionPlan, Candidate, ProbationReview, Step
from admissions.uploads import ACCEPT_ATTRIBUTE
from common.forms import DateInput
from members.rules import AdmissionCategory


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def _count(label):
    return forms.IntegerField(label=label, min_value=0, max_value=999,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["full_name", "date_of_birth", "gender", "ethnicity", "religion", "workplace_kind", "workplace",
                  "citizen_id", "phone", "registered_on"]
        widgets = {
            "date_of_birth": DateInput(), "registered_on": DateInput(),
            "gender": forms.RadioSelect,
            "citizen_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {"date_of_birth": _("A party member is admitted from 18 to 60 years old.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [c for c in self.fields["gender"].choices if c[0]]
        if not self.is_bound:
            self.initial.setdefault("registered_on", timezone.localdate())


class CourseForm(forms.Form):
    course_on = _date(_("Course completed on"))
    course_certificate = forms.CharField(label=_("Certificate number"), max_length=60)


class SponsorsForm(forms.Form):
    sponsor_1 = forms.ModelChoiceField(label=_("First sponsor"), queryset=None)
    sponsor_2 = forms.ModelChoiceField(label=_("Second sponsor"), queryset=None)
    sponsors_on = _date(_("Sponsors' letters dated"))

    def __init__(self, *args, sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sponsor_1", "sponsor_2"):
            self.fields[name].queryset = sponsors


class VoteForm(forms.Form):
    vote_on = _date(_("Cell vote on"))
    official_members = _count(_("Official members summoned"))
    votes_for = _count(_("Votes for"))
    votes_against = _count(_("Votes against"))


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60,
                                      help_text=_("e.g. 125-QĐ/ĐU"))
    decision_on = _date(_("Decision dated"))
    decision_organization = forms.ChoiceField(label=_("Issued by"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.public_id): o for o in organizations}
        self.fields["decision_organization"].choices = [(key, o.name) for key, o in self.organizations.items()]

    def clean_decision_organization(self):
        return self.organizations[self.cleaned_data["decision_organization"]]


class CeremonyForm(forms.Form):
    ceremony_on = _date(_("Admission ceremony on"))
    party_card_number = forms.RegexField(
        label=_("Party card number"), regex=r"^\d{12}$", required=False,
        help_text=_("If already issued: 12 digits. It can be added later on the member's record."),
        error_messages={"invalid": _("A party card number has exactly 12 digits.")},
    )


STEP_FORMS = {Step.COURSE: CourseForm, Step.SPONSORS: SponsorsForm, Step.VOTE: VoteForm,
              Step.DECISION: DecisionForm, Step.CEREMONY: CeremonyForm}


class WithdrawForm(forms.Form):
    withdrawn_on = _date(_("Withdrawn on"))
    withdrawal_reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    step = forms.ChoiceField(label=_("Paper of the step"), choices=[c for c in Step.choices if c[0] != Step.WITHDRAWN])
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))


class PlanForm(forms.ModelForm):
    class Meta:
        model = AdmissionPlan
        fields = ["target", *(f"target_{key}" for key in AdmissionCategory.ALL)]
        widgets = {name: forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
                   for name in ["target", *(f"target_{key}" for key in AdmissionCategory.ALL)]}


class ProbationReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ProbationReview.Outcome.choices, widget=forms.RadioSelect,
                                initial=ProbationReview.Outcome.RECOGNISED)
    vote_on = _date(_("Cell vote on"))
    official_members = _count(_("Official members summoned"))
    votes_for = _count(_("Votes for"))
    votes_against = _count(_("Votes against"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, help_text=_("e.g. 210-QĐ/ĐU"))
    decision_on = _date(_("Decision dated"))
    effective_date = _date(_("Official member from"), required=False,
                           help_text=_("Empty: the day probation ends (recognised) or the decision's date."))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
