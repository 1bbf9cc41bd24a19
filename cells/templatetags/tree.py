"""The menu's link to the tree pages: for committee members (their scope is already read)."""

from django import template

from members.access import scope_for

register = template.Library()


@register.filter
def runs_tree(user) -> bool:
    """Whether to offer the tree pages: a superuser or a committee seat (no query: the cached
    scope; the pages themselves check which seats run the tree)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.oversight)
