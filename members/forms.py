"""Forms of the roster pages: they parse and explain; the services decide and write."""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import DateInput
from common.text import control_characters, invisible_characters, normalize_search, normalize_text
from members import imports
from members import normalize as norm
from members.access import members_visible
from members.models import Member, Role, User
from members.rules import probation_ends
from members.selectors import RosterFilter
from members.services import NumberConflict


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


class RosterSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or party card number"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": _("e.g. Nguyen Van An or 0123")}))
    status = forms.ChoiceField(label=pgettext_lazy("member", "Status"), required=False, choices=[
        ("", _("Everyone on the rolls")),
        (RosterFilter.OFFICIAL, _("Official")),
        (RosterFilter.PROBATIONARY, _("Probationary")),
        (RosterFilter.EXEMPT, _("Exempt from activity")),
        (RosterFilter.AWAY, _("Away on temporary transfer")),
        (RosterFilter.ATTENDING, _("Attending here temporarily")),
    ])


MEMBER_FORM_FIELDS = [
    "full_name", "date_of_birth", "gender", "ethnicity", "religion", "citizen_id", "phone", "email",
    "party_card_number", "admission_date", "official_date", "workplace_kind", "workplace", "far_from_home",
]


class MemberForm(forms.ModelForm):
    """Every field of the record, with the checks people need explained in their words."""

    class Meta:
        model = Member
        fields = MEMBER_FORM_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "admission_date": DateInput(),
            "official_date": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
            "citizen_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "party_card_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "party_card_number": _("12 digits, as on the party card."),
            "citizen_id": _("12 digits, as on the citizen identity card."),
            "phone": _("For example 0912 345 678."),
        }
        error_messages = {
            "full_name": {"required": _("Enter the member's full name.")},
        }

    # Numbers checked against every record: the holder is named only to a user who may see
    # them; anyone else gets one message whatever the reason (imports.MESSAGES["number_unusable"]).
    numbers_checked = ("party_card_number", "citizen_id")
    holder_named = {
        "party_card_number": _("This party card number already belongs to %(name)s."),
        "citizen_id": _("This citizen ID already belongs to %(name)s."),
    }

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.warnings: list[str] = []
        # Numbers refused as held outside the scope: the view reports them to the committee above.
        self.number_conflicts: list[NumberConflict] = []
        self.fields["gender"].choices = [("", _("— choose —")), *Member.Gender.choices]
        for name in ("date_of_birth", "admission_date", "official_date"):
            if name in self.fields:
                self.fields[name].widget = DateInput()
        for name in ("party_card_number", "citizen_id", "phone"):
            # People type "0101 2345 6789": the length is checked once the spaces are gone.
            if name in self.fields:
                field = self.fields[name]
                field.max_length = None
                field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
                field.widget.attrs.pop("maxlength", None)
        if self.instance.pk and self.instance.official_date is None and "official_date" in self.fields:
            # Recognition as official is a status step with its decision, not a field edit.
            self.fields["official_date"].disabled = True
            self.fields["official_date"].help_text = _(
                "Set when the member is recognised as official (Change status on the member's page).")

    def _twelve_digits(self, name: str, message) -> str | None:
        value = norm.digits_only(self.cleaned_data.get(name))
        if not value:
            return None
        if not re.fullmatch(r"\d{12}", value):
            raise forms.ValidationError(message % {"count": sum(ch.isdigit() for ch in value)})
        return value

    def clean_party_card_number(self):
        return self._twelve_digits("party_card_number", _("A party card number has exactly 12 digits (you typed %(count)s)."))

    def clean_citizen_id(self):
        return self._twelve_digits("citizen_id", _("A citizen ID has exactly 12 digits (you typed %(count)s)."))

    def clean_phone(self):
        try:
            return norm.normalize_phone(self.cleaned_data.get("phone"))
        except ValueError:
            raise forms.ValidationError(_("Enter a Vietnamese phone number such as 0912 345 678.")) from None

    def clean_full_name(self):
        name = " ".join(normalize_text(self.cleaned_data.get("full_name")).split())
        if invisible_characters(name):
            raise forms.ValidationError(imports.message_for("bad_characters"))
        return name

    def _clean_text(self, name: str) -> str:
        value = normalize_text(self.cleaned_data.get(name))
        if control_characters(value):
            raise forms.ValidationError(imports.message_for("bad_characters"))
        return value

    def clean_ethnicity(self):
        return self._clean_text("ethnicity")

    def clean_religion(self):
        return self._clean_text("religion")

    def clean_workplace(self):
        return self._clean_text("workplace")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        born, admitted, official = data.get("date_of_birth"), data.get("admission_date"), data.get("official_date")
        for name in ("date_of_birth", "admission_date", "official_date"):
            if data.get(name) and data[name] > today:
                self.add_error(name, _("The date is in the future."))
        if born and admitted and born >= admitted:
            self.add_error("admission_date", _("The admission date must be after the date of birth."))
        elif born and admitted:
            rules = settings.HANDBOOK_RULES
            low, high = rules.get("admission_age_min", 18), rules.get("admission_age_max", 60)
            age = norm.age_on(born, admitted)
            if not low <= age <= high:
                self.warnings.append(_("Age at admission was %(age)s; the rule is %(min)s to %(max)s. Check the dates.")
                                     % {"age": age, "min": low, "max": high})
        if official and admitted and official < admitted:
            self.add_error("official_date", _("The official-member date must be on or after the admission date."))
        if official and not admitted:
            self.add_error("admission_date", _("Enter the admission date too."))
        return data

    def validate_unique(self):
        exclude = self._get_validation_exclusions() | {"party_card_number", "citizen_id"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)
        for name in self.numbers_checked:
            value = self.cleaned_data.get(name)
            if name in self.fields and value and name not in self.errors:
                self._check_number_free(name, value)

    def _check_number_free(self, name: str, value: str) -> None:
        holder = Member.objects.filter(**{name: value}).exclude(pk=self.instance.pk).only("pk", "full_name").first()
        if holder is None:
            return
        if self.scope is not None and members_visible(self.scope).filter(pk=holder.pk).exists():
            self.add_error(name, self.holder_named[name] % {"name": holder.full_name})
        else:
            self.add_error(name, imports.message_for("number_unusable", {"value": value}))
            self.number_conflicts.append(
                NumberConflict(field=name, number=value, name=self.cleaned_data.get("full_name", "")))

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in MEMBER_FORM_FIELDS
                if name in self.cleaned_data and not self.fields[name].disabled}


