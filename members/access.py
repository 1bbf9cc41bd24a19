"""The one module that answers "what may this user see and change".

Every view, API call and export starts from `scope_for(user)` and the querysets below;
anything outside them is a 404. Rules (DOMAIN.md):

- a member sees their own record and the meetings of their cells (home and temporary);
- a cell's secretary, deputy secretary and cell committee manage that cell;
- a seat on a standing, executive or organisation committee opens the whole subtree of
  that committee's organisation, read-only;
- superusers see and change everything.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connections, router
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from members.models import OFFICER_ROLES, CellMembership, CommitteeSeat, Member, current_sql


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool
    member_id: int | None
    member_cell_ids: frozenset[int]  # cells the member belongs to now (home or temporary)
    home_cell_id: int | None
    managed_cell_ids: frozenset[int]  # cells where the member is an officer now
    oversight: tuple[tuple[int, str], ...]  # (organisation id, path) of committee seats held now

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_officer(self) -> bool:
        return self.is_superuser or bool(self.managed_cell_ids) or bool(self.oversight)

    @property
    def oversight_paths(self) -> tuple[str, ...]:
        return tuple(path for _, path in self.oversight)

    def oversees_path(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.oversight_paths)


ANONYMOUS = Scope(None, False, None, frozenset(), None, frozenset(), ())
_SEAT, _MEMBER = "committee-seat", "member-record"  # mark rows of scope_for's union; no membership kind is spelled so

# The user's member record, current cell memberships and current committee seats, in one
# statement: this runs on every signed-in request, and building it with the ORM cost ten times
# what PostgreSQL spends answering it. "Current" is the memberships' own rule (current_sql, the
# SQL twin of DatedQuerySet.current).
_SCOPE_SQL = f"""
    SELECT m.id, NULL, %(member)s, '', '' FROM {Member._meta.db_table} m WHERE m.user_id = %(user)s
    UNION ALL
    SELECT cm.member_id, cm.cell_id, cm.kind, cm.role, ''
      FROM {CellMembership._meta.db_table} cm JOIN {Member._meta.db_table} m ON m.id = cm.member_id
     WHERE m.user_id = %(user)s AND {current_sql("cm", "%(today)s")}
    UNION ALL
    SELECT cs.member_id, cs.organization_id, %(seat)s, '', o.path
      FROM {CommitteeSeat._meta.db_table} cs JOIN {Member._meta.db_table} m ON m.id = cs.member_id
      JOIN {Organization._meta.db_table} o ON o.id = cs.organization_id
     WHERE m.user_id = %(user)s AND {current_sql("cs", "%(today)s")}
