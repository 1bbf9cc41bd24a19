"""Amounts of money in đồng, grouped the locale's way: "50.000 đ" in Vietnamese."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def dong(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{formats.number_format(int(value), force_grouping=True)} đ"


@register.filter
def get_month(months: dict, month):
    """A ledger line's row of `month` (templates cannot index a dict by a variable)."""
    return months.get(month)