class MemberCreateForm(MemberForm):
    role = forms.ChoiceField(label=_("Role in the cell"), choices=Role.choices, initial=Role.MEMBER)
    start_date = _date_field(_("On this cell's rolls since"), initial=timezone.localdate)
    decision_ref = forms.CharField(label=_("Admission decision"), required=False, max_length=120,
                                   help_text=_("For example 12-QĐ/ĐU."))

    def clean(self):
        data = super().clean()
        if data.get("official_date") and not data.get("party_card_number"):
            # Cards are issued to official members; say so, without refusing (the card may come later).
            self.warnings.append(_("An official member usually has a party card number; add it when you have it."))
        return data


class VisitorForm(MemberForm):
    """A member of a party organisation outside the system, attending this cell for a while."""

    other_organization = forms.CharField(
        label=_("Comes from (party organisation)"), max_length=200,
        help_text=_("As written on the letter of introduction, e.g. Chi bộ Trường THPT Lê Lợi, Đảng bộ huyện X."),
    )
    effective_date = _date_field(_("Attends here from"), initial=timezone.localdate)
    decision_ref = forms.CharField(label=_("Letter of introduction"), required=False, max_length=120)

    class Meta(MemberForm.Meta):
        fields = ["full_name", "date_of_birth", "gender", "phone", "email", "party_card_number", "citizen_id",
                  "admission_date", "official_date", "workplace_kind", "workplace"]

    # A card number already in the system is a member arriving from another cell of it: the
    # view receives them instead of refusing (see member_receive_temporary).
    numbers_checked = ("citizen_id",)

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


OUTSIDE = "outside"