"""


def scope_for(user) -> Scope:
    """The user's scope, computed in one query and cached on the user object."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_handbook_scope", None)
    if cached is not None:
        return cached
    with connections[router.db_for_read(Member)].cursor() as cursor:
        cursor.execute(_SCOPE_SQL, {"user": user.pk, "today": timezone.localdate(), "seat": _SEAT,
                                    "member": _MEMBER})
        rows = cursor.fetchall()
    member_id = next((member for member, _, kind, _, _ in rows if kind == _MEMBER), None)
    memberships = [(cell, kind, role) for _, cell, kind, role, _ in rows if kind not in (_SEAT, _MEMBER)]
    scope = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        member_id=member_id,
        member_cell_ids=frozenset(cell for cell, _, _ in memberships),
        home_cell_id=next((cell for cell, kind, _ in memberships if kind == CellMembership.Kind.HOME), None),
        managed_cell_ids=frozenset(cell for cell, _, role in memberships if role in OFFICER_ROLES),
        oversight=tuple(sorted({(org, path) for _, org, kind, _, path in rows if kind == _SEAT})),
    )
    user._handbook_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after a change that may alter it (a role, a membership)."""
    if user is not None and hasattr(user, "_handbook_scope"):
        del user._handbook_scope


def _under_oversight(scope: Scope, path_field: str) -> Q:
    paths = scope.oversight_paths
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in paths))


# --- Organisations and cells -------------------------------------------------------------

def organizations_visible(scope: Scope) -> QuerySet[Organization]:
    qs = Organization.objects.all()
    if scope.is_superuser:
        return qs
    return qs.filter(Q(pk__in=scope.member_cell_ids | scope.managed_cell_ids) | _under_oversight(scope, "path"))


def cells_visible(scope: Scope) -> QuerySet[Organization]:
    return organizations_visible(scope).cells()


def cells_managed(scope: Scope) -> QuerySet[Organization]:
    qs = Organization.objects.cells()
    return qs if scope.is_superuser else qs.filter(pk__in=scope.managed_cell_ids)


def organizations_overseen(scope: Scope) -> QuerySet[Organization]:
    """Organisations whose dashboards the user may open (their committee subtrees)."""
    qs = Organization.objects.all()
    return qs if scope.is_superuser else qs.filter(_under_oversight(scope, "path"))


def can_see_cell(scope: Scope, cell: Organization) -> bool:
    return (
        scope.is_superuser
        or cell.pk in scope.member_cell_ids
        or cell.pk in scope.managed_cell_ids
        or scope.oversees_path(cell.path)
    )


def can_manage_cell(scope: Scope, cell: Organization) -> bool:
    return scope.is_superuser or cell.pk in scope.managed_cell_ids


def get_cell_for_manager(scope: Scope, public_id) -> Organization:
    """A cell the user manages, or 404 (never 403: outsiders learn nothing)."""
    cell = cells_managed(scope).filter(public_id=public_id).first()
    if cell is None:
        raise Http404
    return cell


def get_cell_for_viewer(scope: Scope, public_id) -> Organization:
    cell = cells_visible(scope).filter(public_id=public_id).first()
    if cell is None:
        raise Http404
    return cell


# --- Members -------------------------------------------------------------------------------

def _on_rolls_memberships() -> QuerySet[CellMembership]:
    # A membership ending later (a removal dated ahead) keeps the member on the rolls until
    # then, as scope_for's current() does for officers.
    return CellMembership.objects.not_ended(timezone.localdate())


def members_visible(scope: Scope) -> QuerySet[Member]:
    """Records the user may read: their own, their managed cells' rolls, their subtrees'."""
    qs = Member.objects.all()
    if scope.is_superuser:
        return qs
    condition = Q(pk=scope.member_id) if scope.member_id else Q(pk__in=[])
    open_memberships = _on_rolls_memberships()
    if scope.managed_cell_ids:
        condition |= Q(pk__in=open_memberships.filter(cell_id__in=scope.managed_cell_ids).values("member_id"))
    if scope.oversight:
        condition |= Q(pk__in=open_memberships.filter(_under_oversight(scope, "cell__path")).values("member_id"))
    return qs.filter(condition)


def members_managed(scope: Scope) -> QuerySet[Member]:
    """Records the user may change: the rolls of the cells they manage."""
    qs = Member.objects.all()
    if scope.is_superuser:
        return qs
    return qs.filter(
        pk__in=_on_rolls_memberships().filter(cell_id__in=scope.managed_cell_ids).values("member_id")
    )


def can_manage_member(scope: Scope, member: Member) -> bool:
    return members_managed(scope).filter(pk=member.pk).exists()


# --- Running the tree -----------------------------------------------------------------------

# Seats whose committee runs the tree under it: the organisation committee (ban tổ chức) of a
# level, and the standing committee of a grassroots committee for its own cells.
TREE_BODIES = (CommitteeSeat.Body.ORGANIZATION_COMMITTEE, CommitteeSeat.Body.STANDING_COMMITTEE)


def tree_seat_paths(scope: Scope) -> tuple[str, ...]:
    """Paths of the organisations whose tree the user runs (one query; none for most users)."""
    if not scope.oversight or scope.member_id is None:
        return ()
    return tuple(
        CommitteeSeat.objects.current(timezone.localdate())
        .filter(member_id=scope.member_id, body__in=TREE_BODIES).values_list("organization__path", flat=True)
    )


def organizations_in_tree_scope(scope: Scope, paths: tuple[str, ...], *, include_own: bool) -> QuerySet[Organization]:
    """Organisations under the user's tree seats (`include_own`: the seat's organisation too,
    as a parent to create or move under); everything for a superuser."""
    qs = Organization.objects.all()
    if scope.is_superuser:
        return qs
    if not paths:
        return qs.none()
    condition = reduce(or_, (Q(path__startswith=p) for p in paths))
    if not include_own:
        condition &= ~Q(path__in=paths)
    return qs.filter(condition)


def get_organization_for_tree(scope: Scope, public_id, *, include_own: bool = False) -> Organization:
    """An organisation whose tree the user runs, or 404."""
    org = organizations_in_tree_scope(scope, tree_seat_paths(scope), include_own=include_own) \
        .select_related("parent").filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org
