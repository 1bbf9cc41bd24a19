"""Template helpers of the petitions: the header link, overdue, the oldest open petition's age."""

from django import template
from django.utils import timezone

from members.access import scope_for
from petitions import rules

register = template.Library()


@register.inclusion_tag("petitions/_nav_link.html", takes_context=True)
def petitions_nav_link(context):
    """The header's link for officers: those who raise petitions or receive them."""
    user = context["request"].user
    return {"show": getattr(user, "is_authenticated", False) and scope_for(user).is_officer,
            "here": getattr(context["request"].resolver_match, "url_name", "")}


@register.filter
def overdue(petition) -> bool:
    return rules.is_overdue(petition, timezone.localdate())


@register.filter
def oldest(counts, today):
    """Days the oldest unresolved petition of a row has waited (None when none is open)."""
    return counts.oldest_age(today)
