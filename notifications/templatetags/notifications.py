"""The unread count in the page header: one indexed count query per page."""

from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

from notifications.selectors import bad_addresses_for_member, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_badge(context):
    user = context.get("user")
    count = unread_count(user) if user is not None else 0
    if not count:
        return ""
    label = ngettext("%(count)s unread message", "%(count)s unread messages", count) % {"count": count}
    return format_html(
        '<span class="badge-count" aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
        "99+" if count > 99 else count, label,
    )


@register.inclusion_tag("notifications/partials/delivery_problems.html")
def delivery_problems(member):
    """On a member's record: addresses a transport refused for good (the page scoped `member`)."""
    return {"bad_addresses": bad_addresses_for_member(member)}
