"""Reads of the tree pages that know people: who holds which seat and term, who is in charge
of a cell, who hears a cell's upper-level notices. Callers pass organisations already
fetched through members.access."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from cells.models import Organization
from common.text import normalize_search
from members.models import CellInCharge, CellMembership, CommitteeSeat, Member, Role


def in_charge_now(cell: Organization, on: dt.date | None = None) -> CellInCharge | None:
    return (CellInCharge.objects.current(on or timezone.localdate()).filter(cell=cell)
            .select_related("member").first())


def upper_level_member_ids(cell: Organization, committee: Organization | None, on: dt.date | None = None) -> list[int]:
    """Who hears a cell's notices meant for the upper level: the standing-committee member in
    charge of the cell when there is one, else the standing committee of `committee`."""
    on = on or timezone.localdate()
    in_charge = list(CellInCharge.objects.current(on).filter(cell=cell).values_list("member_id", flat=True))
    if in_charge or committee is None:
        return in_charge
    return list(CommitteeSeat.objects.current(on).filter(
        organization=committee, body=CommitteeSeat.Body.STANDING_COMMITTEE).values_list("member_id", flat=True))


def seats_of(org: Organization) -> QuerySet[CommitteeSeat]:
    """Seats on the organisation's committees not ended today, then those ended (latest first)."""
    return (CommitteeSeat.objects.filter(organization=org).select_related("member")
            .order_by("end_date", "body", "member__full_name"))


def officers_of(cell: Organization) -> QuerySet[CellMembership]:
    """The cell's officer terms, current and past."""
    return (CellMembership.objects.filter(cell=cell, role__in=[Role.SECRETARY, Role.DEPUTY_SECRETARY,
                                                                Role.COMMITTEE_MEMBER])
            .select_related("member").order_by("-start_date", "member__full_name"))


def standing_committee_members(org: Organization | None, on: dt.date | None = None) -> QuerySet[Member]:
    if org is None:
        return Member.objects.none()
    ids = CommitteeSeat.objects.current(on or timezone.localdate()).filter(
        organization=org, body=CommitteeSeat.Body.STANDING_COMMITTEE).values("member_id")
    return Member.objects.filter(pk__in=ids).order_by("full_name")


def members_on_rolls(cell: Organization, on: dt.date | None = None, q: str = "") -> QuerySet[Member]:
    """The cell's members not ended on `on` (the split page's list), filtered by name."""
    ids = CellMembership.objects.not_ended(on or timezone.localdate()).filter(cell=cell).values("member_id")
    qs = Member.objects.filter(pk__in=ids)
    if q.strip():
        qs = qs.filter(search_name__contains=normalize_search(q))
    return qs.order_by("full_name", "id")


def members_in_subtree(org: Organization, q: str = "", limit: int = 50) -> QuerySet[Member]:
    """Members on the rolls under `org`, by name (the pickers of seats and terms)."""
    ids = CellMembership.objects.not_ended(timezone.localdate()).filter(
        cell__path__startswith=org.path).values("member_id")
    qs = Member.objects.filter(pk__in=ids)
    if q.strip():
        qs = qs.filter(search_name__contains=normalize_search(q))
    # The first `limit` by name, still a queryset a form can look a choice up in.
    return Member.objects.filter(pk__in=qs.order_by("full_name", "id").values("pk")[:limit]).order_by("full_name", "id")
