"""Forms of the library pages: they read what was typed; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from library.models import LibraryEntry
from library.services import ACCEPT_ATTRIBUTE

UPLOAD_KINDS = [(k, label) for k, label in LibraryEntry.Kind.choices
                if k in (LibraryEntry.Kind.DIRECTIVE, LibraryEntry.Kind.RESOLUTION, LibraryEntry.Kind.OTHER)]


class UploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300,
                            help_text=_("For example: Chỉ thị số 05-CT/TU về tăng cường công tác kiểm tra"))
    kind = forms.ChoiceField(label=_("Kind of document"), choices=UPLOAD_KINDS, initial=LibraryEntry.Kind.DIRECTIVE)
    issued_by = forms.CharField(label=_("Issued by"), max_length=200,
                                help_text=_("For example: Ban Thường vụ Tỉnh ủy"))
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
                           help_text=_("PDF, Word (.docx), JPEG or PNG. The text of a PDF or Word file is searchable."))
