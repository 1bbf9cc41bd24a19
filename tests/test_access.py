"""Each role sees what it should and nothing more (members.access)."""

import pytest
from django.http import Http404

from meetings.selectors import get_meeting_for_manager, get_meeting_for_viewer, meetings_visible
from meetings.services.schedule import meeting_schedule
from members.access import (
    can_manage_cell,
    cells_managed,
    cells_visible,
    get_cell_for_manager,
    members_managed,
    members_visible,
    organizations_overseen,
    scope_for,
)
from tests import factories as f


@pytest.fixture
def meetings(cast):
    t = cast.tree
    return {
        "a1": meeting_schedule(cell=t.a1, starts_at=f.at(3)),
        "a2": meeting_schedule(cell=t.a2, starts_at=f.at(4)),
        "b1": meeting_schedule(cell=t.b1, starts_at=f.at(5)),
    }


def test_a_member_sees_their_own_record_and_nobody_elses(cast):
    scope = scope_for(cast.member.user)
    assert set(members_visible(scope)) == {cast.member}
    assert not members_managed(scope).exists()


def test_a_member_sees_their_cells_meetings_only(cast, meetings):
    scope = scope_for(cast.member.user)
    assert set(meetings_visible(scope)) == {meetings["a1"]}
    assert get_meeting_for_viewer(scope, meetings["a1"].public_id) == meetings["a1"]
    with pytest.raises(Http404):
        get_meeting_for_viewer(scope, meetings["b1"].public_id)


def test_a_member_manages_nothing(cast, meetings):
    scope = scope_for(cast.member.user)
    assert not cells_managed(scope).exists()
    with pytest.raises(Http404):
        get_meeting_for_manager(scope, meetings["a1"].public_id)


def test_a_secretary_manages_their_cell(cast, meetings):
    scope = scope_for(cast.secretary.user)
    assert list(cells_managed(scope)) == [cast.tree.a1]
    assert can_manage_cell(scope, cast.tree.a1)
    assert get_meeting_for_manager(scope, meetings["a1"].public_id) == meetings["a1"]
    assert set(members_managed(scope)) == {cast.secretary, cast.member}


def test_a_secretary_cannot_touch_another_cell(cast, meetings):
    scope = scope_for(cast.secretary.user)
    assert not can_manage_cell(scope, cast.tree.a2)
    with pytest.raises(Http404):
        get_cell_for_manager(scope, cast.tree.b1.public_id)
    with pytest.raises(Http404):
        get_meeting_for_viewer(scope, meetings["a2"].public_id)
    assert cast.outsider not in members_visible(scope)


def test_a_deputy_and_committee_member_manage_the_cell_too(tree):
    from members.models import Role

    deputy = f.member(tree.a1, role=Role.DEPUTY_SECRETARY, username="deputy")
    committee = f.member(tree.a1, role=Role.COMMITTEE_MEMBER, username="chiuy")
    assert can_manage_cell(scope_for(deputy.user), tree.a1)
    assert can_manage_cell(scope_for(committee.user), tree.a1)


def test_the_standing_committee_sees_every_cell_of_its_commune(cast, meetings):
    scope = scope_for(cast.committee.user)
    assert set(cells_visible(scope)) == {cast.tree.a1, cast.tree.a2}
    assert set(meetings_visible(scope)) == {meetings["a1"], meetings["a2"]}
    assert cast.member in members_visible(scope)
    assert list(organizations_overseen(scope).filter(pk=cast.tree.commune_a.pk)) == [cast.tree.commune_a]


def test_the_standing_committee_sees_nothing_of_a_sibling_commune(cast, meetings):
    scope = scope_for(cast.committee.user)
    assert cast.tree.b1 not in cells_visible(scope)
    assert cast.outsider not in members_visible(scope)
    with pytest.raises(Http404):
        get_meeting_for_viewer(scope, meetings["b1"].public_id)
    # Oversight is read-only: it does not make the committee a manager of A1.
    assert not can_manage_cell(scope, cast.tree.a1)


def test_the_organisation_committee_sees_everything_under_its_level(cast, meetings):
    scope = scope_for(cast.orgcom.user)
    assert set(meetings_visible(scope)) == set(meetings.values())
    assert cast.outsider in members_visible(scope)


def test_the_organisation_committee_sees_nothing_above_or_beside_its_level(cast):
    other_province = f.org("Đảng bộ tỉnh Khác", kind="province")
    other_commune = f.org("Đảng bộ xã Khác", kind="grassroots_committee", parent=other_province)
    other_cell = f.org("Chi bộ Khác", parent=other_commune)
    scope = scope_for(cast.orgcom.user)
    assert other_cell not in cells_visible(scope)
    assert other_province not in organizations_overseen(scope)


def test_a_superuser_sees_everything(cast, meetings):
    scope = scope_for(cast.admin)
    assert set(meetings_visible(scope)) == set(meetings.values())
    assert can_manage_cell(scope, cast.tree.b1)


def test_an_ended_term_gives_no_access(cast):
    from members.services import member_change_status

    member_change_status(member=cast.secretary, status="transferred_out", effective_date=f.at(-1).date())
    scope = scope_for(cast.secretary.user)
    assert not cells_managed(scope).exists()
    assert not cells_visible(scope).exists()


def test_the_scope_costs_one_query_and_is_then_kept_on_the_user(cast, django_assert_max_num_queries):
    for person in (cast.committee, cast.secretary):
        user = person.user
        with django_assert_max_num_queries(1):
            scope = scope_for(user)
        with django_assert_max_num_queries(0):
            assert scope_for(user) is scope


def test_one_query_tells_cells_from_committee_seats(cast):
    f.seat(cast.secretary, cast.tree.commune_a)
    scope = scope_for(cast.secretary.user)
    assert scope.member_id == cast.secretary.pk
    assert scope.home_cell_id == cast.tree.a1.pk and scope.managed_cell_ids == {cast.tree.a1.pk}
    assert scope.member_cell_ids == {cast.tree.a1.pk}
    assert scope.oversight == ((cast.tree.commune_a.pk, cast.tree.commune_a.path),)


@pytest.mark.parametrize("role", ["member", "secretary", "committee", "orgcom", "outsider"])
def test_the_admin_opens_to_staff_only(cast, login, role):
    response = login(getattr(cast, role)).get("/admin/members/member/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert login(getattr(cast, role)).get("/admin/login/?next=/admin/").status_code == 403


def test_the_admin_opens_to_a_superuser(cast, login):
    assert login(cast.admin).get("/admin/members/member/").status_code == 200
