"""Template helpers of the reports: the nav link's condition, percentages, bands."""

from django import template

from common.numbers import format_percent
from members.access import scope_for
from reports.figures import TIMELINESS_LABELS

register = template.Library()


@register.filter
def sees_reports(user) -> bool:
    """Whether the header shows "Reports": a committee seat or a superuser (the scope is cached per request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.oversight)


# Templates that load only this library get the one figure style too (common.numbers).
register.filter("pct", format_percent)


@register.filter
def timeliness(state) -> str:
    """A meeting's documents or minutes state (meetings.rules) as read: on time, late, ..."""
    return str(TIMELINESS_LABELS[state]) if state else "—"


@register.filter
def dash(value):
    return "—" if value is None or value == "" else value
