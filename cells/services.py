"""Writes to the organisation tree: create, change settings, move a subtree."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context


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


@transaction.atomic
def organization_create(*, name: str, kind: str, parent: Organization | None = None, actor=None,
                        code: str = "", address: str = "", **settings) -> Organization:
    _check_parent(kind, parent)
    (org_id,) = allocate_organization_ids(1)
    org = Organization(
        id=org_id, parent=parent, kind=kind, name=name, code=code, address=address,
        path=f"{parent.path if parent else '/'}{org_id}/",
        depth=(parent.depth + 1) if parent else 0,
        **settings,
    )
    org.full_clean()
    with audit_context(actor):
        org.save(force_insert=True)
    return org


_SETTINGS_FIELDS = {"regular_meeting_day", "regular_meeting_time", "reminder_offsets_minutes", "address", "name", "code"}


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
    return org


@transaction.atomic
def organization_move(*, org: Organization, new_parent: Organization, actor=None) -> Organization:
    """Move a whole subtree under another parent (e.g. communes to the province in 2025)."""
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": _("An organisation cannot move under itself.")})
    _check_parent(org.kind, new_parent)
    old_path, new_path = org.path, f"{new_parent.path}{org.pk}/"
    depth_change = new_parent.depth + 1 - org.depth
    with audit_context(actor), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE cells_organization
               SET path = %s || substr(path, %s), depth = depth + %s,
                   parent_id = CASE WHEN id = %s THEN %s ELSE parent_id END
             WHERE path LIKE %s
            """,
            [new_path, len(old_path) + 1, depth_change, org.pk, new_parent.pk, old_path + "%"],
        )
    org.refresh_from_db()
    return org