class StatusChangeForm(forms.Form):
    effective_date = _date_field(_("Effective date"))
    decision_ref = forms.CharField(label=_("Decision reference"), required=False, max_length=120,
                                   help_text=_("Number and issuer, e.g. 45-QĐ/ĐU."))
    note = forms.CharField(label=pgettext_lazy("status change", "Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, action, member: Member, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.member = action, member
        if action.decision_required:
            self.fields["decision_ref"].required = True
        self.cells = {str(c.public_id): c for c in (cells or [])}
        if action.destination and self.cells:
            # A few cells read best as radio buttons; a committee's many cells as a list.
            self.fields["destination"] = forms.ChoiceField(
                label=_("Where to"), widget=forms.RadioSelect if len(self.cells) <= 6 else forms.Select,
                choices=[*((key, c.name) for key, c in self.cells.items()), (OUTSIDE, _("Elsewhere (write it below)"))],
            )
            self.fields["other_organization"] = forms.CharField(
                label=_("Name of that party organisation"), required=False, max_length=200,
                help_text=_("When it is elsewhere: as on the letter of introduction, e.g. Chi bộ Công ty ABC, "
                            "Đảng bộ phường Y."),
            )
            self.order_fields(["destination", "other_organization", "effective_date", "decision_ref", "note"])
        elif action.destination:
            # The officer sees no other cell: the destination is written as on the letter. If it
            # is a cell of this system, that cell receives the member by their card number.
            self.fields["other_organization"] = forms.CharField(
                label=_("Where to (party organisation)"), max_length=200,
                help_text=_("As on the letter of introduction, e.g. Chi bộ Trường Chính trị tỉnh, Đảng bộ phường Y."),
            )
            self.order_fields(["other_organization", "effective_date", "decision_ref", "note"])
        elif action.other_organization:
            self.fields["other_organization"] = forms.CharField(
                label=_("To which party organisation"), required=False, max_length=200)
            self.order_fields(["other_organization", "effective_date", "decision_ref", "note"])
        if not self.is_bound:
            today = timezone.localdate()
            if action.key == "official" and member.admission_date:
                due = probation_ends(member.admission_date)
                self.initial["effective_date"] = min(due, today + dt.timedelta(days=366))
            else:
                self.initial["effective_date"] = today

    def clean(self):
        data = super().clean()
        if self.action.destination:
            chosen = data.get("destination", OUTSIDE)
            if chosen == OUTSIDE:
                data["temporary_cell"] = None
                if not (data.get("other_organization") or "").strip():
                    self.add_error("other_organization", _("Write the name of the party organisation."))
            elif chosen:
                data["temporary_cell"] = self.cells.get(chosen)
                data["other_organization"] = ""
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the cell"), choices=Role.choices)


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Sign-in name"), max_length=150,
                               help_text=_("Letters, digits and . _ - only; the member signs in with it."))
    email = forms.EmailField(label=_("Email for the invitation"), required=False,
                             help_text=_("The member receives a link there to choose a password. "
                                         "Without an email, you print a sign-in code for them."))

    def clean_username(self):
        value = self.cleaned_data["username"].strip().lower()
        if not re.fullmatch(r"[a-z0-9._-]{3,150}", value):
            raise forms.ValidationError(_("Use at least 3 letters or digits without accents, . _ or -."))
        return value


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}),
        help_text=_("At most 5 MB and 20,000 rows. CSV: UTF-8, separated by commas or semicolons."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(imports.message_for("too_big", {"limit": imports.MAX_BYTES // (1024 * 1024)}))
        head = upload.read(4096)
        upload.seek(0)
        try:
            imports.check_upload(upload.name, head, upload.size)
        except imports.ImportFileError as error:
            raise forms.ValidationError(imports.message_for(error.code, error.params)) from None
        return upload


def suggest_username(member: Member) -> str:
    """'Nguyễn Văn An' -> 'annv', then 'annv2', ... if taken (one query)."""
    words = re.sub(r"[^a-z ]", "", normalize_search(member.full_name)).split()
    base = (words[-1] + "".join(w[0] for w in words[:-1])) if words else "dangvien"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, len(taken) + 3) if f"{base}{n}" not in taken)

