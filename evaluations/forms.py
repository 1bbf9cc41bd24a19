"""Forms of the evaluation pages: they read what was typed; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from evaluations.models import EvaluationScheme, Level


class SelfAssessmentForm(forms.Form):
    """One number field per criterion of the form in force, then the member's own account."""

    text = forms.CharField(label=_("Your account of the year"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=5000, required=False)

    def __init__(self, *args, scheme: EvaluationScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(scheme.criteria.all())
        fields = {}
        for criterion in self.criteria:
            fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=criterion.title, min_value=0, max_value=criterion.max_points,
                help_text=_("From 0 to %(max)s points") % {"max": criterion.max_points},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        self.fields = {**fields, "text": self.fields["text"]}

    def points(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"c{criterion.pk}"] for criterion in self.criteria}

    def criterion_fields(self):
        return [self[f"c{criterion.pk}"] for criterion in self.criteria]


class ReviewForm(forms.Form):
    proposed_level = forms.ChoiceField(label=_("Level proposed by the cell"), choices=Level.choices,
                                       widget=forms.RadioSelect)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=999,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label=_("Cell's review"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000,
                           required=False)


class DecisionForm(forms.Form):
    level = forms.ChoiceField(label=_("Level decided"), choices=Level.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Decision note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=3000,
                           required=False)
    confirm_over_quota = forms.BooleanField(label=_("I confirm: save over the quota of “excellent”"),
                                            required=False)


class AmendmentForm(forms.Form):
    new_level = forms.ChoiceField(label=_("New level"), choices=Level.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=3000)


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class SchemeForm(forms.Form):
    """An organisation's own criteria form: a row (title, maximum points) per criterion, blank
    rows left out, then the bands and the quota."""

    ROWS = 8

    effective_year = forms.IntegerField(label=_("In force from the year"), min_value=2000, max_value=2100,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    name = forms.CharField(label=_("Name of the form"), max_length=200)
    total_points = forms.IntegerField(label=_("Total points"), min_value=1, max_value=1000,
                                      widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    excellent_from = forms.IntegerField(label=_("Excellent from (points)"), min_value=1, max_value=1000,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    good_from = forms.IntegerField(label=_("Good from (points)"), min_value=1, max_value=1000,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    completed_from = forms.IntegerField(label=_("Completed from (points)"), min_value=0, max_value=1000,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    excellent_quota_percent = forms.IntegerField(
        label=_("“Excellent” at most (% of “good”)"), min_value=0, max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, self.ROWS + 1):
            self.fields[f"title_{row}"] = forms.CharField(label=_("Criterion %(n)s") % {"n": row}, max_length=300,
                                                          required=False)
            self.fields[f"points_{row}"] = forms.IntegerField(
                label=_("Maximum points"), min_value=1, max_value=1000, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    @staticmethod
    def initial_from(scheme: EvaluationScheme | None, effective_year: int) -> dict:
        initial = {"effective_year": effective_year}
        if scheme is None:
            return initial
        initial |= {name: getattr(scheme, name) for name in ("total_points", "excellent_from", "good_from",
                                                             "completed_from", "excellent_quota_percent")}
        for row, criterion in enumerate(scheme.criteria.all(), start=1):
            initial |= {f"title_{row}": criterion.title, f"points_{row}": criterion.max_points}
        return initial

    def rows(self):
        return [(self[f"title_{row}"], self[f"points_{row}"]) for row in range(1, self.ROWS + 1)]

    def clean(self):
        cleaned = super().clean()
        for row in range(1, self.ROWS + 1):
            title, points = cleaned.get(f"title_{row}", "").strip(), cleaned.get(f"points_{row}")
            if title and points is None and f"points_{row}" not in self.errors:
                self.add_error(f"points_{row}", _("Give the maximum points of this criterion."))
            if points is not None and not title:
                self.add_error(f"title_{row}", _("Give this criterion a title."))
        return cleaned

    def criteria(self) -> list[tuple[str, int]]:
        rows = ((self.cleaned_data[f"title_{row}"].strip(), self.cleaned_data[f"points_{row}"])
                for row in range(1, self.ROWS + 1))
        return [(title, points) for title, points in rows if title]

    def adoption(self) -> dict:
        """The keyword arguments of services.scheme_adopt."""
        names = ("effective_year", "name", "total_points", "excellent_from", "good_from", "completed_from",
                 "excellent_quota_percent")
        return {name: self.cleaned_data[name] for name in names} | {"criteria": self.criteria()}
