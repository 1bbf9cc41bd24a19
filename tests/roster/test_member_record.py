"""A member's record page and its edit page: what each person sees and may change."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import CommitteeSeat, Member, MemberStatus
from members.services import member_change_status
from tests import factories as f


def detail(member):
    return reverse("member_detail", args=[member.public_id])


def edit(member):
    return reverse("member_edit", args=[member.public_id])


@pytest.fixture
def hoa(cast):
    """Lê Thị Hoa with a full record and a history of three steps."""
    m = cast.member
    Member.objects.filter(pk=m.pk).update(
        date_of_birth=dt.date(1980, 7, 9), gender="female", ethnicity="Tày", religion="Phật giáo",
        citizen_id="001180012345", phone="0912345678", email="hoa@example.vn", workplace_kind="state",
        workplace="Trường Tiểu học An Phú", far_from_home=True,
    )
    member_change_status(member=m, status=MemberStatus.EXEMPT, effective_date=dt.date(2024, 3, 1),
                         decision_ref="12-QĐ/CB", note="Điều trị dài ngày")
    member_change_status(member=m, status=MemberStatus.OFFICIAL, effective_date=dt.date(2024, 9, 1),
                         decision_ref="20-QĐ/CB")
    m.refresh_from_db()
    return m


def test_the_secretary_reads_the_whole_record_with_its_dated_history(cast, hoa, login):
    page = login(cast.secretary).get(detail(hoa)).content.decode()
    for text in ("Lê Thị Hoa", "09/07/1980", "Nữ", "Tày", "Phật giáo", "001180012345", 'href="tel:0912345678"',
                 "hoa@example.vn", "Cơ quan, đơn vị nhà nước", "Trường Tiểu học An Phú", "Đảng viên ở xa",
                 "Chính thức", "12-QĐ/CB", "Điều trị dài ngày", "20-QĐ/CB", "01/03/2024", "Chi bộ thôn Đông",
                 "Chi bộ gốc", "tên đăng nhập member"):
        assert text in page, text
    assert edit(hoa) in page
    assert reverse("member_status", args=[hoa.public_id, "exempt"]) in page
    # Recognition is not offered to a member who is already official.
    assert reverse("member_status", args=[hoa.public_id, "official"]) not in page


def test_committee_seats_are_listed(cast, login):
    page = login(cast.admin).get(detail(cast.committee)).content.decode()
    assert "Ban Thường vụ" in page and "Đảng bộ xã An Phú" in page


def test_a_member_reads_their_own_record_without_edit_buttons(cast, hoa, login):
    page = login(cast.member).get(detail(hoa)).content.decode()
    assert "001180012345" in page
    assert edit(hoa) not in page and "/status/" not in page
    assert "Đây là hồ sơ của đồng chí" in page


def test_a_member_may_not_open_someone_elses_record(cast, login):
    assert login(cast.member).get(detail(cast.secretary)).status_code == 404


def test_a_member_may_not_edit_their_own_record(cast, login):
    client = login(cast.member)
    assert client.get(edit(cast.member)).status_code == 404
    response = client.post(edit(cast.member), {"full_name": "Tên Khác"})
    assert response.status_code == 404
    cast.member.refresh_from_db()
    assert cast.member.full_name == "Lê Thị Hoa"


def test_the_communes_committee_reads_the_record_but_may_not_edit(cast, hoa, login):
    client = login(cast.committee)
    page = client.get(detail(hoa)).content.decode()
    assert "Lê Thị Hoa" in page and edit(hoa) not in page and "Chỉ xem" in page
    assert client.get(edit(hoa)).status_code == 404
    assert client.get(reverse("member_status", args=[hoa.public_id, "exempt"])).status_code == 404


def test_the_secretary_of_another_cell_sees_and_changes_nothing(cast, hoa, login):
    client = login(cast.outsider)
    assert client.get(detail(hoa)).status_code == 404
    assert client.get(edit(hoa)).status_code == 404
    response = client.post(edit(hoa), {"full_name": "Bị Sửa", "workplace_kind": "other"})
    assert response.status_code == 404
    hoa.refresh_from_db()
    assert hoa.full_name == "Lê Thị Hoa"


def test_a_sibling_communes_committee_sees_nothing(cast, login):
    other = f.member(cast.tree.b1, name="Đinh Thị Nam")
    assert login(cast.committee).get(detail(other)).status_code == 404


def test_the_secretary_edits_the_record(cast, hoa, login):
    client = login(cast.secretary)
    form = client.get(edit(hoa)).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(phone="0987 111 222", workplace="Trường THCS An Phú", far_from_home="")
    response = client.post(edit(hoa), data)
    assert response.status_code == 302 and response["Location"] == detail(hoa)
    hoa.refresh_from_db()
    assert hoa.phone == "0987111222" and hoa.workplace == "Trường THCS An Phú" and not hoa.far_from_home


def test_a_probationary_members_official_date_is_not_edited_on_the_form(cast, login):
    newcomer = f.member(cast.tree.a1, official=False, admitted=dt.date(2026, 1, 5))
    client = login(cast.secretary)
    form = client.get(edit(newcomer)).context["form"]
    assert form.fields["official_date"].disabled
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data["official_date"] = "2026-02-01"
    assert client.post(edit(newcomer), data).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.official_date is None and newcomer.status == MemberStatus.PROBATIONARY


def test_a_departed_member_is_out_of_the_secretarys_sight(cast, login):
    member_change_status(member=cast.member, status=MemberStatus.TRANSFERRED_OUT,
                         effective_date=dt.date(2025, 1, 1))
    assert login(cast.secretary).get(detail(cast.member)).status_code == 404


def test_a_removal_dated_ahead_keeps_the_member_on_the_rolls_until_then(cast, login):
    ahead = dt.date.today() + dt.timedelta(days=10)
    member_change_status(member=cast.member, status=MemberStatus.REMOVED, effective_date=ahead)
    client = login(cast.secretary)
    assert client.get(detail(cast.member)).status_code == 200
    roster = client.get(reverse("roster", args=[cast.tree.a1.public_id]))
    assert "Lê Thị Hoa" in roster.content.decode()


@pytest.mark.parametrize("steps", [1, 30])
def test_the_record_keeps_a_constant_number_of_queries(cast, login, django_assert_max_num_queries, steps):
    m = cast.member
    for i in range(steps):
        status = MemberStatus.EXEMPT if i % 2 == 0 else MemberStatus.OFFICIAL
        member_change_status(member=m, status=status, effective_date=dt.date(2012, 1, 1) + dt.timedelta(days=30 * i))
    f.seat(m, cast.tree.commune_a, CommitteeSeat.Body.EXECUTIVE_COMMITTEE)
    client = login(cast.secretary)
    client.get(detail(m))
    # 11 for the record, 3 for its commendation, discipline and badge section (conduct).
    with django_assert_max_num_queries(14):
        client.get(detail(m))
