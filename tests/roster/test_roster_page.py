"""The roster page: who is on it, search and filter, counts, who may open it."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import MemberStatus, Role
from members.services import member_change_status, member_create_visitor
from tests import factories as f


def roster_url(cell, **params):
    url = reverse("roster", args=[cell.public_id])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


@pytest.fixture
def people(cast):
    a1 = cast.tree.a1
    probationary = f.member(a1, name="Đặng Thị Mới", official=False, admitted=dt.date(2026, 1, 10),
                            party_card_number=None, phone="0987654321", date_of_birth=dt.date(1998, 5, 6))
    exempt = f.member(a1, name="Ngô Văn Già", party_card_number="123456789012")
    member_change_status(member=exempt, status=MemberStatus.EXEMPT, effective_date=dt.date(2025, 1, 1))
    away = f.member(a1, name="Bùi Văn Xa")
    member_change_status(member=away, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2025, 6, 1),
                         other_organization="Đảng bộ Trường Đại học Y Hà Nội")
    visitor = member_create_visitor(cell=a1, effective_date=dt.date(2025, 9, 1), full_name="Trịnh Văn Khách",
                                    other_organization="Chi bộ Công ty Sông Đà")
    gone = f.member(a1, name="Lý Văn Đi")
    member_change_status(member=gone, status=MemberStatus.TRANSFERRED_OUT, effective_date=dt.date(2025, 3, 1),
                         decision_ref="QĐ 9")
    return {"probationary": probationary, "exempt": exempt, "away": away, "visitor": visitor, "gone": gone}


def test_the_secretary_sees_the_cells_rolls_with_status_role_phone_and_card(cast, people, login):
    page = login(cast.secretary).get(roster_url(cast.tree.a1)).content.decode()
    for name in ("Trần Văn Bí", "Lê Thị Hoa", "Đặng Thị Mới", "Ngô Văn Già", "Bùi Văn Xa", "Trịnh Văn Khách"):
        assert name in page
    assert "Lý Văn Đi" not in page  # transferred out: no longer on the rolls
    assert "Vũ Văn Ngoài" not in page  # another cell's secretary
    assert 'href="tel:0987654321"' in page and "0987 654 321" in page
    assert "123456789012" in page
    assert "Bí thư" in page and "Dự bị" in page and "Miễn sinh hoạt" in page
    assert "tại Đảng bộ Trường Đại học Y Hà Nội" in page  # where the member away is
    assert "Sinh hoạt tạm thời tại đây" in page  # the visitor is marked
    assert "Thêm đảng viên" in page and "Nhập từ Excel" in page


def test_the_roster_shows_age_and_date_of_birth(cast, people, login):
    page = login(cast.secretary).get(roster_url(cast.tree.a1)).content.decode()
    today = dt.date.today()
    age = today.year - 1998 - ((today.month, today.day) < (5, 6))
    assert f"{age} tuổi" in page and "06/05/1998" in page


def test_the_counts_at_the_top_add_up(cast, people, login):
    response = login(cast.secretary).get(roster_url(cast.tree.a1))
    counts = response.context["counts"]
    # secretary, member, away (official) and exempt: official 2 + exempt 1 + away 1; probationary 1; visitor 1
    assert (counts.official, counts.probationary, counts.exempt, counts.away, counts.attending) == (2, 1, 1, 1, 1)
    assert counts.total == 6


@pytest.mark.parametrize("query", ["hoa", "Hoa", "lê thị", "LE THI HOA", "Lê  Thị   Hoa"])
def test_search_by_name_ignores_diacritics_and_case(cast, people, login, query):
    response = login(cast.secretary).get(roster_url(cast.tree.a1, q=query))
    names = [m.member.full_name for m in response.context["page"]]
    assert names == ["Lê Thị Hoa"]


def test_search_by_card_number_finds_a_part_of_it(cast, people, login):
    response = login(cast.secretary).get(roster_url(cast.tree.a1, q="5678 9012"))
    assert [m.member.full_name for m in response.context["page"]] == ["Ngô Văn Già"]


def test_a_search_that_finds_nobody_says_so(cast, people, login):
    page = login(cast.secretary).get(roster_url(cast.tree.a1, q="không có ai")).content.decode()
    assert "Không tìm thấy ai" in page


@pytest.mark.parametrize(("status", "expected"), [
    ("official", {"Trần Văn Bí", "Lê Thị Hoa"}),
    ("probationary", {"Đặng Thị Mới"}),
    ("exempt", {"Ngô Văn Già"}),
    ("away", {"Bùi Văn Xa"}),
    ("attending", {"Trịnh Văn Khách"}),
])
def test_filter_by_status(cast, people, login, status, expected):
    response = login(cast.secretary).get(roster_url(cast.tree.a1, status=status))
    assert {m.member.full_name for m in response.context["page"]} == expected


def test_an_unknown_filter_value_shows_everyone_instead_of_failing(cast, people, login):
    response = login(cast.secretary).get(roster_url(cast.tree.a1, status="nonsense", page="x"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 6


def test_a_plain_member_of_the_cell_may_not_see_the_roster(cast, login):
    assert login(cast.member).get(roster_url(cast.tree.a1)).status_code == 404


def test_the_secretary_of_another_cell_may_not_see_the_roster(cast, login):
    assert login(cast.outsider).get(roster_url(cast.tree.a1)).status_code == 404


def test_the_communes_standing_committee_reads_the_roster_without_edit_buttons(cast, people, login):
    response = login(cast.committee).get(roster_url(cast.tree.a1))
    page = response.content.decode()
    assert response.status_code == 200 and "Lê Thị Hoa" in page
    assert reverse("member_new", args=[cast.tree.a1.public_id]) not in page
    assert reverse("member_import", args=[cast.tree.a1.public_id]) not in page
    assert "Chỉ xem" in page


def test_a_standing_committee_sees_nothing_of_a_sibling_commune(cast, login):
    assert login(cast.committee).get(roster_url(cast.tree.b1)).status_code == 404


def test_the_provinces_organisation_committee_reads_every_cell_below(cast, login):
    assert login(cast.orgcom).get(roster_url(cast.tree.b1)).status_code == 200


def test_a_superuser_manages_any_roster(cast, login):
    page = login(cast.admin).get(roster_url(cast.tree.b1)).content.decode()
    assert reverse("member_new", args=[cast.tree.b1.public_id]) in page


def test_deputy_and_cell_committee_members_manage_the_roster(tree, login):
    for role in (Role.DEPUTY_SECRETARY, Role.COMMITTEE_MEMBER):
        officer = f.member(tree.a1, role=role, username=f"u-{role}")
        page = login(officer).get(roster_url(tree.a1)).content.decode()
        assert reverse("member_new", args=[tree.a1.public_id]) in page


def test_the_roster_needs_a_sign_in(cast, client):
    response = client.get(roster_url(cast.tree.a1))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_cell_is_a_404(cast, login):
    import uuid

    assert login(cast.admin).get(reverse("roster", args=[uuid.uuid4()])).status_code == 404


def test_a_large_cell_is_split_into_pages_that_keep_the_filter(cast, fill_cell, login):
    fill_cell(cast.tree.a1, 60)
    client = login(cast.secretary)
    first = client.get(roster_url(cast.tree.a1, status="official"))
    assert len(first.context["page"].object_list) == 50
    assert "status=official&amp;page=2" in first.content.decode()
    second = client.get(roster_url(cast.tree.a1, status="official", page=2))
    assert len(second.context["page"].object_list) == 12  # 60 + secretary + member


@pytest.mark.parametrize("size", [10, 100])
def test_the_roster_keeps_a_constant_number_of_queries(cast, fill_cell, login, django_assert_max_num_queries, size):
    members = fill_cell(cast.tree.a1, size)
    for m in members[:3]:
        member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2025, 6, 1),
                             temporary_cell=cast.tree.b1)
    client = login(cast.secretary)
    client.get(roster_url(cast.tree.a1))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(roster_url(cast.tree.a1))
    assert response.context["counts"].total == size + 2
    with django_assert_max_num_queries(10):
        client.get(roster_url(cast.tree.a1, q="nguyen", status="away"))


def test_the_header_links_an_officer_of_one_cell_to_its_roster(cast, login):
    client = login(cast.secretary)
    page = client.get(reverse("home")).content.decode()
    assert reverse("my_roster") in page
    response = client.get(reverse("my_roster"))
    assert response.status_code == 302 and response["Location"] == roster_url(cast.tree.a1)


def test_a_plain_member_has_no_roster_link(cast, login):
    client = login(cast.member)
    assert reverse("my_roster") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("my_roster")).status_code == 404


def test_the_cell_committee_comes_first_then_everyone_by_given_name(cast, people, login):
    response = login(cast.secretary).get(roster_url(cast.tree.a1))
    assert [m.member.full_name for m in response.context["page"]] == [
        "Trần Văn Bí", "Ngô Văn Già", "Lê Thị Hoa", "Trịnh Văn Khách", "Đặng Thị Mới", "Bùi Văn Xa"]
