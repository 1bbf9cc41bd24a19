"""Demo data for party fees: every member on the rolls has a fee basis (most a salary, some a
pension, a few students), and every cell a ledger of the last twelve months and the current
one as most cells keep it: nearly everyone pays each month, a few pay late or in part, a few
pay a quarter ahead, one or two members leave months unpaid (members at risk), and a few have paid only part of
the month still running; each month's
sheet is recorded and remitted to the commune. Bulk inserts only (seconds at district scale)."""

import datetime as dt
import importlib

from django.apps import apps

from common.months import add_months, month_start, months_between
from fees import rules
from fees.models import FeeBasis, FeeKind, FeeMonth, FeeSheet, Remittance
from members.models import MemberStatus

OWING = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT, MemberStatus.TEMPORARY_TRANSFER)


def _basis(rng, member_id: int, since: dt.date) -> FeeBasis:
    roll = rng.random()
    if roll < 0.7:  # insured salaries of public servants and workers, to the thousand đồng
        return FeeBasis(member_id=member_id, kind=FeeKind.SALARY, effective_from=since,
                        base_amount=rng.randrange(4_200, 14_000) * 1000)
    if roll < 0.93:
        return FeeBasis(member_id=member_id, kind=FeeKind.PENSION, effective_from=since,
                        base_amount=rng.randrange(3_000, 9_000) * 1000)
    return FeeBasis(member_id=member_id, kind=FeeKind.STUDENT, effective_from=since)


def seed(*, rng, today: dt.date, cells, members, scale) -> dict:
    """`cells` and `members` are demo.seeding's rows (_Cell, _Member). Returns counts."""
    importlib.import_module("fees.migrations.0002_default_rates").add_rates(apps, None)
    book = rules.RateBook()
    this_month = month_start(today)
    months = months_between(add_months(this_month, -12), this_month)
    since = months[0]
    payers = [m for m in members if m.status in OWING]
    bases = {m.id: _basis(rng, m.id, since) for m in payers}
    FeeBasis.objects.bulk_create(bases.values(), batch_size=5000)
    commune_of = {cell.id: cell.commune_id for cell in cells}
    # One or two members at risk: months of this year left unpaid (warning, then removal).
    at_risk = {m.id: 2 + i for i, m in enumerate(rng.sample([m for m in payers if m.chronic] or payers,
                                                              min(2, len(payers))))}
    ledger, sheets, remittances = [], [], []
    # The current month: about half of the cells have collected already.
    collected_now = {cell.id for cell in cells if rng.random() < 0.5}
    paid_by_cell: dict[tuple[int, dt.date], int] = {}
    for m in payers:
        cell_id = m.temp_cell_id or m.cell_id
        ahead = 0
        unpaid_left = at_risk.get(m.id, 0)
        for month in months:
            if month == this_month and cell_id not in collected_now:
                continue
            due = book.due([bases[m.id]], month)
            if due is None:
                continue
            collected_on = min(month + dt.timedelta(days=rng.randrange(0, 10)), today)
            received, paid, paid_on = due, due, collected_on
            if ahead:  # covered by a quarter paid ahead
                received, ahead = 0, ahead - 1
            elif unpaid_left and month.year == today.year and month < this_month and month.month >= 2:
                received, paid, paid_on, unpaid_left = 0, 0, None, unpaid_left - 1
            else:
                roll = rng.random()
                if roll < 0.03:  # a quarter ahead
                    received, ahead = due * 3, 2
                elif roll < 0.06 and month == this_month:  # part so far, the rest before the month ends
                    received = paid = due // 2
                elif roll < 0.12:  # late, at the next month's meeting
                    paid_on = min(add_months(month, 1) + dt.timedelta(days=rng.randrange(0, 5)), today)
            ledger.append(FeeMonth(member_id=m.id, cell_id=cell_id, month=month, amount_due=due,
                                   amount_received=received, amount_paid=paid, paid_on=paid_on))
            paid_by_cell[(cell_id, month)] = paid_by_cell.get((cell_id, month), 0) + paid
    FeeMonth.objects.bulk_create(ledger, batch_size=5000)
    for (cell_id, month), paid in sorted(paid_by_cell.items()):
        collected_on = min(month + dt.timedelta(days=5), today)
        sheets.append(FeeSheet(cell_id=cell_id, month=month, collected_on=collected_on))
        if month < this_month and commune_of.get(cell_id) and commune_of[cell_id] != cell_id:
            remittances.append(Remittance(cell_id=cell_id, month=month, amount=paid,
                                          remitted_on=min(add_months(month, 1) + dt.timedelta(days=9), today),
                                          to_organization_id=commune_of[cell_id]))
    FeeSheet.objects.bulk_create(sheets, batch_size=5000)
    Remittance.objects.bulk_create(remittances, batch_size=5000)
    return {"fee_bases": len(bases), "fee_months": len(ledger), "fee_sheets": len(sheets),
            "remittances": len(remittances), "members_at_risk_for_fees": len(at_risk)}
