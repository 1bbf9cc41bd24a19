"""Scoped reads of party fees. Pages pass the user's Scope; out of scope is a 404.

Every read takes a fixed number of queries whatever the cell's or the tree's size.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from common.months import add_months, month_start, months_between
from fees import rules
from fees.models import FeeBasis, FeeMonth, FeeSheet, Remittance
from members.access import Scope, can_manage_cell, can_see_cell, get_cell_for_viewer, organizations_overseen
from members.models import CellMembership, Member


def parse_month(value: str | None, *, today: dt.date) -> dt.date:
    """"2026-05" → 1 May 2026; anything else (or a month ahead) → the current month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        parsed = dt.date(year, month, 1)
    except (TypeError, ValueError):
        return month_start(today)
    if not 2000 <= parsed.year <= 2100 or parsed > month_start(today):
        return month_start(today)
    return parsed


def parse_year(value: str | None, *, today: dt.date) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


@dataclass
class SheetRow:
    member: Member
    due: int | None  # None: no fee basis (or rate) to compute it
    received: int = 0  # on this month's sheet, as saved
    paid: int = 0  # covering the month (with an advance from earlier months)
    paid_on: dt.date | None = None
    saved: bool = False  # the member has a ledger row for the month
    unpaid_months: int = 0  # of this calendar year, before this month's sheet

    @property
    def covered_in_advance(self) -> bool:
        return self.saved and self.received == 0 and self.due is not None and self.paid >= self.due

    @property
    def suggested(self) -> int:
        """What "everyone paid" fills in: the due, unless an advance covers the month."""
        if self.due is None or self.covered_in_advance:
            return 0
        return self.received if self.saved and self.received > self.due else self.due


@dataclass
class Sheet:
    cell: Organization
    month: dt.date
    rows: list[SheetRow]
    recorded: FeeSheet | None

    @property
    def due(self) -> int:
        return sum(row.due or 0 for row in self.rows)

    @property
    def paid(self) -> int:
        return sum(row.paid for row in self.rows)

    @property
    def members_paid(self) -> int:
        return sum(1 for row in self.rows if row.due is not None and row.paid >= row.due)

    @property
    def rate(self):
        return rules.collection_rate(self.paid, self.due)

    def by_public_id(self) -> dict[str, SheetRow]:
        return {str(row.member.public_id): row for row in self.rows}


def get_cell_for_fees(scope: Scope, public_id) -> tuple[Organization, bool]:
    """The cell and whether the user may record its fees (its officers); others who see it read."""
    cell = get_cell_for_viewer(scope, public_id)
    can_write = can_manage_cell(scope, cell)
    if not can_write and not (scope.is_superuser or scope.oversees_path(cell.path)):
        raise Http404  # a plain member sees their own fees, not the cell's
    return cell, can_write


def sheet_members(cell: Organization, month: dt.date, today: dt.date) -> list[Member]:
    """Who owes the cell's fee of `month`: members current on the month's last day (today for
    the current month) as fees.rules.owes_fees says, and anyone already in its ledger."""
    on = min(rules.month_end(month), today)
    memberships = (CellMembership.objects.current(on).filter(cell=cell).select_related("member")
                   .order_by("member__full_name", "member_id"))
    found = {m.member_id: m.member for m in memberships
             if rules.owes_fees(status=m.member.status, membership_kind=m.kind)}
    recorded = FeeMonth.objects.filter(cell=cell, month=month).exclude(member_id__in=found)
    found.update({m.pk: m for m in Member.objects.filter(pk__in=recorded.values("member_id"))})
    return sorted(found.values(), key=lambda m: (m.full_name, m.pk))


def fee_sheet(cell: Organization, month: dt.date, *, today: dt.date | None = None) -> Sheet:
    """The cell's month as the sheet shows it: six queries."""
    today = today or timezone.localdate()
    members = sheet_members(cell, month, today)
    ids = [m.pk for m in members]
    bases: dict[int, list[FeeBasis]] = {}
    for basis in FeeBasis.objects.filter(member_id__in=ids):
        bases.setdefault(basis.member_id, []).append(basis)
    book = rules.RateBook()
    ledger = {row.member_id: row for row in FeeMonth.objects.filter(member_id__in=ids, month=month)}
    unpaid = rules.unpaid_months(cell_id=cell.pk, year=month.year, today=month, member_ids=ids)
    rows = []
    for member in members:
        saved = ledger.get(member.pk)
        due = saved.amount_due if saved else book.due(bases.get(member.pk, []), month)
        rows.append(SheetRow(
            member=member, due=due, saved=saved is not None,
            received=saved.amount_received if saved else 0, paid=saved.amount_paid if saved else 0,
            paid_on=saved.paid_on if saved else None,
            unpaid_months=unpaid[member.pk].months if member.pk in unpaid else 0,
        ))
    return Sheet(cell=cell, month=month, rows=rows,
                 recorded=FeeSheet.objects.filter(cell=cell, month=month).select_related("collected_by").first())


# --- A cell's year (the treasurer's ledger) -------------------------------------------------------

@dataclass
class LedgerLine:
    member: Member
    months: dict[dt.date, FeeMonth] = field(default_factory=dict)

    @property
    def due(self) -> int:
        return sum(row.amount_due for row in self.months.values())

    @property
    def paid(self) -> int:
        return sum(row.amount_paid for row in self.months.values())


