"""Forms of the consultation pages: they read what was typed; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from consultations.uploads import ACCEPT_ATTRIBUTE


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title of the draft"), max_length=300)
    issuing_body = forms.CharField(label=_("Issued by"), max_length=200,
                                   help_text=_("For example: Ban Chấp hành Đảng bộ tỉnh"))
    closing_on = forms.DateField(label=_("Comments close on"), widget=DateInput())
    summary = forms.CharField(label=_("What the draft is about"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("The points on which comments are asked, or the text itself."))
    attachment = forms.FileField(label=_("Draft document (PDF or Word)"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
    send_final_up = forms.BooleanField(label=_("Send our final summary to the level above"), required=False)

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent is None:
            del self.fields["send_final_up"]
        else:
            self.fields["send_final_up"].help_text = _("To %(org)s") % {"org": parent.name}


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
