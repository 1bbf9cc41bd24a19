"""Scoped reads about people: a cell's roster, a member's record, the cells a user may pick.

Every function takes the user's Scope (members.access.scope_for) or an object already
fetched through it; anything out of scope is a 404.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, Func, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from common.text import normalize_search
from members.access import Scope, cells_visible, members_visible
from members.models import (
    CellMembership,
    CommitteeSeat,
    Member,
    MemberImport,
    MemberStatus,
    MemberStatusChange,
    Role,
    User,
    is_not_ended,
)

ROSTER_PAGE_SIZE = 50


class RosterFilter:
    """The values of the roster's status filter."""

    OFFICIAL = MemberStatus.OFFICIAL.value
    PROBATIONARY = MemberStatus.PROBATIONARY.value
    EXEMPT = MemberStatus.EXEMPT.value
    AWAY = "away"  # home members on temporary transfer elsewhere
    ATTENDING = "attending"  # members of elsewhere attending here temporarily


def on_rolls(qs: QuerySet[CellMembership], on: dt.date | None = None) -> QuerySet[CellMembership]:
    """Memberships not ended before `on` (today): the member is on that cell's rolls."""
    return qs.not_ended(on or timezone.localdate())


def user_id_for_login(login: str) -> int | None:
    """The account a sign-in names, as allauth finds it (username or email, in any case), or
    None. Sign-in limits count per account with it (members.adapters, api.throttles)."""
    return (User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .order_by(Case(When(username__iexact=login, then=0), default=1), "pk")
            .values_list("pk", flat=True).first())


# --- Cells --------------------------------------------------------------------------------

def get_cell_for_roster(scope: Scope, public_id) -> Organization:
    """A cell whose roster the user may read: its officers, superusers and the committees
    above it. Its own plain members may not (404): the roster holds others' personal data."""
    qs = Organization.objects.cells().filter(public_id=public_id)
    if not scope.is_superuser:
        condition = Q(pk__in=scope.managed_cell_ids)
        for path in scope.oversight_paths:
            condition |= Q(path__startswith=path)
        qs = qs.filter(condition)
    cell = qs.first()
    if cell is None:
        raise Http404
    return cell


def cells_for_temporary_transfer(scope: Scope, member: Member) -> QuerySet[Organization]:
    """Cells the user may see that a member could attend for a while (not their own)."""
    own = on_rolls(member.memberships.all()).values("cell_id")
    return cells_visible(scope).active().exclude(pk__in=own).order_by("path")


# --- Roster -------------------------------------------------------------------------------

