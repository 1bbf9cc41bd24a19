"""Forms of the tree pages: they read what was typed; the services decide the rest."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cells.models import REMINDER_CHOICES_AT_MOST, Organization
from common.forms import DateInput


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class CreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of organisation"))
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput(), required=False)

    def __init__(self, *args, parent: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in Organization.Kind
                                       if parent.kind in Organization.ALLOWED_PARENTS[k]]


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)


class CloseForm(forms.Form):
    on = forms.DateField(label=_("Closed on"), widget=DateInput())


class MoveForm(forms.Form):
    new_parent = OrgChoiceField(label=_("Move under"), queryset=None, to_field_name="public_id")

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class MergeForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(label=_("Organisations to merge"), queryset=None,
                                             to_field_name="public_id", widget=forms.CheckboxSelectMultiple)
    target = OrgChoiceField(label=_("Merge into"), queryset=None, to_field_name="public_id", required=False,
                            empty_label=_("A new organisation (name it below)"))
    new_name = forms.CharField(label=_("Name of the new organisation"), max_length=200, required=False)
    new_code = forms.CharField(label=_("Code of the new organisation"), max_length=40, required=False)
    on = forms.DateField(label=_("Merged on"), widget=DateInput())

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = children
        self.fields["sources"].label_from_instance = lambda o: f"{o.name} ({o.get_kind_display()})"
        self.fields["target"].queryset = children


# The lead times an organisation may offer its members (15 minutes to 7 days before).
LEAD_TIME_MENU = (7 * 24 * 60, 3 * 24 * 60, 2 * 24 * 60, 24 * 60, 12 * 60, 6 * 60, 3 * 60, 2 * 60, 60, 30, 15)


def lead_time_label(minutes: int) -> str:
    """A lead time as members read it: "1 ngày trước", "2 giờ trước", "30 phút trước"."""
    if minutes % (24 * 60) == 0:
        count = minutes // (24 * 60)
        return ngettext("%(count)s day before", "%(count)s days before", count) % {"count": count}
    if minutes % 60 == 0:
        count = minutes // 60
        return ngettext("%(count)s hour before", "%(count)s hours before", count) % {"count": count}
    return ngettext("%(count)s minute before", "%(count)s minutes before", minutes) % {"count": minutes}


def _lead_time_menu():
    return [(minutes, lead_time_label(minutes)) for minutes in LEAD_TIME_MENU]


class SettingsForm(forms.Form):
    regular_meeting_day = forms.IntegerField(label=_("Day of the month for regular meetings"), min_value=1,
                                             max_value=28, required=False,
                                             help_text=_("Empty: as the organisation above."))
    regular_meeting_time = forms.TimeField(label=_("Usual start time"), required=False,
                                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    reminder_hours = forms.CharField(
        label=_("Reminders before a meeting (hours)"), required=False, max_length=60,
        help_text=_("Numbers separated by commas, e.g. 72, 2. Empty: as the organisation above."))
    reminder_choices_minutes = forms.TypedMultipleChoiceField(
        label=_("Lead times members may choose"), required=False, coerce=int, choices=_lead_time_menu,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At most three, among them the reminders above, which members who never choose get. "
                    "None ticked: as the organisation above."))
    effective_date = forms.DateField(label=_("Effective from"), widget=DateInput())

    def clean_reminder_choices_minutes(self):
        minutes = sorted(set(self.cleaned_data["reminder_choices_minutes"]), reverse=True)
        if len(minutes) > REMINDER_CHOICES_AT_MOST:
            raise ValidationError(_("Tick at most %(count)s lead times.") % {"count": REMINDER_CHOICES_AT_MOST})
        return minutes or None

    def clean_reminder_hours(self):
        text = self.cleaned_data["reminder_hours"].strip()
        if not text:
            return None
        try:
            hours = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise ValidationError(_("Write whole numbers of hours separated by commas.")) from None
        if not hours or any(h < 1 or h > 24 * 30 for h in hours):
            raise ValidationError(_("Each reminder is between 1 hour and 30 days before."))
        return sorted({h * 60 for h in hours}, reverse=True)


class OfficerForm(forms.Form):
    member = MemberChoiceField(label=_("Party member"), queryset=None, to_field_name="public_id")
    role = forms.ChoiceField(label=_("Role"))
    start_date = forms.DateField(label=_("Term from"), widget=DateInput())
    end_date = forms.DateField(label=_("Term until"), widget=DateInput(), required=False)

    def __init__(self, *args, members, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["role"].choices = roles


class EndTermForm(forms.Form):
    end_date = forms.DateField(label=_("Last day of the term"), widget=DateInput())


class InChargeForm(forms.Form):
    member = MemberChoiceField(label=_("Standing committee member in charge"), queryset=None,
                               to_field_name="public_id")
    start_date = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class SeatForm(OfficerForm):
    title = forms.CharField(label=_("Position title"), max_length=120, required=False)
    field_order = ["member", "role", "title", "start_date", "end_date"]


class SplitForm(forms.Form):
    part_1 = forms.CharField(label=_("New cell 1"), max_length=200)
    part_2 = forms.CharField(label=_("New cell 2"), max_length=200, required=False)
    part_3 = forms.CharField(label=_("New cell 3"), max_length=200, required=False)
    on = forms.DateField(label=_("Split on"), widget=DateInput())
    close_source = forms.BooleanField(label=_("Close this cell (every member goes to a new cell)"), required=False)

    def parts(self) -> list[dict]:
        return [{"name": self.cleaned_data.get(f"part_{i}") or ""} for i in (1, 2, 3)]
