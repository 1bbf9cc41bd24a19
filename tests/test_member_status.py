import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.models import CellMembership, MemberStatus
from members.services import member_change_status, member_update
from tests import factories as f


def test_a_new_member_starts_probationary_with_a_dated_history(tree):
    m = f.member(tree.a1, official=False, admitted=dt.date(2026, 3, 2))
    assert m.status == MemberStatus.PROBATIONARY
    assert [(c.status, c.effective_date) for c in m.status_changes.all()] == [
        (MemberStatus.PROBATIONARY, dt.date(2026, 3, 2))
    ]


def test_recognition_as_official_sets_the_official_date_and_keeps_the_history(tree):
    m = f.member(tree.a1, official=False, admitted=dt.date(2025, 3, 2))
    member_change_status(member=m, status=MemberStatus.OFFICIAL, effective_date=dt.date(2026, 3, 10),
                         decision_ref="QĐ 123-QĐ/ĐU")
    m.refresh_from_db()
    assert m.status == MemberStatus.OFFICIAL and m.official_date == dt.date(2026, 3, 10)
    assert list(m.status_changes.values_list("status", "decision_ref")) == [
        (MemberStatus.PROBATIONARY, ""), (MemberStatus.OFFICIAL, "QĐ 123-QĐ/ĐU"),
    ]


def test_only_a_probationary_member_can_be_recognised(tree):
    m = f.member(tree.a1)
    with pytest.raises(ValidationError):
        member_change_status(member=m, status=MemberStatus.OFFICIAL, effective_date=dt.date(2026, 1, 1))


def test_a_backdated_change_does_not_override_a_later_one(tree):
    m = f.member(tree.a1)
    member_change_status(member=m, status=MemberStatus.EXEMPT, effective_date=dt.date(2026, 5, 1))
    member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2026, 2, 1))
    m.refresh_from_db()
    assert m.status == MemberStatus.EXEMPT  # the latest effective date wins


def test_temporary_transfer_keeps_the_home_cell_and_opens_a_temporary_one(tree):
    m = f.member(tree.a1)
    member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2026, 6, 1),
                         temporary_cell=tree.b1, decision_ref="Giấy giới thiệu 12")
    kinds = set(m.memberships.filter(end_date__isnull=True).values_list("cell_id", "kind"))
    assert kinds == {(tree.a1.pk, CellMembership.Kind.HOME), (tree.b1.pk, CellMembership.Kind.TEMPORARY)}


def test_returning_from_transfer_ends_the_temporary_membership(tree):
    m = f.member(tree.a1, official=False, admitted=dt.date(2026, 1, 5))
    member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2026, 6, 1),
                         temporary_cell=tree.b1)
    member_change_status(member=m, status=MemberStatus.PROBATIONARY, effective_date=dt.date(2026, 9, 1))
    assert not m.memberships.filter(kind=CellMembership.Kind.TEMPORARY, end_date__isnull=True).exists()
    assert m.memberships.filter(kind=CellMembership.Kind.HOME, end_date__isnull=True).exists()


def test_removal_closes_every_membership_on_its_date(tree):
    m = f.member(tree.a1)
    member_change_status(member=m, status=MemberStatus.REMOVED, effective_date=dt.date(2026, 7, 1),
                         decision_ref="QĐ xóa tên 45")
    m.refresh_from_db()
    assert m.status == MemberStatus.REMOVED
    assert list(m.memberships.values_list("end_date", flat=True)) == [dt.date(2026, 7, 1)]


def test_a_change_before_admission_is_refused(tree):
    m = f.member(tree.a1, admitted=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        member_change_status(member=m, status=MemberStatus.EXEMPT, effective_date=dt.date(2019, 1, 1))


def test_search_name_ignores_diacritics(tree):
    m = f.member(tree.a1, name="Nguyễn Thị Đào")
    m.refresh_from_db()
    assert m.search_name == "nguyen thi dao"
    member_update(member=m, full_name="Đặng Quốc Hưng")
    m.refresh_from_db()
    assert m.search_name == "dang quoc hung"


def test_python_and_sql_normalisation_agree(tree):
    from common.text import normalize_search

    name = "Lương Thị Mỹ Ngọc Huỳnh Ưng Ỷ"
    m = f.member(tree.a1, name=name)
    m.refresh_from_db()
    assert m.search_name == normalize_search(name)
