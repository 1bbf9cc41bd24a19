"""Writes of the tree that concern people: merges, splits and closings with their members,
committee seats, cell officers' terms, and the committee member in charge of a cell.

The tree itself changes in cells.services (paths, closings, the history rows); these add
what the persons need and record their own history rows there too.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cells import services as tree
from cells.models import Organization, OrganizationChange
from common.audit import audit_context
from common.cell_versions import cells_changed
from members.models import CellInCharge, CellMembership, CommitteeSeat, Member, Role
from members.services import committee_seat_add, membership_set_role

DAY = dt.timedelta(days=1)


def _places_on(cells: list[Organization], on: dt.date):
    """Memberships of the cells not ended before `on` (those the merge or split carries)."""
    return CellMembership.objects.not_ended(on).filter(cell__in=cells).select_for_update().order_by("id")


def _carry(membership: CellMembership, to: Organization, on: dt.date) -> None:
    """End a place the day before `on` and open it in `to` from `on` (as a plain member: the
    new unit elects or is given its officers)."""
    if membership.start_date >= on:
        membership.cell, membership.role = to, Role.MEMBER
        membership.save(update_fields=["cell", "role"])
        return
    end = membership.end_date
    membership.end_date = on - DAY
    membership.save(update_fields=["end_date"])
    if CellMembership.objects.not_ended(on).filter(member_id=membership.member_id, cell=to).exists():
        return  # already attends the target (e.g. temporarily)
    CellMembership.objects.create(member_id=membership.member_id, cell=to, kind=membership.kind,
                                  role=Role.MEMBER, start_date=on, end_date=end)


def _end_positions(orgs: list[Organization], on: dt.date) -> None:
    """Seats on the closed organisations and the officers in charge of closed cells end the day before."""
    for model, field in ((CommitteeSeat, "organization"), (CellInCharge, "cell")):
        for row in model.objects.not_ended(on).filter(**{f"{field}__in": orgs}):
            if row.start_date >= on:
                row.delete()
            else:
                row.end_date = on - DAY
                row.save(update_fields=["end_date"])


@transaction.atomic
def organizations_merge(*, sources: list[Organization], on: dt.date, target: Organization | None = None,
                        new_name: str = "", new_code: str = "", actor=None) -> Organization:
    """Merge `sources` into `target` (or into a new organisation named `new_name` under the
    sources' common parent) on `on`: cells' members end their place the day before and start
    in the target on that day; the sources close and their history stands under the target."""
    if not sources:
        raise ValidationError(_("Choose each organisation to merge once."))
    with audit_context(actor):
        if target is None:
            if not new_name.strip():
                raise ValidationError({"new_name": _("Name the new organisation, or choose an existing one.")})
            parents = {s.parent_id for s in sources}
            if len(parents) != 1:
                raise ValidationError(_("A new organisation is made under one parent: merge organisations of one parent."))
            if len({s.kind for s in sources}) > 1 or any(s.is_closed for s in sources):
                raise ValidationError(_("Only open organisations of the same kind can be merged."))
            target = tree.organization_create(
                name=new_name.strip(), code=new_code.strip(), kind=sources[0].kind, parent=sources[0].parent,
                opened_on=on, actor=actor, record=True,
            )
        tree.check_merge(sources, target)
        if target.is_cell:
            for membership in _places_on(sources, on):
                _carry(membership, target, on)
        _end_positions(sources, on)
        return tree.organizations_merge_tree(sources=sources, target=target, on=on, actor=actor)


@transaction.atomic
def organization_split(*, source: Organization, parts: list[dict], assignment: dict[int, int], on: dt.date,
                       close_source: bool = False, actor=None) -> list[Organization]:
    """Split a cell: new cells (`parts`: {"name", "code"}) under the same parent, and each
    member whose id is in `assignment` moves on `on` to the part of that index. With
    `close_source`, every member must be assigned and the cell closes (merged into none)."""
    Organization.objects.select_for_update().filter(pk=source.pk).values_list("pk").get()
    source.refresh_from_db()
    if not source.is_cell or source.is_closed:
        raise ValidationError(_("Only an open cell can be split member by member."))
    named = [i for i, p in enumerate(parts) if p.get("name", "").strip()]
    if not named:
        raise ValidationError({"parts": _("Name at least one new cell.")})
    places = list(_places_on([source], on))
    on_rolls = {m.member_id for m in places}
    if set(assignment) - on_rolls:
        raise ValidationError(_("Some of the members chosen are not on the cell's rolls on that date."))
    if any(index not in named for index in assignment.values()):
        raise ValidationError(_("Choose one of the new cells for each member."))
    if close_source and on_rolls - set(assignment):
        raise ValidationError(_("To close the cell, assign every member to a new cell."))
    with audit_context(actor):
        by_index = {
            i: tree.organization_create(name=parts[i]["name"].strip(), code=parts[i].get("code", "").strip(),
                                        kind=source.kind, parent=source.parent, opened_on=on, actor=actor)
            for i in named
        }
        created = list(by_index.values())
        for membership in places:
            if membership.member_id in assignment:
                _carry(membership, by_index[assignment[membership.member_id]], on)
        if close_source:
            _end_positions([source], on)
            tree.organization_close(org=source, on=on, actor=actor)
        tree.organization_change_record(
            organization=source, kind=OrganizationChange.Kind.SPLIT, actor=actor, effective_date=on,
            organization_ids=[o.pk for o in created], data={"parts": [o.pk for o in created],
                                                            "members": len(assignment)},
            summary=_("%(name)s split: %(count)s members to %(parts)s") % {
                "name": source.name, "count": len(assignment), "parts": ", ".join(o.name for o in created)},
        )
    cells_changed([source.pk])  # its members moved to the new cells
    tree.tree_changed.send(sender=Organization, organization_ids=[source.pk, *(o.pk for o in created)])
    return created


@transaction.atomic
def organization_close(*, org: Organization, on: dt.date, actor=None) -> Organization:
    """Close a unit nobody belongs to any more on that date (its history stays)."""
    if CellMembership.objects.not_ended(on).filter(cell__path__startswith=org.path).exists():
        raise ValidationError(_("Members still belong to it on that date: move them first (merge or split)."))
    with audit_context(actor):
        _end_positions([org], on)
        return tree.organization_close(org=org, on=on, actor=actor)


# --- Seats and terms ----------------------------------------------------------------------------

def _record_seat(org: Organization, summary: str, actor, on: dt.date) -> None:
    tree.organization_change_record(organization=org, kind=OrganizationChange.Kind.SEAT, actor=actor,
                                    summary=summary, effective_date=on)


@transaction.atomic
def committee_seat_appoint(*, member: Member, organization: Organization, body: str, title: str,
                           start_date: dt.date, end_date: dt.date | None = None, actor=None) -> CommitteeSeat:
    """A seat on a committee of `organization` for a term (open-ended without `end_date`)."""
    if organization.is_closed or organization.is_cell:
        raise ValidationError(_("Committee seats are held on an open organisation above the cells."))
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The term ends before it starts.")})
    with audit_context(actor):
        seat = committee_seat_add(member=member, organization=organization, body=body, title=title,
                                  start_date=start_date, actor=actor)
        if end_date:
            seat.end_date = end_date
            seat.save(update_fields=["end_date"])
        _record_seat(organization, _("%(member)s: %(body)s from %(date)s") % {
            "member": member.full_name, "body": seat.get_body_display(), "date": start_date.strftime("%d/%m/%Y")},
            actor, start_date)
    return seat


@transaction.atomic
def committee_seat_end(*, seat: CommitteeSeat, end_date: dt.date, actor=None) -> CommitteeSeat:
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    if end_date < seat.start_date:
        raise ValidationError({"end_date": _("The term ends before it starts.")})
    seat.end_date = end_date
    seat.full_clean()
    with audit_context(actor):
        seat.save(update_fields=["end_date"])
        _record_seat(seat.organization, _("%(member)s: %(body)s until %(date)s") % {
            "member": seat.member.full_name, "body": seat.get_body_display(), "date": end_date.strftime("%d/%m/%Y")},
            actor, end_date)
    return seat


@transaction.atomic
def cell_officer_appoint(*, member: Member, cell: Organization, role: str, start_date: dt.date,
                         end_date: dt.date | None = None, actor=None) -> CellMembership:
    """A secretary, deputy or cell-committee member for a term: the member's place takes the
    role from `start_date`; with `end_date` the member is a plain member again the day after.
    One secretary at a time (the database's rule) is told as a message."""
    if role not in (Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.COMMITTEE_MEMBER):
        raise ValidationError({"role": _("Choose secretary, deputy secretary or cell committee member.")})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The term ends before it starts.")})
    try:
        with transaction.atomic(), audit_context(actor):
            place = membership_set_role(member=member, cell=cell, role=role, on=start_date, actor=actor)
            if end_date:
                membership_set_role(member=member, cell=cell, role=Role.MEMBER, on=end_date + DAY, actor=actor)
                place.refresh_from_db()
    except IntegrityError:
        raise ValidationError({"role": _("The cell already has a secretary in that period; end that term first.")}) \
            from None
    with audit_context(actor):
        _record_seat(cell, _("%(member)s: %(role)s from %(date)s") % {
            "member": member.full_name, "role": Role(role).label, "date": start_date.strftime("%d/%m/%Y")},
            actor, start_date)
    return place


@transaction.atomic
def cell_officer_end(*, member: Member, cell: Organization, end_date: dt.date, actor=None) -> CellMembership:
    """End an officer's term on `end_date`; the member stays on the rolls as a member."""
    with audit_context(actor):
        place = membership_set_role(member=member, cell=cell, role=Role.MEMBER, on=end_date + DAY, actor=actor)
        _record_seat(cell, _("%(member)s: term ended on %(date)s") % {
            "member": member.full_name, "date": end_date.strftime("%d/%m/%Y")}, actor, end_date)
    return place


def grassroots_committee_of(cell: Organization) -> Organization | None:
    """The closest grassroots committee above the cell (for a grassroots cell, none)."""
    return (Organization.objects.filter(pk__in=cell.ancestor_ids, kind=Organization.Kind.GRASSROOTS_COMMITTEE)
            .order_by("-depth").first())


@transaction.atomic
def cell_in_charge_assign(*, member: Member, cell: Organization, start_date: dt.date, actor=None) -> CellInCharge:
    """Put a standing-committee member of the cell's grassroots committee in charge of the
    cell from `start_date`; whoever was in charge stops the day before."""
    if not cell.is_cell or cell.is_closed:
        raise ValidationError(_("A committee member is put in charge of an open cell."))
    committee = grassroots_committee_of(cell) or cell.parent
    holds_seat = CommitteeSeat.objects.current(start_date).filter(
        member=member, organization=committee, body=CommitteeSeat.Body.STANDING_COMMITTEE).exists()
    if not holds_seat:
        raise ValidationError({"member": _("Choose a member of the standing committee of %(org)s.") % {
            "org": committee.name if committee else "—"}})
    with audit_context(actor):
        for current in CellInCharge.objects.select_for_update().filter(cell=cell, end_date__isnull=True):
            if current.start_date >= start_date:
                current.delete()
            else:
                current.end_date = start_date - DAY
                current.save(update_fields=["end_date"])
        assignment = CellInCharge(member=member, cell=cell, start_date=start_date)
        assignment.full_clean()
        assignment.save()
        _record_seat(cell, _("%(member)s in charge of the cell from %(date)s") % {
            "member": member.full_name, "date": start_date.strftime("%d/%m/%Y")}, actor, start_date)
    return assignment


@transaction.atomic
def cell_in_charge_end(*, assignment: CellInCharge, end_date: dt.date, actor=None) -> CellInCharge:
    assignment = CellInCharge.objects.select_for_update().get(pk=assignment.pk)
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": _("The term ends before it starts.")})
    assignment.end_date = end_date
    with audit_context(actor):
        assignment.save(update_fields=["end_date"])
        _record_seat(assignment.cell, _("%(member)s no longer in charge of the cell after %(date)s") % {
            "member": assignment.member.full_name, "date": end_date.strftime("%d/%m/%Y")}, actor, end_date)
    return assignment
