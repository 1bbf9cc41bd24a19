"""Forms of the petition pages: they read what was typed; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions import rules
from petitions.uploads import ACCEPT_ATTRIBUTE


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class MeetingField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.scheduled_date:%d/%m/%Y} · {obj.title or obj.get_kind_display()}"


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class RaiseForm(forms.Form):
    category = CategoryField(label=_("Category"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    meeting = MeetingField(label=_("From the meeting"), queryset=None, required=False, to_field_name="public_id",
                           empty_label=_("Not from a meeting"),
                           help_text=_("For example the meeting whose resolution asked for it."))
    attachments = MultipleFileField(label=_("Attachments"), required=False,
                                    help_text=_("PDF, Word, Excel, JPEG or PNG; at most 5 files."))

    def __init__(self, *args, categories, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["meeting"].queryset = meetings


class ActionForm(forms.Form):
    """One of the holder's actions; the fields it needs depend on the action."""

    def __init__(self, *args, action: str, members=None, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        self.action = action
        if action == rules.ASSIGN:
            self.fields["assignee"] = forms.CharField(
                label=_("Assigned to (a person or a body)"), max_length=200, required=False,
                help_text=_("For example: Ủy ban Kiểm tra Đảng ủy"))
            self.fields["member"] = MemberField(label=_("Or a committee member"), queryset=members,
                                                required=False, to_field_name="public_id")
            self.fields["text"] = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}),
                                                  max_length=4000, required=False)
        elif action == rules.FORWARD:
            self.fields["text"] = forms.CharField(label=_("Why it goes to the level above"),
                                                  widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
                                                  required=False)
        else:
            label = _("Answer") if action == rules.ANSWER else _("How it was resolved")
            self.fields["text"] = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 4}),
                                                  max_length=10000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen it"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
