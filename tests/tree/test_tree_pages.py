"""The tree pages: who may open them (outsiders and sibling committees get 404), previews
before changes that touch more than one organisation, and query ceilings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cells.models import Organization, OrganizationChange
from cells.selectors import organization_settings
from cells.services import organization_rename
from members.models import CellInCharge, CellMembership, CommitteeSeat, Role
from tests import factories as f

PAGES = ["tree_org", "tree_rename", "tree_move", "tree_settings", "tree_seats", "tree_history", "tree_close",
         "tree_create", "tree_merge", "tree_split"]


def url(name, org, **kwargs):
    return reverse(name, kwargs={"org_id": org.public_id, **kwargs})


@pytest.mark.parametrize("name", PAGES)
def test_an_outsider_sees_no_tree_page(cast, login, name):
    client = login(cast.outsider)
    for org in (cast.tree.province, cast.tree.commune_b, cast.tree.b1):
        assert client.get(url(name, org)).status_code == 404
    assert client.get(reverse("tree_home")).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_a_sibling_commune_committee_cannot_open_the_other_commune(cast, login, name):
    f.seat(cast.outsider, cast.tree.commune_b)
    client = login(cast.outsider)
    assert client.get(url(name, cast.tree.commune_a)).status_code == 404
    assert client.get(url(name, cast.tree.a1)).status_code == 404
    assert client.get(url("tree_org", cast.tree.b1)).status_code == 200


def test_an_outsider_cannot_change_what_it_cannot_see(cast, login):
    client = login(cast.outsider)
    assert client.post(url("tree_rename", cast.tree.a1), {"name": "Đổi", "code": ""}).status_code == 404
    assert client.post(url("tree_merge", cast.tree.province), {
        "sources": [cast.tree.commune_a.public_id, cast.tree.commune_b.public_id], "new_name": "X",
        "on": "2026-01-01", "confirm": "1"}).status_code == 404
    assert Organization.objects.get(pk=cast.tree.a1.pk).name == "Chi bộ thôn Đông"
    assert not OrganizationChange.objects.exists()


def test_a_grassroots_committee_runs_its_cells_but_not_itself(cast, login):
    client = login(cast.committee)
    assert client.get(url("tree_rename", cast.tree.a1)).status_code == 200
    assert client.get(url("tree_rename", cast.tree.commune_a)).status_code == 404
    assert client.get(url("tree_org", cast.tree.commune_a)).status_code == 200
    response = client.post(url("tree_rename", cast.tree.a1), {"name": "Chi bộ thôn Đông Một", "code": ""})
    assert response.status_code == 302
    assert Organization.objects.get(pk=cast.tree.a1.pk).name == "Chi bộ thôn Đông Một"


def test_a_merge_is_previewed_then_applied(cast, login, django_capture_on_commit_callbacks):
    t = cast.tree
    client = login(cast.orgcom)
    form = {"sources": [t.commune_a.public_id, t.commune_b.public_id], "target": "", "new_name": "Đảng bộ xã Hợp Nhất",
            "new_code": "", "on": "2026-01-01"}
    preview = client.post(url("tree_merge", t.province), form)
    assert preview.status_code == 200 and preview.context["preview"]["units"] == 3
    assert not Organization.objects.filter(name="Đảng bộ xã Hợp Nhất").exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url("tree_merge", t.province), {**form, "confirm": "1"})
    target = Organization.objects.get(name="Đảng bộ xã Hợp Nhất")
    assert done.status_code == 302 and done["Location"] == url("tree_org", target)
    assert set(Organization.objects.filter(merged_into=target)) == {t.commune_a, t.commune_b}
    page = client.get(url("tree_org", target)).content.decode()
    assert "Đảng bộ xã An Phú" in page


def test_a_merge_with_nothing_to_merge_into_keeps_what_was_typed(cast, login):
    t = cast.tree
    response = login(cast.orgcom).post(url("tree_merge", t.province), {
        "sources": [t.commune_a.public_id], "target": "", "new_name": "", "on": "2026-01-01"})
    assert response.status_code == 200 and response.context["form"].errors
    assert response.context["form"]["on"].value() == "2026-01-01"


def test_a_move_preview_says_who_gains_and_loses_sight(cast, login):
    t = cast.tree
    client = login(cast.orgcom)
    response = client.post(url("tree_move", t.a1), {"new_parent": t.commune_b.public_id})
    assert response.context["preview"]["gain"] == [t.commune_b]
    assert Organization.objects.get(pk=t.a1.pk).parent_id == t.commune_a.pk
    client.post(url("tree_move", t.a1), {"new_parent": t.commune_b.public_id, "confirm": "1"})
    assert Organization.objects.get(pk=t.a1.pk).parent_id == t.commune_b.pk
    change = OrganizationChange.objects.get(kind=OrganizationChange.Kind.MOVE)
    assert client.post(url("tree_undo", t.a1, change_id=change.pk)).status_code == 302
    assert Organization.objects.get(pk=t.a1.pk).parent_id == t.commune_a.pk


def test_a_committee_cannot_move_a_cell_out_of_its_commune(cast, login):
    response = login(cast.committee).post(url("tree_move", cast.tree.a1), {"new_parent": cast.tree.commune_b.public_id})
    assert response.status_code == 200 and response.context["form"].errors


def test_seats_and_terms_and_the_member_in_charge_are_set_on_the_page(cast, login):
    t = cast.tree
    client = login(cast.orgcom)
    officer = CellMembership.objects.get(member=cast.secretary, cell=t.a1, end_date__isnull=True)
    client.post(reverse("tree_term_end", kwargs={"org_id": t.a1.public_id, "what": "officer", "row_id": officer.pk}),
                {"end_date": "2026-05-31"})
    response = client.post(url("tree_seats", t.a1), {
        "appoint": "1", "member": cast.member.public_id, "role": Role.SECRETARY, "start_date": "2026-06-01",
        "end_date": "2031-05-31"})
    assert response.status_code == 302
    assert CellMembership.objects.filter(member=cast.member, cell=t.a1, role=Role.SECRETARY,
                                         end_date="2031-05-31").exists()
    client.post(url("tree_seats", t.a1), {"in_charge": "1", "ic-member": cast.committee.public_id,
                                           "ic-start_date": "2026-06-01"})
    assert CellInCharge.objects.get(cell=t.a1).member == cast.committee
    client.post(url("tree_seats", t.commune_a), {"appoint": "1", "member": cast.member.public_id,
                                                 "role": CommitteeSeat.Body.STANDING_COMMITTEE, "title": "Ủy viên",
                                                 "start_date": "2026-06-01", "end_date": ""})
    assert CommitteeSeat.objects.filter(member=cast.member, organization=t.commune_a).exists()
    history = client.get(url("tree_history", t.a1)).content.decode()
    assert "Lê Thị Hoa" in history


def test_a_second_secretary_in_the_same_term_is_refused_with_a_message(cast, login):
    response = login(cast.orgcom).post(url("tree_seats", cast.tree.a1), {
        "appoint": "1", "member": cast.member.public_id, "role": Role.SECRETARY, "start_date": "2026-06-01"})
    assert response.status_code == 200 and response.context["form"].errors


def _split_queries(client, cell) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("tree_split", cell)).status_code == 200
    return len(queries)


def test_the_split_page_assigns_every_member_shown_and_keeps_its_query_count(cast, login):
    t = cast.tree
    client = login(cast.orgcom)
    for _ in range(3):
        f.member(t.a2, name="Ngô Văn Tách")
    small = _split_queries(client, t.a2)
    for _ in range(20):
        f.member(t.a2)
    assert _split_queries(client, t.a2) == small <= 12
    people = CellMembership.objects.filter(cell=t.a2, end_date__isnull=True)
    form = {"part_1": "Chi bộ thôn Tách", "part_2": "", "part_3": "", "on": "2026-06-01", "q": "tach",
            "bulk": "1", "assign_shown": "1"}
    page = client.post(url("tree_split", t.a2), form)
    assert page.context["assigned"] == 3
    chosen = {f"to_{m.public_id}": choice for m, choice, _ in page.context["rows"] if choice}
    del form["assign_shown"]
    response = client.post(url("tree_split", t.a2), {**form, **chosen, "split": "1"})
    assert response.status_code == 302
    new = Organization.objects.get(name="Chi bộ thôn Tách")
    assert CellMembership.objects.filter(cell=new).count() == 3
    assert people.count() == 23 + 2 - 3


@pytest.mark.parametrize("name", ["tree_org", "tree_history"])
def test_the_organisation_pages_keep_their_query_count_as_the_tree_grows(cast, login, name):
    client = login(cast.orgcom)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, cast.tree.commune_a)).status_code == 200
        return len(queries)

    small = count()
    for i in range(5):
        cell = f.org(f"Chi bộ mới {i}", parent=cast.tree.commune_a)
        organization_rename(org=cell, name=f"Chi bộ đổi tên {i}", code="", actor=cast.orgcom.user)
    assert count() == small <= 15


def test_settings_are_set_from_a_date_and_inherited_below(cast, login):
    client = login(cast.committee)
    response = client.post(url("tree_settings", cast.tree.commune_a), {
        "regular_meeting_day": "12", "regular_meeting_time": "08:00", "reminder_hours": "48, 3",
        "effective_date": "2026-06-01"})
    assert response.status_code == 302
    inherited = organization_settings(Organization.objects.get(pk=cast.tree.a1.pk))
    assert (inherited.regular_meeting_day, inherited.reminder_offsets_minutes) == (12, (2880, 180))
    change = OrganizationChange.objects.get(kind=OrganizationChange.Kind.SETTINGS)
    assert str(change.effective_date) == "2026-06-01"
    later = client.post(url("tree_settings", cast.tree.commune_a), {
        "regular_meeting_day": "40", "reminder_hours": "abc", "effective_date": "2030-01-01"})
    assert later.status_code == 200 and {"regular_meeting_day", "reminder_hours"} <= set(later.context["form"].errors)
