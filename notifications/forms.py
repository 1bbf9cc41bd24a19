"""The notification settings form: optional channels and the member's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import User


class NotificationSettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the handbook and of your messages"),
        choices=User._meta.get_field("language").choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, channels: list[tuple[str, str, str]], **kwargs):
        """`channels`: (channel, label, address) for each optional channel."""
        super().__init__(*args, **kwargs)
        self.channel_names = []
        for channel, label, address in channels:
            name = f"channel_{channel}"
            self.fields[name] = forms.BooleanField(
                label=label, required=False,
                help_text=address or _("No address on file: ask your cell's secretary to add one."),
                disabled=not address,
            )
            self.fields[f"reminders_only_{channel}"] = forms.BooleanField(
                label=_("Only meeting reminders and changes"), required=False, disabled=not address,
            )
            self.channel_names.append((channel, name))

    def channel_values(self) -> dict[str, bool]:
        return {channel: bool(self.cleaned_data.get(name)) for channel, name in self.channel_names
                if not self.fields[name].disabled}

    def reminders_only_values(self) -> dict[str, bool]:
        return {channel: bool(self.cleaned_data.get(f"reminders_only_{channel}"))
                for channel, name in self.channel_names if not self.fields[name].disabled}

    def channel_fields(self):
        """(the channel's box, its "only meeting reminders" box) for each channel."""
        return [(self[name], self[f"reminders_only_{channel}"]) for channel, name in self.channel_names]