def roster_memberships(cell: Organization, *, query: str = "", status: str = "") -> QuerySet[CellMembership]:
    """The cell's rolls: home members and those attending here, with the member, where a
    member away on temporary transfer is, and where a member attending here comes from."""
    today = timezone.localdate()
    away_cell = on_rolls(CellMembership.objects.filter(
        member_id=OuterRef("member_id"), kind=CellMembership.Kind.TEMPORARY,
    ), today).exclude(cell_id=cell.pk).order_by("-start_date").values("cell__name")[:1]
    away_named = MemberStatusChange.objects.filter(
        member_id=OuterRef("member_id"), status=MemberStatus.TEMPORARY_TRANSFER,
    ).order_by("-effective_date", "-id").values("other_organization")[:1]
    home_elsewhere = on_rolls(CellMembership.objects.filter(
        member_id=OuterRef("member_id"), kind=CellMembership.Kind.HOME,
    ), today).exclude(cell_id=cell.pk).values("cell__name")[:1]
    qs = (
        on_rolls(CellMembership.objects.filter(cell=cell), today)
        .select_related("member")
        .annotate(
            # Home members away: where they attend meanwhile.
            away_to=Coalesce(Subquery(away_cell), Subquery(away_named)),
            # Members attending here: their home cell, or the organisation outside they come from.
            comes_from=Coalesce(Subquery(home_elsewhere), Subquery(away_named)),
        )
        # As Vietnamese lists are read: the cell committee first, then by given name (the
        # last word: "Trần Diệu Hạnh" under H), then by the whole name.
        .annotate(
            role_rank=Case(*(When(role=role, then=Value(rank)) for rank, role in enumerate(Role.values)),
                           default=Value(len(Role.values))),
            given_name=Func(F("member__search_name"), Value("^.* "), Value(""), function="regexp_replace"),
        )
        .order_by("role_rank", "given_name", "member__search_name", "member_id")
    )
    query = (query or "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        if digits and len(digits) >= len(query.replace(" ", "")) - 1:
            # Mostly digits: a card number (or the end of one), or a phone number.
            qs = qs.filter(Q(member__party_card_number__contains=digits) | Q(member__phone__contains=digits))
        else:
            for word in normalize_search(query).split():
                qs = qs.filter(member__search_name__contains=word)
    if status == RosterFilter.AWAY:
        qs = qs.filter(kind=CellMembership.Kind.HOME, member__status=MemberStatus.TEMPORARY_TRANSFER)
    elif status == RosterFilter.ATTENDING:
        qs = qs.filter(kind=CellMembership.Kind.TEMPORARY)
    elif status in (RosterFilter.OFFICIAL, RosterFilter.PROBATIONARY, RosterFilter.EXEMPT):
        qs = qs.filter(kind=CellMembership.Kind.HOME, member__status=status)
    return qs


@dataclass(frozen=True)
class RosterCounts:
    total: int
    official: int
    probationary: int
    exempt: int
    away: int
    attending: int


def roster_counts(cell: Organization) -> RosterCounts:
    """Head counts of the cell's rolls, in one query."""
    home = Q(kind=CellMembership.Kind.HOME)
    counts = on_rolls(CellMembership.objects.filter(cell=cell)).aggregate(
        total=Count("id"),
        official=Count("id", filter=home & Q(member__status=MemberStatus.OFFICIAL)),
        probationary=Count("id", filter=home & Q(member__status=MemberStatus.PROBATIONARY)),
        exempt=Count("id", filter=home & Q(member__status=MemberStatus.EXEMPT)),
        away=Count("id", filter=home & Q(member__status=MemberStatus.TEMPORARY_TRANSFER)),
        attending=Count("id", filter=Q(kind=CellMembership.Kind.TEMPORARY)),
    )
    return RosterCounts(**counts)


# --- One member ---------------------------------------------------------------------------

def own_member_public_id(scope: Scope):
    """The public id of the signed-in member's own record, or None for an account without one."""
    if scope.member_id is None:
        return None
    return Member.objects.filter(pk=scope.member_id).values_list("public_id", flat=True).first()


def get_member_for_viewer(scope: Scope, public_id) -> Member:
    member = members_visible(scope).select_related("user").filter(public_id=public_id).first()
    if member is None:
        raise Http404
    return member


@dataclass(frozen=True)
class MemberAccess:
    """What the user may do with one record, and through which cell."""

    can_edit: bool  # the record and its status: officers of the member's home cell
    cell: Organization | None  # the managed cell the page links back to
    membership: CellMembership | None  # the member's place in that cell (role, kind)
    is_self: bool

    @property
    def can_manage_here(self) -> bool:
        """Role and temporary attendance in `cell`: its officers."""
        return self.membership is not None


def member_access(scope: Scope, member: Member, memberships: list[CellMembership]) -> MemberAccess:
    """`memberships` are the member's memberships with their cells (as member_record gives)."""
    today = timezone.localdate()
    current = [m for m in memberships if is_not_ended(m, today)]
    managed = [m for m in current if scope.is_superuser or m.cell_id in scope.managed_cell_ids]
    managed.sort(key=lambda m: m.kind != CellMembership.Kind.HOME)
    has_home = any(m.kind == CellMembership.Kind.HOME for m in current)
    here = managed[0] if managed else None
    # A visitor from outside the system has no home cell: the cell they attend keeps the record.
    can_edit = scope.is_superuser or (here is not None and (here.kind == CellMembership.Kind.HOME or not has_home))
    return MemberAccess(can_edit=can_edit, cell=here.cell if here else None, membership=here,
                        is_self=member.pk == scope.member_id)


@dataclass(frozen=True)
class MemberRecord:
    history: list[MemberStatusChange]
    memberships: list[CellMembership]
    seats: list[CommitteeSeat]


def member_record(member: Member) -> MemberRecord:
    """The dated history, memberships and committee seats of a record already in scope."""
    history = list(member.status_changes.select_related("recorded_by").order_by("-effective_date", "-id"))
    memberships = list(member.memberships.select_related("cell").order_by("-start_date", "-id"))
    seats = list(member.committee_seats.select_related("organization").order_by("-start_date", "-id"))
    return MemberRecord(history=history, memberships=memberships, seats=seats)


# --- Imports ------------------------------------------------------------------------------

def member_imports_recent(cell: Organization, limit: int = 10) -> list[MemberImport]:
    return list(MemberImport.objects.filter(cell=cell).select_related("created_by__member")[:limit])


def get_member_import(cell: Organization, public_id) -> MemberImport:
    """An import of a cell the caller already manages (see get_cell_for_manager)."""
    job = MemberImport.objects.filter(cell=cell, public_id=public_id).select_related("created_by__member").first()
    if job is None:
        raise Http404
    return job

