"""Template helpers of the reports: the nav link's condition, percentages, bands."""

from django import template
from django.utils.formats import number_format

from members.access import scope_for

register = template.Library()


@register.filter
def sees_reports(user) -> bool:
    """Whether the header shows "Reports": a committee seat or a superuser (the scope is cached per request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.oversight)


@register.filter
def pct(value) -> str:
    """93.456 -> '93,5 %'; None -> '—' (nothing to measure)."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)} %"


@register.filter
def dash(value):
    return "—" if value is None or value == "" else value
