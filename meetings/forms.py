"""Forms of the meeting pages: they read and check what was typed; services decide the rest."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cells.forms import lead_time_label
from common.forms import DateInput
from meetings.models import Meeting, MeetingDocument
from meetings.services.discussion import COMMENT_MAX_LENGTH
from meetings.services.documents import ACCEPT_ATTRIBUTE
from meetings.services.excuses import REASON_MAX_LENGTH


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# Services speak of datetimes; the forms ask for a date and times.
_FIELD_ALIASES = {"starts_at": "date", "ends_at": "end_time"}


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field when the form has it,
    above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = field if field in form.fields else _FIELD_ALIASES.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


class _WhenMixin:
    """Turns the date, start and (optional) end fields into aware datetimes."""

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start:
            data["starts_at"] = _aware(day, start)
            data["ends_at"] = _aware(day, end) if end else None
            if end and end <= start:
                self.add_error("end_time", _("The meeting must end after it starts."))
        return data


class MeetingForm(_WhenMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    title = forms.CharField(
        label=_("Topic"), max_length=200, required=False,
        help_text=_("Required for a thematic meeting, e.g. “Studying the Resolution of the 14th Congress”."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    end_time = forms.TimeField(
        label=_("Ends at"), required=False, widget=TimeInput,
        help_text=_("Leave empty for the usual length (90 minutes; 120 for a thematic meeting)."),
    )
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    started_confirmed = forms.BooleanField(
        label=_("Yes, this meeting has already started or taken place: I am recording it afterwards."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Meeting.Kind.THEMATIC and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the topic of the thematic meeting."))
        # A start in the past is usually a typo (a wrong day or year): ask before saving it.
        if data.get("starts_at") and data["starts_at"] <= timezone.now() and not data.get("started_confirmed"):
            self.add_error("date", _("This date and time have already passed. Check the day and the year; if "
                                     "you are recording a meeting that already took place, tick the box below "
                                     "and schedule again."))
        return data

    @property
    def asks_start_confirmation(self) -> bool:
        """Show the confirmation box once a past start was refused, or when already ticked."""
        return self.is_bound and ("started_confirmed" in self.data or "date" in self.errors)


class MeetingEditForm(_WhenMixin, forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {"title": meeting.title, "date": start.date(), "start_time": start.time(), "end_time": end.time(),
                "place": meeting.place, "agenda": meeting.agenda}


class PostponeForm(_WhenMixin, forms.Form):
    date = forms.DateField(label=_("New date"), widget=DateInput)
    start_time = forms.TimeField(label=_("New start time"), widget=TimeInput)
    reason = forms.CharField(label=_("Reason for postponing"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data["starts_at"] <= timezone.now():
            self.add_error("date", _("The new time must be in the future."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3}))


_DAY_ERROR = _("Choose a day between 1 and 28, so that every month has it.")


class SeriesForm(forms.Form):
    day_of_month = forms.IntegerField(
        label=_("Day of the month"), min_value=1, max_value=28,
        error_messages={"min_value": _DAY_ERROR, "max_value": _DAY_ERROR},
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=30, max_value=480, initial=90,
        help_text=_("At least 90 minutes for a regular meeting."),
        error_messages={"min_value": _("A meeting lasts at least %(limit_value)s minutes."),
                        "max_value": _("A meeting lasts at most %(limit_value)s minutes.")},
    )
    place = forms.CharField(label=_("Place"), max_length=255, required=False)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        allow_empty_file=True,  # the service gives the clear message
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False,
        help_text=_("Leave empty to use the file name."),
    )
    kind = forms.ChoiceField(label=_("Kind of document"), choices=MeetingDocument.Kind.choices,
                             initial=MeetingDocument.Kind.PREPARATORY)


class DraftForm(forms.Form):
    text = forms.CharField(label=_("Draft resolution"), widget=forms.Textarea(attrs={"rows": 10}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment on the draft"), max_length=COMMENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}))


class ExcuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for absence"), max_length=REASON_MAX_LENGTH,
        help_text=_("e.g. working away from home, ill, looking after a relative."),
    )


class LeadTimesField(forms.TypedMultipleChoiceField):
    """Ticked lead times in minutes: any whole number passes, the service says which the cell allows."""

    def valid_value(self, value):
        return str(value).isdigit()


class ReminderChoiceForm(forms.Form):
    offsets_minutes = LeadTimesField(label=_("Remind me"), required=False, coerce=int,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, allowed: tuple[int, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offsets_minutes"].choices = [(minutes, lead_time_label(minutes)) for minutes in allowed]
