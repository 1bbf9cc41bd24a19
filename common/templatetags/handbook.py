"""Template filters: Vietnamese date forms ("Thứ Hai, 05/01/2026") in the local time zone, and
percentages in the one figure style ("88,7 %")."""

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.translation import pgettext_lazy

from common.numbers import format_percent

register = template.Library()

WEEKDAYS = [
    pgettext_lazy("weekday", "Monday"),
    pgettext_lazy("weekday", "Tuesday"),
    pgettext_lazy("weekday", "Wednesday"),
    pgettext_lazy("weekday", "Thursday"),
    pgettext_lazy("weekday", "Friday"),
    pgettext_lazy("weekday", "Saturday"),
    pgettext_lazy("weekday", "Sunday"),
]


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def weekday(value):
    if not value:
        return ""
    return str(WEEKDAYS[_local(value).weekday()])


@register.filter
def longdate(value):
    """'Thứ Hai, 05/01/2026' (or 'Monday, 05/01/2026')."""
    if not value:
        return ""
    value = _local(value)
    day = value.date() if isinstance(value, dt.datetime) else value
    return f"{WEEKDAYS[day.weekday()]}, {formats.date_format(day, 'SHORT_DATE_FORMAT')}"


@register.filter
def hm(value):
    """Local time as 19:30."""
    if not value:
        return ""
    return _local(value).strftime("%H:%M")


@register.filter
def pct(value) -> str:
    """A percentage in the one figure style: 88.65 -> '88,7 %'; None -> '—'."""
    return format_percent(value)