@dataclass
class CellYear:
    cell: Organization
    year: int
    months: list[dt.date]
    lines: list[LedgerLine]
    sheets: dict[dt.date, FeeSheet]
    remittances: dict[dt.date, Remittance]

    def month_totals(self) -> list[tuple[dt.date, int, int]]:
        return [(month, sum(line.months[month].amount_due for line in self.lines if month in line.months),
                 sum(line.months[month].amount_paid for line in self.lines if month in line.months))
                for month in self.months]


def cell_year(cell: Organization, year: int) -> CellYear:
    """The cell's ledger of a calendar year, member rows × months: four queries."""
    months = months_between(dt.date(year, 1, 1), dt.date(year, 12, 1))
    rows = (FeeMonth.objects.filter(cell=cell, month__year=year).select_related("member")
            .order_by("member__full_name", "member_id", "month"))
    lines: dict[int, LedgerLine] = {}
    for row in rows:
        lines.setdefault(row.member_id, LedgerLine(row.member)).months[row.month] = row
    return CellYear(
        cell=cell, year=year, months=months, lines=list(lines.values()),
        sheets={s.month: s for s in FeeSheet.objects.filter(cell=cell, month__year=year)},
        remittances={r.month: r for r in Remittance.objects.filter(cell=cell, month__year=year)
                     .select_related("to_organization")},
    )


# --- A member's own fees ------------------------------------------------------------------------

def member_fee_months(scope: Scope, *, year: int | None = None):
    """The signed-in member's own ledger months (newest first), any cell."""
    if scope.member_id is None:
        return FeeMonth.objects.none()
    qs = FeeMonth.objects.filter(member_id=scope.member_id).select_related("cell").order_by("-month")
    return qs.filter(month__year=year) if year else qs


# --- The committee's figures ----------------------------------------------------------------------

@dataclass
class UnitFigures:
    organization: Organization
    due: int = 0
    paid: int = 0
    members: int = 0
    members_paid: int = 0
    cells_recorded: int = 0  # cell-months recorded
    remitted: int = 0

    @property
    def rate(self):
        return rules.collection_rate(self.paid, self.due)


@dataclass
class CommitteeFees:
    organization: Organization
    year: int
    units: list[UnitFigures]
    total: UnitFigures
    by_month: list[tuple[dt.date, int, int]]  # (month, due, paid) for the whole subtree


def get_organization_for_committee(scope: Scope, public_id) -> Organization:
    org = organizations_overseen(scope).filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def committee_fees(org: Organization, year: int) -> CommitteeFees:
    """Fees of a calendar year under `org`, per child unit and in total: four queries.

    Each ledger row counts for the child of `org` on its cell's path (the cell itself when
    `org` is a cell's parent), read off the materialized path.
    """
    children = list(Organization.objects.filter(parent=org).order_by("name"))
    if not children:
        children = [org]
    prefix_len = len(org.path)
    units = {child.pk: UnitFigures(child) for child in children}

    def child_of(path: str) -> int | None:
        if len(children) == 1 and children[0].pk == org.pk:
            return org.pk
        head = path[prefix_len:].split("/", 1)[0]
        return int(head) if head.isdigit() else None

    subtree = Q(cell__path__startswith=org.path)
    ledger = (FeeMonth.objects.filter(subtree, month__year=year)
              .values("cell__path", "month")
              .annotate(due=Sum("amount_due"), paid=Sum("amount_paid"), members=Count("id"),
                        members_paid=Count("id", filter=Q(amount_paid__gte=F("amount_due")))))
    by_month: dict[dt.date, list[int]] = {}
    for row in ledger:
        unit = units.get(child_of(row["cell__path"]))
        if unit is not None:
            unit.due += row["due"]
            unit.paid += row["paid"]
            unit.members += row["members"]
            unit.members_paid += row["members_paid"]
        sums = by_month.setdefault(row["month"], [0, 0])
        sums[0] += row["due"]
        sums[1] += row["paid"]
    for path, count in (FeeSheet.objects.filter(subtree, month__year=year).values("cell__path")
                        .annotate(n=Count("id")).values_list("cell__path", "n")):
        unit = units.get(child_of(path))
        if unit is not None:
            unit.cells_recorded += count
    for path, amount in (Remittance.objects.filter(subtree, month__year=year).values("cell__path")
                         .annotate(total=Sum("amount")).values_list("cell__path", "total")):
        unit = units.get(child_of(path))
        if unit is not None:
            unit.remitted += amount
    total = UnitFigures(org)
    for unit in units.values():
        for name in ("due", "paid", "members", "members_paid", "cells_recorded", "remitted"):
            setattr(total, name, getattr(total, name) + getattr(unit, name))
    months = months_between(dt.date(year, 1, 1), dt.date(year, 12, 1))
    return CommitteeFees(organization=org, year=year, units=list(units.values()), total=total,
                         by_month=[(m, *by_month.get(m, (0, 0))) for m in months])


def upper_levels(cell: Organization) -> list[Organization]:
    """Where a cell may remit its fees: its ancestors, nearest first."""
    ancestors = Organization.objects.in_bulk(cell.ancestor_ids)
    return [ancestors[i] for i in reversed(cell.ancestor_ids) if i in ancestors]


def can_record_fees(scope: Scope, cell: Organization) -> bool:
    return can_manage_cell(scope, cell)


def can_read_fees(scope: Scope, cell: Organization) -> bool:
    return can_see_cell(scope, cell) and (can_manage_cell(scope, cell) or scope.oversees_path(cell.path)
                                          or scope.is_superuser)


def recent_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """The months a sheet can be opened for from the month picker: this one and the ones before."""
    this = month_start(today)
    return [add_months(this, -i) for i in range(count)]
