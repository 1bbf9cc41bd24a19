"""The tree's services: rename and move with undo, merge and split with the members, closing,
seats and terms, and the figures of the months before a merge."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cells import services
from cells.models import Organization, OrganizationChange
from members import services_tree
from members.models import CellInCharge, CellMembership, CommitteeSeat, Role
from reports.periods import Period
from reports.selectors import organization_overview
from rollups.models import CellMonth, OrganizationMonth
from tests import factories as f
from tests.tree.conftest import D


def test_a_move_rewrites_the_subtree_in_one_update_and_can_be_undone(cast):
    t = cast.tree
    with CaptureQueriesContext(connection) as queries:
        services.organization_move(org=t.a1, new_parent=t.commune_b, actor=cast.orgcom.user)
    # (pghistory's context rides in front of each statement)
    assert sum(q["sql"].count("UPDATE cells_organization") for q in queries.captured_queries) == 1
    t.a1.refresh_from_db()
    assert t.a1.path == f"{t.commune_b.path}{t.a1.pk}/" and t.a1.parent_id == t.commune_b.pk
    change = OrganizationChange.objects.get(kind=OrganizationChange.Kind.MOVE)
    services.organization_change_undo(change=change, actor=cast.orgcom.user)
    t.a1.refresh_from_db()
    assert t.a1.path == f"{t.commune_a.path}{t.a1.pk}/"
    change.refresh_from_db()
    assert change.undone_at is not None


def test_the_move_preview_names_the_committees_that_gain_and_lose_sight(cast):
    t = cast.tree
    preview = services.move_preview(t.a1, t.commune_b)
    assert [o.pk for o in preview["moving"]] == [t.a1.pk]
    assert preview["gain"] == [t.commune_b] and preview["lose"] == [t.commune_a]


def test_a_rename_is_undone_within_a_day_but_not_after_a_later_change(cast, frozen_clock):
    t = cast.tree
    services.organization_rename(org=t.a1, name="Chi bộ thôn Đông Mới", code="X1", actor=cast.orgcom.user)
    rename = OrganizationChange.objects.get(kind=OrganizationChange.Kind.RENAME)
    services.organization_rename(org=t.a1, name="Chi bộ thôn Đông Hai", code="X1", actor=cast.orgcom.user)
    with pytest.raises(ValidationError):
        services.organization_change_undo(change=rename)
    latest = OrganizationChange.objects.filter(kind=OrganizationChange.Kind.RENAME).first()
    frozen_clock.shift(dt.timedelta(hours=25))
    with pytest.raises(ValidationError):
        services.organization_change_undo(change=latest)


def test_merging_cells_moves_the_members_on_the_date_and_closes_the_old_cells(cast):
    t = cast.tree
    on = D(2026, 6, 1)
    target = services_tree.organizations_merge(sources=[t.a1, t.a2], new_name="Chi bộ thôn Hợp Nhất", on=on,
                                               actor=cast.orgcom.user)
    t.a1.refresh_from_db()
    assert t.a1.closed_on == on and not t.a1.is_active and t.a1.merged_into_id == target.pk
    assert t.a1.parent_id == t.commune_a.pk  # a cell's predecessors stand beside it
    old = CellMembership.objects.get(member=cast.secretary, cell=t.a1)
    new = CellMembership.objects.get(member=cast.secretary, cell=target)
    assert old.end_date == D(2026, 5, 31) and (new.start_date, new.role) == (on, Role.MEMBER)
    assert {o.pk for o in target.lineage()} == {t.a1.pk, t.a2.pk}
    assert not Organization.objects.cells().active().filter(pk__in=[t.a1.pk, t.a2.pk]).exists()


def test_merging_communes_puts_the_old_ones_under_the_new_with_their_cells(cast):
    t = cast.tree
    target = services_tree.organizations_merge(sources=[t.commune_a, t.commune_b], new_name="Đảng bộ xã Hợp",
                                               on=D(2026, 6, 1), actor=cast.orgcom.user)
    for org in (t.commune_a, t.commune_b, t.a1, t.b1):
        org.refresh_from_db()
    assert t.commune_a.path.startswith(target.path) and t.commune_a.closed_on == D(2026, 6, 1)
    assert t.a1.parent_id == target.pk and t.b1.parent_id == target.pk
    seat = CommitteeSeat.objects.get(member=cast.committee, organization=t.commune_a)
    assert seat.end_date == D(2026, 5, 31)


def test_the_months_before_a_merge_show_the_same_totals_after_it(data, django_capture_on_commit_callbacks):
    t = data.tree
    may = Period.parse("2026-05")
    before_province = organization_overview(t.province, may).totals
    before_sum = OrganizationMonth.objects.filter(organization__in=[t.commune_a, t.commune_b], month=D(2026, 5, 1))
    before = sorted((r.summoned, r.present, r.cells_due) for r in before_sum)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        target = services_tree.organizations_merge(sources=[t.commune_a, t.commune_b], new_name="Đảng bộ xã Hợp",
                                                   on=D(2026, 6, 1), actor=data.orgcom.user)
    assert len(callbacks) == 1  # one rebuild for the whole merge
    after_province = organization_overview(t.province, may).totals
    assert (after_province.summoned, after_province.present, after_province.cells_due) == (
        before_province.summoned, before_province.present, before_province.cells_due)
    merged = OrganizationMonth.objects.get(organization=target, month=D(2026, 5, 1))
    assert (merged.summoned, merged.present, merged.cells_due) == tuple(map(sum, zip(*before, strict=True)))


def test_a_merged_cell_keeps_its_months_before_the_merge_and_owes_none_after(data, django_capture_on_commit_callbacks):
    t = data.tree
    with django_capture_on_commit_callbacks(execute=True):
        services_tree.organizations_merge(sources=[t.a2], target=t.a1, on=D(2026, 6, 1), actor=data.orgcom.user)
    months = set(CellMonth.objects.filter(cell=t.a2).values_list("month", flat=True))
    assert D(2026, 5, 1) in months and D(2026, 6, 1) not in months
    assert OrganizationMonth.objects.get(organization=t.commune_a, month=D(2026, 6, 1)).cells_due == 1


def test_a_split_moves_the_members_assigned_and_can_close_the_cell(cast):
    t = cast.tree
    people = [f.member(t.a2) for _ in range(3)]
    on = D(2026, 6, 1)
    everyone = list(CellMembership.objects.filter(cell=t.a2, end_date__isnull=True).values_list("member_id", flat=True))
    with pytest.raises(ValidationError):
        services_tree.organization_split(source=t.a2, parts=[{"name": "Chi bộ 1"}], assignment={people[0].pk: 0},
                                         on=on, close_source=True)
    created = services_tree.organization_split(
        source=t.a2, parts=[{"name": "Chi bộ 1"}, {"name": "Chi bộ 2"}],
        assignment={pk: i % 2 for i, pk in enumerate(everyone)}, on=on, close_source=True, actor=cast.orgcom.user)
    assert [c.name for c in created] == ["Chi bộ 1", "Chi bộ 2"]
    assert CellMembership.objects.filter(cell__in=created, start_date=on).count() == len(everyone)
    t.a2.refresh_from_db()
    assert t.a2.closed_on == on


def test_closing_is_refused_while_members_belong(cast):
    with pytest.raises(ValidationError):
        services_tree.organization_close(org=cast.tree.a1, on=D(2026, 6, 1))


def test_a_secretary_term_has_dates_and_one_secretary_at_a_time_is_told(cast):
    t = cast.tree
    with pytest.raises(ValidationError):
        services_tree.cell_officer_appoint(member=cast.member, cell=t.a1, role=Role.SECRETARY,
                                           start_date=D(2026, 6, 1))
    services_tree.cell_officer_end(member=cast.secretary, cell=t.a1, end_date=D(2026, 5, 31))
    services_tree.cell_officer_appoint(member=cast.member, cell=t.a1, role=Role.SECRETARY,
                                       start_date=D(2026, 6, 1), end_date=D(2027, 5, 31))
    terms = list(CellMembership.objects.filter(member=cast.member, cell=t.a1).order_by("start_date")
                 .values_list("role", "end_date"))
    assert (Role.SECRETARY, D(2027, 5, 31)) in terms and terms[-1] == (Role.MEMBER, None)


def test_the_member_in_charge_hears_the_upper_level_notices_instead_of_the_committee(cast):
    from meetings.reminders import officers_to_tell

    t = cast.tree
    other = f.member(t.a2, name="Đỗ Văn Khác")
    f.seat(other, t.commune_a)
    assert {cast.committee.pk, other.pk} <= set(officers_to_tell(t.a1, upper_level=True).values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services_tree.cell_in_charge_assign(member=cast.member, cell=t.a1, start_date=D(2026, 1, 1))
    services_tree.cell_in_charge_assign(member=other, cell=t.a1, start_date=D(2026, 1, 1), actor=cast.orgcom.user)
    told = set(officers_to_tell(t.a1, upper_level=True).values_list("pk", flat=True))
    assert told == {cast.secretary.pk, other.pk}
    assert CellInCharge.objects.filter(cell=t.a1, end_date__isnull=True).count() == 1
