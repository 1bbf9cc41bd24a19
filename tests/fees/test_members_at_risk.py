"""Unpaid fee months lead to members at risk with the absences' thresholds: on the cell home,
in the nudges (through the ledger) and in the roll-ups, each member once, saying why."""

import datetime as dt

import time_machine
from django.utils import timezone

from fees.services import fee_sheet_record
from meetings import reminders, rules
from meetings.selectors import cell_home
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from notifications.models import Dispatch
from notifications.services.dispatch import dispatches_create
from reports.periods import Period
from reports.selectors import members_at_risk, organization_overview
from rollups import services as rollups
from rollups.models import CellMonth, MemberYear

D = dt.date
TZ = timezone.get_fixed_timezone(7 * 60)


def unpaid(cast, member, *months):
    for month in months:
        fee_sheet_record(cell=cast.tree.a1, month=D(2026, month, 1), collected_on=D(2026, month, 5),
                         received={member.pk: 0, cast.secretary.pk: 50_000})


def absent(cast, member, *months):
    for month in months:
        meeting = meeting_schedule(cell=cast.tree.a1, kind="extraordinary",
                                   starts_at=dt.datetime(2026, month, 10, 19, 30, tzinfo=TZ))
        attendance_record(meeting=meeting, entries={member.pk: ("unexcused", "")})


def test_the_second_unpaid_month_warns_and_the_third_proposes_removal(payers):
    unpaid(payers, payers.member, 1, 2)
    risk = rules.member_risks(cell_id=payers.tree.a1.pk, year=2026, today=D(2026, 5, 20))[payers.member.pk]
    assert (risk.unpaid_months, risk.reasons, risk.level) == (2, ("fees",), rules.WARNING)
    unpaid(payers, payers.member, 3)
    risk = rules.member_risks(cell_id=payers.tree.a1.pk, year=2026, today=D(2026, 5, 20))[payers.member.pk]
    assert risk.level == rules.REMOVAL


def test_the_month_running_does_not_count_and_paying_the_arrears_clears_it(payers):
    unpaid(payers, payers.member, 4, 5)  # May is still running on 20 May
    assert rules.member_risks(cell_id=payers.tree.a1.pk, year=2026, today=D(2026, 5, 20)) == {}
    unpaid(payers, payers.member, 3)
    assert payers.member.pk in rules.member_risks(cell_id=payers.tree.a1.pk, year=2026, today=D(2026, 5, 20))
    fee_sheet_record(cell=payers.tree.a1, month=D(2026, 3, 1), collected_on=D(2026, 5, 19),
                     received={payers.member.pk: 50_000})
    assert rules.member_risks(cell_id=payers.tree.a1.pk, year=2026, today=D(2026, 5, 20)) == {}


def test_the_cell_home_lists_the_unpaid_fees_as_a_to_do(payers):
    unpaid(payers, payers.member, 1, 2, 3)
    (todo,) = [t for t in cell_home(payers.tree.a1).todos if t.kind == "fees"]
    assert (todo.member_name, todo.count, todo.overdue) == (payers.member.full_name, 3, True)


def test_a_member_at_risk_for_both_reasons_counts_once_and_says_both(payers):
    unpaid(payers, payers.member, 1, 2)
    absent(payers, payers.member, 3, 4)
    rollups.rollups_rebuild(years=[2026])
    (year,) = MemberYear.objects.filter(member=payers.member)
    assert (year.unexcused_months, year.unpaid_months, year.reasons) == (2, 2, ("absences", "fees"))
    assert year.at_risk_from == D(2026, 2, 1)  # the fee warning came first
    may = CellMonth.objects.get(cell=payers.tree.a1, month=D(2026, 5, 1))
    assert (may.members_at_risk, may.members_at_risk_fees) == (1, 1)
    period = Period.parse("2026")
    assert organization_overview(payers.tree.commune_a, period).totals.members_at_risk == 1
    (listed,) = members_at_risk(payers.tree.commune_a, period)
    assert listed.reasons == ("absences", "fees")
    kinds = sorted(t.kind for t in cell_home(payers.tree.a1).todos if t.member_public_id == payers.member.public_id)
    assert kinds == ["absences", "fees"]


def test_the_refresh_and_the_rebuild_agree_on_the_fee_figures(payers):
    unpaid(payers, payers.member, 1, 2, 3)
    fields = ["members_at_risk", "members_at_risk_fees", "members_to_remove", "fees_due", "fees_paid",
              "fee_members", "fee_members_paid", "fee_sheets"]
    rollups.rollups_refresh_cell(cell_id=payers.tree.a1.pk, year=2026)
    refreshed = list(CellMonth.objects.filter(cell=payers.tree.a1).order_by("month").values_list(*fields))
    rollups.rollups_rebuild(years=[2026])
    assert list(CellMonth.objects.filter(cell=payers.tree.a1).order_by("month").values_list(*fields)) == refreshed
    march = CellMonth.objects.get(cell=payers.tree.a1, month=D(2026, 3, 1))
    assert (march.fees_due, march.fees_paid, march.fee_members_paid, march.members_to_remove) == (
        100_000, 50_000, 1, 1)


def test_the_officers_are_nudged_once_at_the_warning_and_once_at_removal(payers):
    unpaid(payers, payers.member, 1, 2)
    now = timezone.now()
    keys = [r.key for r in reminders.nudges_due(now) if r.kind == reminders.NUDGE_FEES]
    assert keys == [f"member:{payers.member.pk}:unpaid-fees:2026:warning"]
    dispatches_create(requests=reminders.nudges_due(now))
    dispatches_create(requests=reminders.nudges_due(now))
    assert Dispatch.objects.filter(kind=reminders.NUDGE_FEES).count() == 1
    unpaid(payers, payers.member, 3)
    keys = [r.key for r in reminders.unpaid_fee_nudges_due(timezone.now())]
    assert keys == [f"member:{payers.member.pk}:unpaid-fees:2026:removal"]


def test_the_nudge_reaches_the_secretary_and_the_commune_and_names_the_months(payers):
    unpaid(payers, payers.member, 1, 2)
    (request,) = reminders.unpaid_fee_nudges_due(timezone.now())
    recipients = set(reminders._member_officers(reminders.NUDGE_FEES)(request.params))
    assert {payers.secretary, payers.committee} <= recipients
    context = reminders._unpaid_fees_context(request.params)
    assert context["unpaid"] == [D(2026, 1, 1), D(2026, 2, 1)] and context["owed"] == 100_000
    fee_sheet_record(cell=payers.tree.a1, month=D(2026, 2, 1), collected_on=D(2026, 5, 19),
                     received={payers.member.pk: 50_000})
    assert reminders._unpaid_fees_context(request.params) is None  # paid meanwhile: not sent


def test_late_in_the_month_only_cells_with_a_recent_sheet_are_scanned(payers):
    unpaid(payers, payers.member, 1, 2)
    with time_machine.travel(dt.datetime(2026, 5, 25, 10, tzinfo=TZ), tick=False):
        assert reminders.unpaid_fee_nudges_due(timezone.now())  # sheets saved this week
    with time_machine.travel(dt.datetime(2026, 6, 2, 10, tzinfo=TZ), tick=False):
        assert reminders.unpaid_fee_nudges_due(timezone.now())  # a month just ended: every ledger
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, tzinfo=TZ), tick=False):
        assert reminders.unpaid_fee_nudges_due(timezone.now()) == []
