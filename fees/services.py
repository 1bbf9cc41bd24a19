"""Writes of party fees: every one atomic, audited, validated before it is saved."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.cell_versions import cells_changed
from common.months import add_months, month_start
from fees import rules
from fees.models import FeeBasis, FeeMonth, FeeRate, FeeSheet, FeeSubmission, Remittance
from fees.selectors import fee_sheet, upper_levels
from members.models import Member

# Keys are made by the sender (a browser's random UUID, or the server for the plain form).
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# An advance covers at most this many months beyond the month of the sheet.
ADVANCE_MONTHS_MAX = 12


def _refresh_rollups(cell_id: int, year: int) -> None:
    """The roll-ups derive members at risk and collection figures from the ledger; a write
    asks for its cell's refresh on commit, as the meeting services do (meetings.followups)."""
    from rollups.tasks import rollups_refresh_cell

    transaction.on_commit(lambda: rollups_refresh_cell.delay(cell_id, year), robust=True)


@transaction.atomic
def fee_rate_set(*, kind: str, effective_from: dt.date, percent=None, fixed_amount: int | None = None,
                 actor=None) -> FeeRate:
    """A rate of `kind` in force from a date (a new rate, or a correction of that date's)."""
    with audit_context(actor):
        rate = FeeRate.objects.filter(kind=kind, effective_from=effective_from).first() or FeeRate(
            kind=kind, effective_from=effective_from)
        rate.percent, rate.fixed_amount = percent, fixed_amount
        if (percent is None) == (fixed_amount is None):
            raise ValidationError(_("A rate is either a percentage or a fixed sum."))
        rate.full_clean()
        rate.save()
        return rate


@transaction.atomic
def fee_basis_set(*, member: Member, kind: str, effective_from: dt.date, base_amount: int | None = None,
                  actor=None) -> FeeBasis:
    """What the member's fee is computed from, from a date (a correction of that date's
    basis replaces it). A percentage rate needs a base amount."""
    with audit_context(actor):
        rate = rules.in_force(FeeRate.objects.filter(kind=kind), effective_from)
        if rate is not None and rate.percent is not None and not base_amount:
            raise ValidationError(_("This kind of fee is a percentage: enter the base amount."))
        basis = FeeBasis.objects.filter(member=member, effective_from=effective_from).first() or FeeBasis(
            member=member, effective_from=effective_from)
        basis.kind, basis.base_amount = kind, base_amount or None
        basis.recorded_by = actor if getattr(actor, "pk", None) else None
        basis.recorded_at = timezone.now()
        basis.full_clean()
        basis.save()
        return basis


def _reallocate(member_id: int, since: dt.date, *, cell_id: int, actor, book: rules.RateBook,
                bases) -> set[tuple[int, int]]:
    """Recompute what covers each of the member's months from `since` on (fees.rules.allocate).
    Returns the (cell id, year) pairs whose roll-ups changed."""
    before = FeeMonth.objects.filter(member_id=member_id, month__lt=since).aggregate(
        received=Sum("amount_received"), paid=Sum("amount_paid"))
    carry = (before["received"] or 0) - (before["paid"] or 0)
    last_before = (FeeMonth.objects.filter(member_id=member_id, month__lt=since, amount_received__gt=0)
                   .order_by("-month").values_list("paid_on", "collected_by_id").first()) or (None, None)
    existing = list(FeeMonth.objects.filter(member_id=member_id, month__gte=since).order_by("month"))
    by_month = {row.month: row for row in existing}
    # Consecutive months from `since` to the last one stored, so a surplus covers every month.
    last = existing[-1].month if existing else since
    limit = add_months(since, ADVANCE_MONTHS_MAX)
    plan = []
    month = since
    while month <= last:
        row = by_month.get(month)
        if row is not None:
            plan.append((month, row.amount_due, row.amount_received, row.paid_on, row.collected_by_id))
        else:
            due = book.due(bases, month)
            if due is None:
                break
            plan.append((month, due, 0, None, None))
        month = add_months(month, 1)

    def due_of(month):
        return book.due(bases, month) if month <= limit else None

    touched = set()
    for line in rules.allocate(plan, carry=max(carry, 0), carry_on=last_before[0], carry_by=last_before[1],
                               due_of=due_of):
        row = by_month.get(line.month)
        if row is None:
            if line.amount_paid == 0:
                continue  # a month nothing covers yet is written by its own sheet
            row = FeeMonth(member_id=member_id, month=line.month, cell_id=cell_id)
        if row.pk and (row.amount_due, row.amount_paid, row.paid_on, row.collected_by_id) == (
                line.amount_due, line.amount_paid, line.paid_on, line.collected_by_id):
            continue
        row.amount_due, row.amount_paid = line.amount_due, line.amount_paid
        row.paid_on, row.collected_by_id = line.paid_on, line.collected_by_id
        row.recorded_by = actor if getattr(actor, "pk", None) else row.recorded_by
        row.save()
        touched.add((row.cell_id, row.month.year))
    # Advance months no money covers any more (the advance was corrected) go.
    stale = FeeMonth.objects.filter(member_id=member_id, amount_received=0, amount_paid=0,
                                    month__gt=max(since, month_start(timezone.localdate())))
    for stale_cell_id, stale_month in stale.values_list("cell_id", "month"):
        touched.add((stale_cell_id, stale_month.year))
    stale.delete()
    return touched


