"""Writes to the organisation tree: create, rename, close, move, merge, settings, undo.

Each write is atomic, audited (pghistory with the actor) and told in one
`OrganizationChange` row for the committee's history page. A change that moves rows under
another path or closes a unit sends `tree_changed` on the way: the roll-ups (a floor above)
listen and recompute every year on commit. This floor knows no person: memberships and
seats move in members.services_tree, which calls these.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization, OrganizationChange
from cells.selectors import organization_settings
from common.audit import audit_context
from common.cell_versions import cell_created, cells_changed

# Sent with `organization_ids` inside the transaction of a change that alters which rows
# stand under which path, or closes a unit (rollups.apps connects the refresh).
tree_changed = Signal()

UNDO_HOURS = 24


def allocate_organization_ids(count: int) -> list[int]:
    """Reserve ids from the table's sequence, so a path can be written in the same INSERT."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('cells_organization', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def _check_parent(kind: str, parent: Organization | None) -> None:
    allowed = Organization.ALLOWED_PARENTS[Organization.Kind(kind)]
    if parent is None:
        return  # a site may start at any level
    if parent.kind not in allowed:
        raise ValidationError(
            {"parent": _("A %(kind)s cannot stand under a %(parent)s.") % {
                "kind": Organization.Kind(kind).label, "parent": parent.get_kind_display()}}
        )
    if parent.is_closed:
        raise ValidationError({"parent": _("%(name)s is closed.") % {"name": parent.name}})


