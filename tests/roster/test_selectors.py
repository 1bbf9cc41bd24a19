"""The roster's scoped reads, one role at a time."""

import datetime as dt

import pytest
from django.http import Http404

from members.access import scope_for
from members.models import MemberStatus
from members.selectors import (
    cells_for_temporary_transfer,
    get_cell_for_roster,
    member_access,
    member_record,
    roster_counts,
    roster_memberships,
)
from members.services import member_change_status, member_create_visitor
from tests import factories as f


def test_the_roster_opens_to_officers_committees_above_and_superusers_only(cast):
    a1 = cast.tree.a1
    for who in (cast.secretary.user, cast.committee.user, cast.orgcom.user, cast.admin):
        assert get_cell_for_roster(scope_for(who), a1.public_id) == a1
    for who in (cast.member.user, cast.outsider.user):
        with pytest.raises(Http404):
            get_cell_for_roster(scope_for(who), a1.public_id)


def test_a_commune_is_not_a_roster(cast):
    with pytest.raises(Http404):
        get_cell_for_roster(scope_for(cast.admin), cast.tree.commune_a.public_id)


def test_what_each_role_may_do_with_a_record(cast):
    def access(user, member):
        return member_access(scope_for(user), member, member_record(member).memberships)

    assert access(cast.secretary.user, cast.member).can_edit
    assert access(cast.secretary.user, cast.member).cell == cast.tree.a1
    own = access(cast.member.user, cast.member)
    assert own.is_self and not own.can_edit and not own.can_manage_here
    above = access(cast.committee.user, cast.member)
    assert not above.can_edit and not above.can_manage_here
    assert access(cast.admin, cast.outsider).can_edit


def test_a_host_cell_manages_attendance_but_not_the_record_of_a_member_from_elsewhere(cast):
    traveller = f.member(cast.tree.b1, party_card_number="444455556666")
    member_change_status(member=traveller, status=MemberStatus.TEMPORARY_TRANSFER,
                         effective_date=dt.date(2026, 2, 1), temporary_cell=cast.tree.a1)
    access = member_access(scope_for(cast.secretary.user), traveller, member_record(traveller).memberships)
    assert access.can_manage_here and not access.can_edit
    visitor = member_create_visitor(cell=cast.tree.a1, effective_date=dt.date(2026, 2, 1), full_name="Khách",
                                    other_organization="Nơi khác")
    access = member_access(scope_for(cast.secretary.user), visitor, member_record(visitor).memberships)
    assert access.can_manage_here and access.can_edit  # nobody else keeps a visitor's record


def test_a_committee_may_send_a_member_to_the_cells_it_sees(cast):
    cells = set(cells_for_temporary_transfer(scope_for(cast.committee.user), cast.member))
    assert cells == {cast.tree.a2}  # not the member's own cell, nothing outside the commune
    assert set(cells_for_temporary_transfer(scope_for(cast.secretary.user), cast.member)) == set()


def test_counts_and_rows_agree(cast, fill_cell):
    fill_cell(cast.tree.a1, 5)
    counts = roster_counts(cast.tree.a1)
    assert counts.total == roster_memberships(cast.tree.a1).count() == 7
    assert counts.official == 7
