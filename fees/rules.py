"""The party-fee rules, each defined once, with the SQL twin the roll-ups need beside it.

- Who owes a fee in a cell (`owes_fees`): home members on the rolls (official, probationary,
  exempt from activity: exemption from meetings is not from fees) and members on temporary
  transfer, in the cell where they attend meanwhile.
- The amount due of a month (`amount_due`): from the member's fee basis and the rate of its
  kind, both the ones in force on the LAST day of the month (a basis or rate starting
  mid-month applies to that month). A percentage of the base amount is rounded to whole
  đồng, half up (12 345,5 đ → 12 346 đ); a fixed rate is its sum.
- Advance and partial payments (`allocate`): the money received on a month's sheet first
  covers that month; what is beyond its due carries forward to the next months, in order.
  A month is never covered by a later month's money: arrears are recorded on the month
  they belong to (with the day they were paid).
- An unpaid month (`is_unpaid`, SQL twin `UNPAID_MONTH_SQL`): a ledger month that is over
  (the grace is the month's last day) and whose amount paid is still below its due. Paying
  the arrears later clears it: the regulation's ground for removal is fees not paid, not
  fees paid late. Months the cell never recorded count neither way.
- The months unpaid in a calendar year per member and cell (`unpaid_months`) feed the
  members at risk with the same thresholds as absences (meetings.rules.risk_level, reason
  "fees").
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Sum

from common.months import add_months, month_start
from common.numbers import percent
from fees.models import FeeBasis, FeeMonth, FeeRate
from members.models import CellMembership, MemberStatus

# --- Who owes ---------------------------------------------------------------------------------

HOME_STATUSES = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT)


def owes_fees(*, status: str, membership_kind: str) -> bool:
    """Whether a member with `status` and a current membership of `membership_kind` pays the
    cell's fees: home members on the rolls, and members attending on temporary transfer."""
    if membership_kind == CellMembership.Kind.HOME:
        return status in HOME_STATUSES
    return status == MemberStatus.TEMPORARY_TRANSFER


# --- The amount due ---------------------------------------------------------------------------

def month_end(month: dt.date) -> dt.date:
    return add_months(month_start(month), 1) - dt.timedelta(days=1)


def in_force(rows, month: dt.date):
    """Of dated rows (`.effective_from`), the one in force on the month's last day, or None."""
    last_day = month_end(month)
    current = [row for row in rows if row.effective_from <= last_day]
    return max(current, key=lambda row: row.effective_from) if current else None


def amount_due(member_basis: FeeBasis | None, rate: FeeRate | None, month: dt.date) -> int | None:
    """The fee of `month` in whole đồng, or None when it cannot be computed (no basis, no rate
    of its kind, or a percentage rate and no base amount). The basis and rate passed must be
    those in force for the month (`in_force`); a basis of another kind than the rate is refused."""
    if member_basis is None or rate is None or rate.kind != member_basis.kind:
        return None
    if member_basis.effective_from > month_end(month) or rate.effective_from > month_end(month):
        return None
    if rate.fixed_amount is not None:
        return rate.fixed_amount
    if member_basis.base_amount is None:
        return None
    exact = Decimal(member_basis.base_amount) * rate.percent / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class RateBook:
    """Every rate, read once, to compute many members' dues."""

    def __init__(self, rates=None):
        rates = list(FeeRate.objects.all()) if rates is None else list(rates)
        self.by_kind: dict[str, list[FeeRate]] = {}
        for rate in rates:
            self.by_kind.setdefault(rate.kind, []).append(rate)

    def due(self, bases, month: dt.date) -> int | None:
        """The amount due of `month` for a member whose fee bases are `bases`."""
        basis = in_force(bases, month)
        if basis is None:
            return None
        return amount_due(basis, in_force(self.by_kind.get(basis.kind, []), month), month)


# --- Advance and partial payments -------------------------------------------------------------

@dataclass
class Allocated:
    month: dt.date
    amount_due: int
    amount_received: int
    amount_paid: int
    paid_on: dt.date | None
    collected_by_id: int | None


def allocate(rows, *, carry: int = 0, carry_on: dt.date | None = None, carry_by: int | None = None,
             due_of=None) -> list[Allocated]:
    """Cover consecutive months in order. `rows` are (month, due, received, paid_on, collected_by_id)
    from the first month recomputed; `carry` is the surplus brought from before it. While a
    surplus remains after the last row, months follow with their due from `due_of(month)`
    (None: nothing more can be covered)."""
    result = []
    rows = list(rows)
    index = 0
    month = rows[0][0] if rows else None
    while index < len(rows) or (carry > 0 and month is not None):
        if index < len(rows):
            month, due, received, paid_on, collected_by = rows[index]
            index += 1
        else:
            due = due_of(month) if due_of else None
            if due is None:
                break
            received, paid_on, collected_by = 0, None, None
        available = carry + received
        paid = min(due, available)
        if received:
            on, by = paid_on, collected_by
        elif paid:
            on, by = carry_on, carry_by
        else:
            on, by = None, None
        result.append(Allocated(month, due, received, paid, on, by))
        carry = available - paid
        if received and carry:
            carry_on, carry_by = paid_on, collected_by
        month = add_months(month, 1)
    return result


# --- Unpaid months ----------------------------------------------------------------------------

def is_unpaid(*, amount_due: int, amount_paid: int, month: dt.date, today: dt.date) -> bool:
    """A ledger month over (its last day passed) with less paid than due."""
    return month < month_start(today) and amount_paid < amount_due


# SQL twin over a ledger row `f`, with %(current_month)s the first day of today's month.
UNPAID_MONTH_SQL = "(f.amount_paid < f.amount_due AND f.month < %(current_month)s)"


@dataclass(frozen=True)
class UnpaidYear:
    member_id: int
    months: int  # months of the year over and not fully paid
    owed: int  # đồng still owed for them
    last_month: dt.date


def unpaid_months(*, cell_id: int, year: int, today: dt.date, member_ids=None) -> dict[int, UnpaidYear]:
    """Unpaid months of the calendar year in the cell's ledger, per member: one query."""
    rows = FeeMonth.objects.filter(
        cell_id=cell_id, month__year=year, month__lt=month_start(today), amount_paid__lt=F("amount_due"),
    )
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    grouped = rows.values("member_id").annotate(
        months=Count("id"), owed=Sum(F("amount_due") - F("amount_paid")), last=Max("month"),
    )
    return {row["member_id"]: UnpaidYear(row["member_id"], row["months"], row["owed"], row["last"])
            for row in grouped}


def collection_rate(paid: int, due: int):
    """Collected over due, as every percentage (common.numbers.percent)."""
    return percent(paid, due)