def organization_change_record(*, organization: Organization, kind: str, summary: str, actor=None,
                               organization_ids=(), data: dict | None = None,
                               effective_date: dt.date | None = None) -> OrganizationChange:
    """The history row of a change (called by the services of this and the members floor)."""
    ids = sorted({organization.pk, *organization_ids})
    return OrganizationChange.objects.create(
        organization=organization, organization_ids=ids, kind=kind, summary=summary[:500], data=data or {},
        effective_date=effective_date, actor=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def organization_create(*, name: str, kind: str, parent: Organization | None = None, actor=None,
                        code: str = "", address: str = "", opened_on: dt.date | None = None,
                        record: bool = False, **settings) -> Organization:
    _check_parent(kind, parent)
    (org_id,) = allocate_organization_ids(1)
    org = Organization(
        id=org_id, parent=parent, kind=kind, name=name, code=code, address=address, opened_on=opened_on,
        path=f"{parent.path if parent else '/'}{org_id}/",
        depth=(parent.depth + 1) if parent else 0,
        **settings,
    )
    org.full_clean()
    with audit_context(actor):
        org.save(force_insert=True)
        if record:
            organization_change_record(
                organization=org, kind=OrganizationChange.Kind.CREATE, actor=actor, effective_date=opened_on,
                organization_ids=[parent.pk] if parent else [],
                summary=_("%(name)s created under %(parent)s") % {"name": name, "parent": parent or "—"},
            )
    cell_created(org.pk)
    return org


_SETTINGS_FIELDS = {"regular_meeting_day", "regular_meeting_time", "reminder_offsets_minutes",
                    "reminder_choices_minutes", "address", "name", "code"}


@transaction.atomic
def organization_update(*, org: Organization, actor=None, **fields) -> Organization:
    unknown = set(fields) - _SETTINGS_FIELDS
    if unknown:
        raise TypeError(f"organization_update does not change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean()
    with audit_context(actor):
        org.save(update_fields=list(fields))
    cells_changed([org.pk])  # its name is on its members' pages
    return org


def _lock(org: Organization) -> Organization:
    """Lock the row and bring the caller's instance up to date (it is returned changed)."""
    Organization.objects.select_for_update().filter(pk=org.pk).values_list("pk").get()
    org.refresh_from_db()
    return org


def _refuse_closed(org: Organization) -> None:
    if org.is_closed:
        raise ValidationError(_("%(name)s is closed; its history is kept as it was.") % {"name": org.name})


@transaction.atomic
def organization_rename(*, org: Organization, name: str, code: str, actor=None) -> Organization:
    org = _lock(org)
    _refuse_closed(org)
    before = {"name": org.name, "code": org.code}
    if before == {"name": name, "code": code}:
        return org
    organization_update(org=org, actor=actor, name=name, code=code)
    with audit_context(actor):
        organization_change_record(
            organization=org, kind=OrganizationChange.Kind.RENAME, actor=actor,
            data={"before": before, "after": {"name": name, "code": code}},
            summary=_("%(old)s renamed %(new)s") % {"old": before["name"], "new": name},
        )
    return org


SETTINGS_CHANGED = ("regular_meeting_day", "regular_meeting_time", "reminder_offsets_minutes",
                    "reminder_choices_minutes")


@transaction.atomic
def organization_settings_change(*, org: Organization, effective_date: dt.date, actor=None, **fields) -> Organization:
    """Set (or clear, with None: "as the organisation above") the inherited settings, from a
    date. The date is recorded; a date ahead is refused (nothing applies it later yet)."""
    if set(fields) - set(SETTINGS_CHANGED):
        raise TypeError(f"organization_settings_change does not change {sorted(set(fields) - set(SETTINGS_CHANGED))}")
    if effective_date > timezone.localdate():
        raise ValidationError({"effective_date": _("Settings take effect today or from a past date.")})
    org = _lock(org)
    _refuse_closed(org)
    before = {name: getattr(org, name) for name in fields}
    organization_update(org=org, actor=actor, **fields)
    _check_reminder_choices(org)
    with audit_context(actor):
        organization_change_record(
            organization=org, kind=OrganizationChange.Kind.SETTINGS, actor=actor, effective_date=effective_date,
            data={"before": {k: str(v) if v is not None else None for k, v in before.items()},
                  "after": {k: str(v) if v is not None else None for k, v in fields.items()}},
            summary=_("Settings of %(name)s changed") % {"name": org.name},
        )
    return org


def _check_reminder_choices(org: Organization) -> None:
    """The lead times an organisation lets members choose include its default ones, so a
    member who never chose gets lead times a member could have chosen."""
    if org.reminder_choices_minutes is None:
        return
    default = organization_settings(org).reminder_offsets_minutes
    if not set(default) <= set(org.reminder_choices_minutes):
        raise ValidationError({"reminder_choices_minutes": _(
            "The lead times members may choose must include the default reminders (%(hours)s hours before).")
            % {"hours": ", ".join(f"{m / 60:g}" for m in default)}})


def _move_subtree(org: Organization, new_parent: Organization) -> int:
    """One UPDATE rewrites the path and depth of the whole subtree (and the top's parent)."""
    old_path, new_path = org.path, f"{new_parent.path}{org.pk}/"
    depth_change = new_parent.depth + 1 - org.depth
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE cells_organization
               SET path = %s || substr(path, %s), depth = depth + %s,
                   parent_id = CASE WHEN id = %s THEN %s ELSE parent_id END
             WHERE path LIKE %s
            """,
            [new_path, len(old_path) + 1, depth_change, org.pk, new_parent.pk, old_path + "%"],
        )
        return cursor.rowcount


def _check_move(org: Organization, new_parent: Organization) -> None:
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": _("An organisation cannot move under itself.")})
    _check_parent(org.kind, new_parent)


@transaction.atomic
def organization_move(*, org: Organization, new_parent: Organization, actor=None, record: bool = True) -> Organization:
    """Move a whole subtree under another parent (e.g. communes to the province in 2025)."""
    org = _lock(org)
    _refuse_closed(org)
    _check_move(org, new_parent)
    old_parent = org.parent
    if old_parent is not None and old_parent.pk == new_parent.pk:
        return org
    with audit_context(actor):
        moved = _move_subtree(org, new_parent)
        if record:
            organization_change_record(
                organization=org, kind=OrganizationChange.Kind.MOVE, actor=actor,
                organization_ids=[i for i in (getattr(old_parent, "pk", None), new_parent.pk) if i],
                data={"before": {"parent_id": getattr(old_parent, "pk", None)}, "after": {"parent_id": new_parent.pk},
                      "moved": moved},
                summary=_("%(name)s moved from %(old)s to %(new)s (%(count)s organisations)") % {
                    "name": org.name, "old": old_parent or "—", "new": new_parent.name, "count": moved},
            )
    tree_changed.send(sender=Organization, organization_ids=[org.pk])
    org.refresh_from_db()
    return org


def move_preview(org: Organization, new_parent: Organization) -> dict:
    """What a move changes: the organisations that move, and the committees above that gain
    or lose sight of them (ancestors of one parent and not of the other)."""
    _check_move(org, new_parent)
    moving = list(Organization.objects.subtree(org).order_by("path"))
    old_above = set(org.ancestor_ids)
    new_above = {*new_parent.ancestor_ids, new_parent.pk}
    by_id = Organization.objects.in_bulk(old_above ^ new_above)
    return {
        "moving": moving,
        "cells": sum(1 for o in moving if o.is_cell and not o.is_closed),
        "gain": sorted((by_id[i] for i in new_above - old_above if i in by_id), key=lambda o: o.path),
        "lose": sorted((by_id[i] for i in old_above - new_above if i in by_id), key=lambda o: o.path),
    }


def _close(org: Organization, on: dt.date) -> None:
    org.is_active, org.closed_on = False, on
    org.full_clean()
    org.save(update_fields=["is_active", "closed_on"])


@transaction.atomic
def organization_close(*, org: Organization, on: dt.date, actor=None) -> Organization:
    """Close a unit with no open unit under it; its history stays where it is. (Members
    leave it first: members.services_tree.organization_close checks them.)"""
    org = _lock(org)
    _refuse_closed(org)
    if org.parent_id is None:
        raise ValidationError(_("The top of the tree cannot be closed."))
    if Organization.objects.subtree(org, include_self=False).filter(closed_on__isnull=True).exists():
        raise ValidationError(_("Close or move the organisations under it first."))
    with audit_context(actor):
        _close(org, on)
        organization_change_record(
            organization=org, kind=OrganizationChange.Kind.CLOSE, actor=actor, effective_date=on,
            organization_ids=[org.parent_id], summary=_("%(name)s closed") % {"name": org.name},
        )
    tree_changed.send(sender=Organization, organization_ids=[org.pk])
    return org


def check_merge(sources: list[Organization], target: Organization) -> None:
    if len({s.pk for s in sources}) < len(sources) or not sources:
        raise ValidationError(_("Choose each organisation to merge once."))
    if any(s.pk == target.pk for s in sources):
        raise ValidationError(_("The organisation merged into cannot be one of those merged."))
    for source in [*sources, target]:
        _refuse_closed(source)
    if any(s.kind != target.kind for s in sources):
        raise ValidationError(_("Only organisations of the same kind can be merged."))
    if any(target.path.startswith(s.path) for s in sources):
        raise ValidationError(_("An organisation cannot merge into one under it."))


@transaction.atomic
def organizations_merge_tree(*, sources: list[Organization], target: Organization, on: dt.date,
                             actor=None) -> Organization:
    """The tree's part of a merge: the open units under each source move under the target;
    each source closes on `on`, names the target as successor and stands under it (under
    the target's parent when the target is a cell, whose rows hold no organisation below),
    so the target's subtree holds the sources' history."""
    sources = [_lock(s) for s in sorted(sources, key=lambda s: s.path)]
    target = _lock(target)
    check_merge(sources, target)
    home = target.parent if target.is_cell else target
    with audit_context(actor):
        for source in sources:
            for child in Organization.objects.filter(parent=source, closed_on__isnull=True).order_by("path"):
                _check_move(child, target)
                _move_subtree(child, target)
            source.refresh_from_db()
            if source.parent_id != home.pk:
                _move_subtree(source, home)
                source.refresh_from_db()
            source.merged_into = target
            source.save(update_fields=["merged_into"])
            _close(source, on)
        organization_change_record(
            organization=target, kind=OrganizationChange.Kind.MERGE, actor=actor, effective_date=on,
            organization_ids=[s.pk for s in sources], data={"sources": [s.pk for s in sources]},
            summary=_("%(sources)s merged into %(target)s on %(date)s") % {
                "sources": ", ".join(s.name for s in sources), "target": target.name,
                "date": on.strftime("%d/%m/%Y")},
        )
    if target.is_cell:  # their members moved (members.services_tree)
        cells_changed([target.pk, *(s.pk for s in sources)])
    tree_changed.send(sender=Organization, organization_ids=[target.pk, *(s.pk for s in sources)])
    return target


def change_undo_refusal(change: OrganizationChange, now: dt.datetime | None = None) -> str | None:
    """Why a recorded change can no longer be undone, or None."""
    now = now or timezone.now()
    if change.kind not in OrganizationChange.UNDOABLE:
        return _("This kind of change cannot be undone here.")
    if change.undone_at is not None:
        return _("This change has been undone already.")
    if now - change.recorded_at > dt.timedelta(hours=UNDO_HOURS):
        return _("A change can be undone within %(hours)s hours only.") % {"hours": UNDO_HOURS}
    later = OrganizationChange.objects.filter(organization_ids__overlap=[change.organization_id],
                                              recorded_at__gt=change.recorded_at, undone_at__isnull=True)
    if later.exclude(kind=OrganizationChange.Kind.UNDO).exists():
        return _("The organisation has changed since; undo the later changes first.")
    return None


@transaction.atomic
def organization_change_undo(*, change: OrganizationChange, actor=None) -> OrganizationChange:
    """Put back a rename or a move recorded less than a day ago, if nothing changed since."""
    change = OrganizationChange.objects.select_for_update().get(pk=change.pk)
    refusal = change_undo_refusal(change)
    if refusal:
        raise ValidationError(refusal)
    org = change.organization
    before = change.data["before"]
    if change.kind == OrganizationChange.Kind.RENAME:
        organization_update(org=org, actor=actor, name=before["name"], code=before["code"])
    else:
        parent = Organization.objects.get(pk=before["parent_id"])
        _check_move(org, parent)
        with audit_context(actor):
            _move_subtree(org, parent)
        tree_changed.send(sender=Organization, organization_ids=[org.pk])
    with audit_context(actor):
        change.undone_at = timezone.now()
        change.save(update_fields=["undone_at"])
        return organization_change_record(
            organization=org, kind=OrganizationChange.Kind.UNDO, actor=actor,
            organization_ids=change.organization_ids, data={"change_id": change.pk},
            summary=_("Undone: %(what)s") % {"what": change.summary},
        )
