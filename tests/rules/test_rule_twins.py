"""Each rule defined once, and its SQL twin agrees with it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from common.months import add_months, add_years, months_between, quarter_start
from common.numbers import format_percent, percent, percent_fraction, percent_sql
from meetings import rules
from meetings.models import Attendance
from members.models import CellMembership, MemberStatus, current_sql
from tests import factories

PAIRS = [(0, 5), (1, 3), (2, 3), (8865, 10000), (8864, 10000), (19, 21), (1, 8), (3, 8), (5, 8), (7, 7), (1, 0), (0, 0)]


def test_a_percentage_is_rounded_half_up_to_one_decimal():
    assert percent(8865, 10000) == Decimal("88.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25: half up, not to even
    assert percent(2, 3) == Decimal("66.7")
    assert percent(3, 0) is None
    assert percent(None, 5) is None


@pytest.mark.django_db
def test_the_sql_percentage_equals_the_python_one():
    with connection.cursor() as cursor:
        for part, whole in PAIRS:
            cursor.execute(f"SELECT {percent_sql('%s', '%s')}", [part, whole])
            assert cursor.fetchone()[0] == percent(part, whole), (part, whole)


def test_a_percentage_reads_the_vietnamese_way():
    with translation.override("vi"):
        assert format_percent(percent(8865, 10000)) == "88,7 %"
        assert format_percent(90.45) == "90,5 %"
        assert format_percent(None) == "—"
    assert percent_fraction(Decimal("88.7")) == pytest.approx(0.887)


def test_month_arithmetic_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)
    assert add_months(dt.date(2026, 1, 15), -13) == dt.date(2024, 12, 15)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert quarter_start(dt.date(2026, 8, 17)) == dt.date(2026, 7, 1)
    assert months_between(dt.date(2025, 11, 20), dt.date(2026, 2, 3)) == [
        dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]


@pytest.mark.django_db
def test_membership_current_on_a_date_is_the_same_in_python_and_sql(tree):
    a = factories.member(tree.a1, start_date=dt.date(2026, 3, 1))
    b = factories.member(tree.a1, start_date=dt.date(2025, 1, 1))
    CellMembership.objects.filter(member=b).update(end_date=dt.date(2026, 2, 28))
    for day in (dt.date(2025, 6, 1), dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 12, 31)):
        python = set(CellMembership.objects.current(day).filter(member__in=[a, b]).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT cm.id FROM members_cellmembership cm WHERE cm.member_id IN (%(a)s, %(b)s) AND {current_sql('cm', '%(day)s')}",
                {"a": a.pk, "b": b.pk, "day": day},
            )
            assert {row[0] for row in cursor.fetchall()} == python, day


def test_who_is_summoned_and_as_what():
    home, temporary = CellMembership.Kind.HOME, CellMembership.Kind.TEMPORARY
    assert rules.summon_basis(status=MemberStatus.OFFICIAL, membership_kind=home) == Attendance.Basis.OFFICIAL
    assert rules.summon_basis(status=MemberStatus.PROBATIONARY, membership_kind=home) == Attendance.Basis.PROBATIONARY
    assert rules.summon_basis(status=MemberStatus.EXEMPT, membership_kind=home) == Attendance.Basis.EXEMPT
    # On temporary transfer: summoned where they attend, not in their home cell.
    assert rules.summon_basis(status=MemberStatus.TEMPORARY_TRANSFER, membership_kind=temporary) == (
        Attendance.Basis.TEMPORARY_TRANSFER)
    assert rules.summon_basis(status=MemberStatus.TEMPORARY_TRANSFER, membership_kind=home) is None
    assert rules.summon_basis(status=MemberStatus.REMOVED, membership_kind=home) is None


def test_members_at_risk_count_months_and_warn_one_before_removal(settings):
    settings.HANDBOOK_RULES = {**settings.HANDBOOK_RULES, "unexcused_months_for_removal": 3}
    assert [rules.risk_level(n) for n in range(5)] == [None, None, rules.WARNING, rules.REMOVAL, rules.REMOVAL]


def test_a_regular_meeting_not_yet_due_is_not_missed():
    today = dt.date(2026, 12, 5)
    december, november = dt.date(2026, 12, 1), dt.date(2026, 11, 1)
    assert rules.regular_state(month=december, held_on=None, scheduled_date=dt.date(2026, 12, 1), today=today) == (
        rules.NOT_YET_DUE)
    assert rules.regular_state(month=november, held_on=None, scheduled_date=dt.date(2026, 11, 1), today=today) == (
        rules.MISSED)
    assert rules.regular_state(month=november, held_on=dt.date(2026, 11, 3), scheduled_date=dt.date(2026, 11, 1),
                               today=today) == rules.LATE
    assert rules.regular_state(month=november, held_on=dt.date(2026, 11, 1), scheduled_date=dt.date(2026, 11, 1),
                               today=today) == rules.ON_TIME


def test_a_resolution_passes_with_more_than_half_of_the_official_members_summoned():
    assert rules.vote_passes(votes_for=10, official_summoned=19)
    assert not rules.vote_passes(votes_for=9, official_summoned=19)
    assert not rules.vote_passes(votes_for=0, official_summoned=0)


def test_a_number_typed_in_a_url_is_ascii_digits_in_range():
    from common.text import positive_int, search_query

    assert positive_int("3", default=1, below=10) == 3
    assert positive_int("²", default=1, below=10) == 1
    assert positive_int("١٢", default=1, below=100) == 1
    assert positive_int("0", default=1, below=10) == 1
    assert positive_int(None, default=1, below=10) == 1
    assert search_query("Nguye\u0302\u0303n\x00 \u202eVăn ") == "Nguyễn Văn"


@pytest.mark.django_db
def test_a_place_not_ended_is_the_same_loaded_or_queried(tree):
    from members.models import is_not_ended

    a = factories.member(tree.a1, start_date=dt.date(2027, 3, 1))  # a move dated ahead counts already
    b = factories.member(tree.a1, start_date=dt.date(2025, 1, 1))
    CellMembership.objects.filter(member=b).update(end_date=dt.date(2026, 2, 28))
    rows = list(CellMembership.objects.filter(member__in=[a, b]))
    for day in (dt.date(2026, 2, 28), dt.date(2026, 3, 1)):
        queried = set(CellMembership.objects.not_ended(day).filter(member__in=[a, b]).values_list("pk", flat=True))
        assert queried == {row.pk for row in rows if is_not_ended(row, day)}, day


@pytest.mark.django_db
@pytest.mark.parametrize("closed_on", [None, dt.date(2026, 7, 1), dt.date(2026, 7, 15), dt.date(2026, 1, 1),
                                       dt.date(2026, 12, 31)])
def test_the_last_month_a_closed_cell_owes_is_the_same_in_python_and_sql(closed_on):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rules.LAST_OWED_MONTH_SQL} FROM (SELECT %s::date AS closed_on) o", [closed_on])
        assert cursor.fetchone()[0] == rules.last_owed_month(closed_on)


def test_a_cell_closed_on_the_first_owes_nothing_for_that_month_and_one_closed_later_owes_it():
    assert rules.last_owed_month(dt.date(2026, 7, 1)) == dt.date(2026, 6, 1)
    assert rules.last_owed_month(dt.date(2026, 7, 15)) == dt.date(2026, 7, 1)
    assert rules.last_owed_month(None) is None


def test_the_scope_read_in_one_statement_is_what_the_orms_current_memberships_and_seats_say(tree):
    from members.access import scope_for
    from members.models import CommitteeSeat, Role

    record = factories.member(tree.a1, role=Role.SECRETARY, username="twin")
    today = timezone.localdate()
    ended = CellMembership.objects.create(member=record, cell=tree.b1, kind=CellMembership.Kind.TEMPORARY,
                                          role=Role.MEMBER, start_date=today - dt.timedelta(days=90),
                                          end_date=today - dt.timedelta(days=1))
    CellMembership.objects.create(member=record, cell=tree.b1, kind=CellMembership.Kind.TEMPORARY,
                                  role=Role.DEPUTY_SECRETARY, start_date=today + dt.timedelta(days=3))
    factories.seat(record, tree.commune_a)
    old_seat = factories.seat(record, tree.commune_b)
    CommitteeSeat.objects.filter(pk=old_seat.pk).update(end_date=today - dt.timedelta(days=1))
    memberships = CellMembership.objects.current().filter(member=record)
    seats = CommitteeSeat.objects.current().filter(member=record)
    scope = scope_for(record.user)
    assert scope.member_id == record.pk
    assert scope.member_cell_ids == set(memberships.values_list("cell_id", flat=True)) == {tree.a1.pk}
    assert scope.home_cell_id == tree.a1.pk and ended.cell_id not in scope.member_cell_ids
    assert scope.managed_cell_ids == {tree.a1.pk}
    assert scope.oversight == tuple(sorted(seats.values_list("organization_id", "organization__path")))
    assert [org for org, _ in scope.oversight] == [tree.commune_a.pk]


def test_an_account_without_cells_or_seats_still_finds_its_member_record(tree):
    from members.access import scope_for

    record = factories.member(tree.a1, username="alone")
    CellMembership.objects.filter(member=record).update(end_date=timezone.localdate() - dt.timedelta(days=1))
    scope = scope_for(record.user)
    assert scope.member_id == record.pk and not scope.member_cell_ids and not scope.oversight
