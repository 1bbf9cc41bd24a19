"""Phone numbers as Vietnamese read them: {{ "+84912345678"|phone_display }} -> 0912 345 678."""

from django import template

from members.phone import display

register = template.Library()


@register.filter
def phone_display(e164: str | None) -> str:
    return display(e164) if e164 else ""
