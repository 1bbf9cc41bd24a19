"""Reads of the tree that know no person: ancestors, subtrees, effective settings.

What a given user may see is decided in members.access; these helpers take organisations
the caller is already allowed to see.
"""

from dataclasses import dataclass
from datetime import time

from django.conf import settings

from cells.models import Organization


def organization_ancestors(org: Organization) -> list[Organization]:
    """From the root down to the parent, in one query."""
    ids = org.ancestor_ids
    if not ids:
        return []
    by_id = Organization.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def organization_cells(org: Organization):
    """Every active cell in `org`'s subtree (itself included if it is a cell)."""
    return Organization.objects.subtree(org).cells().active()


@dataclass(frozen=True)
class OrganizationSettings:
    regular_meeting_day: int
    regular_meeting_time: time
    reminder_offsets_minutes: tuple[int, ...]  # the default: what members who never chose get
    reminder_choices_minutes: tuple[int, ...]  # what members may choose among


def organization_settings(org: Organization, ancestors: list[Organization] | None = None) -> OrganizationSettings:
    """Settings of `org`: its own value, else the nearest ancestor's, else the site default."""
    chain = [org, *reversed(ancestors if ancestors is not None else organization_ancestors(org))]
    rules = settings.HANDBOOK_RULES

    def nearest(field, default):
        for item in chain:
            value = getattr(item, field)
            if value is not None:
                return value
        return default

    offsets = tuple(nearest("reminder_offsets_minutes", rules["reminder_offsets_minutes"]))
    return OrganizationSettings(
        regular_meeting_day=nearest("regular_meeting_day", rules["regular_meeting_day"]),
        regular_meeting_time=nearest("regular_meeting_time", time(19, 30)),
        reminder_offsets_minutes=offsets,
        # Set nowhere: members may choose among the default lead times only.
        reminder_choices_minutes=tuple(sorted(nearest("reminder_choices_minutes", None) or offsets, reverse=True)),
    )