@transaction.atomic
def fee_sheet_record(*, cell: Organization, month: dt.date, received: dict[int, int], collected_on: dt.date,
                     collected_by: Member | None = None, actor=None, idempotency_key: str = "") -> FeeSheet:
    """Record a cell's month: {member id: amount received on this sheet, in đồng}.

    Members left out keep what was saved. An amount below the due is a partial payment; above
    it, an advance covering the next months (at most ADVANCE_MONTHS_MAX). A submission whose
    key was received already changes nothing.
    """
    month = month_start(month)
    today = timezone.localdate()
    if month > month_start(today):
        raise ValidationError(_("A month that has not begun cannot be recorded; record an advance on this month."))
    if collected_on > today:
        raise ValidationError(_("The collection date cannot be in the future."))
    Organization.objects.select_for_update().filter(pk=cell.pk).first()  # one sheet of a cell at a time
    if idempotency_key:
        if not IDEMPOTENCY_KEY.match(idempotency_key):
            raise ValidationError(_("The submission key is not valid; reload the page and try again."))
        if FeeSubmission.objects.filter(cell=cell, key=idempotency_key).exists():
            return FeeSheet.objects.get(cell=cell, month=month)
    sheet_view = fee_sheet(cell, month, today=today)
    rows = {row.member.pk: row for row in sheet_view.rows}
    errors = []
    for member_id, amount in received.items():
        row = rows.get(member_id)
        if row is None:
            errors.append(_("The sheet named someone who does not owe this cell's fees; nothing was saved."))
        elif row.due is None:
            errors.append(_("Comrade %(name)s has no fee basis: set it first; nothing was saved.")
                          % {"name": row.member.full_name})
        elif amount < 0 or amount > row.due * (ADVANCE_MONTHS_MAX + 1):
            errors.append(_("The amount for comrade %(name)s is not plausible; nothing was saved.")
                          % {"name": row.member.full_name})
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    book = rules.RateBook()
    bases_by_member: dict[int, list[FeeBasis]] = {}
    for basis in FeeBasis.objects.filter(member_id__in=list(received)):
        bases_by_member.setdefault(basis.member_id, []).append(basis)
    touched = {(cell.pk, month.year)}
    with audit_context(actor):
        sheet, _created = FeeSheet.objects.update_or_create(
            cell=cell, month=month,
            defaults={"collected_on": collected_on, "collected_by": collected_by,
                      "recorded_by": actor if getattr(actor, "pk", None) else None, "recorded_at": timezone.now()},
        )
        for member_id, amount in received.items():
            row = FeeMonth.objects.filter(member_id=member_id, month=month).first()
            if row is None:
                row = FeeMonth(member_id=member_id, month=month, cell=cell, amount_due=rows[member_id].due)
            elif row.amount_received == amount and row.cell_id == cell.pk:
                continue  # as saved: the day it was paid stays
            row.cell = cell
            row.amount_received = amount
            row.paid_on = collected_on if amount else None
            row.collected_by = collected_by if amount else None
            row.recorded_by = actor if getattr(actor, "pk", None) else None
            row.amount_paid = 0  # set by the allocation below
            row.save()
            touched |= _reallocate(member_id, month, cell_id=cell.pk, actor=actor, book=book,
                                   bases=bases_by_member.get(member_id, []))
        if idempotency_key:
            FeeSubmission.objects.create(cell=cell, month=month, key=idempotency_key,
                                         submitted_by=actor if getattr(actor, "pk", None) else None)
    cells_changed([cell_id for cell_id, _year in touched])  # the cell home's members at risk for fees
    for cell_id, year in sorted(touched):
        _refresh_rollups(cell_id, year)
    return sheet


@transaction.atomic
def remittance_record(*, cell: Organization, month: dt.date, amount: int, remitted_on: dt.date,
                      to_organization: Organization, actor=None) -> Remittance:
    """The cell's fees of `month` handed to an organisation above it (a correction replaces it)."""
    month = month_start(month)
    if to_organization.pk not in {org.pk for org in upper_levels(cell)}:
        raise ValidationError(_("Fees are remitted to an organisation above the cell."))
    if remitted_on > timezone.localdate():
        raise ValidationError(_("The remittance date cannot be in the future."))
    with audit_context(actor):
        remittance = Remittance.objects.filter(cell=cell, month=month).first() or Remittance(cell=cell, month=month)
        remittance.amount, remittance.remitted_on, remittance.to_organization = amount, remitted_on, to_organization
        remittance.recorded_by = actor if getattr(actor, "pk", None) else None
        remittance.recorded_at = timezone.now()
        remittance.full_clean()
        remittance.save()
    _refresh_rollups(cell.pk, month.year)
    return remittance
