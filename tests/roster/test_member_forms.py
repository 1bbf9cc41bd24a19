"""Adding a member and a temporary attendee: validation in Vietnamese, nothing lost, nothing half-written."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import CellMembership, Member, MemberStatus, Role
from members.services import member_change_status
from tests import factories as f


def new_url(cell):
    return reverse("member_new", args=[cell.public_id])


def visitor_url(cell):
    return reverse("member_visitor_new", args=[cell.public_id])


def valid(**overrides):
    data = {
        "full_name": "  Phạm   Thị Lan ", "date_of_birth": "1990-04-15", "gender": "female", "ethnicity": "Kinh",
        "religion": "", "citizen_id": "001190 012345", "phone": "0912.345.678", "email": "lan@example.vn",
        "party_card_number": "0101 2345 6789", "admission_date": "2015-05-19", "official_date": "2016-05-19",
        "workplace_kind": "non_state", "workplace": "Công ty May Sông Hồng", "far_from_home": "on",
        "role": "member", "start_date": "2020-01-01", "decision_ref": "45-QĐ/ĐU",
    }
    data.update(overrides)
    return data


def test_the_secretary_adds_an_official_member(cast, login):
    response = login(cast.secretary).post(new_url(cast.tree.a1), valid())
    lan = Member.objects.get(full_name="Phạm Thị Lan")
    assert response.status_code == 302 and response["Location"] == reverse("member_detail", args=[lan.public_id])
    assert lan.party_card_number == "010123456789" and lan.citizen_id == "001190012345"
    assert lan.phone == "0912345678" and lan.far_from_home and lan.status == MemberStatus.OFFICIAL
    assert lan.status_changes.get().decision_ref == "45-QĐ/ĐU"
    membership = lan.memberships.get()
    assert (membership.cell, membership.kind, membership.start_date) == (
        cast.tree.a1, CellMembership.Kind.HOME, dt.date(2020, 1, 1))


def test_without_an_official_date_the_member_is_probationary(cast, login):
    login(cast.secretary).post(new_url(cast.tree.a1), valid(official_date="", party_card_number=""))
    lan = Member.objects.get(full_name="Phạm Thị Lan")
    assert lan.status == MemberStatus.PROBATIONARY and lan.party_card_number is None


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"full_name": ""}, "full_name", "Hãy nhập họ và tên đảng viên."),
    ({"party_card_number": "12345678901"}, "party_card_number", "gồm đúng 12 chữ số (đồng chí đã nhập 11 chữ số)"),
    ({"party_card_number": "12345678901a"}, "party_card_number", "gồm đúng 12 chữ số"),
    ({"citizen_id": "0011900123456"}, "citizen_id", "Số CCCD gồm đúng 12 chữ số"),
    ({"phone": "12345"}, "phone", "Hãy nhập số điện thoại Việt Nam"),
    ({"email": "lan@"}, "email", ""),
    ({"date_of_birth": "2016-01-01"}, "admission_date", "Ngày vào Đảng phải sau ngày sinh."),
    ({"official_date": "2014-01-01"}, "official_date", "Ngày chính thức không được trước ngày vào Đảng."),
    ({"admission_date": "", "official_date": "2016-05-19"}, "admission_date", "Hãy nhập cả ngày vào Đảng."),
    ({"date_of_birth": "2099-01-01"}, "date_of_birth", "Ngày này ở tương lai."),
    ({"date_of_birth": "15/04/1990x"}, "date_of_birth", ""),
])
def test_bad_input_is_explained_and_what_was_typed_is_kept(cast, login, overrides, field, message):
    response = login(cast.secretary).post(new_url(cast.tree.a1), valid(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "Đề nghị sửa các ô được đánh dấu" in page
    assert 'value="Công ty May Sông Hồng"' in page  # the rest is kept
    assert not Member.objects.filter(workplace="Công ty May Sông Hồng").exists()


def test_a_number_held_outside_the_secretarys_scope_gets_one_message_whatever_the_reason(cast, login):
    from members import imports
    from members.services import member_update

    member_update(member=cast.outsider, citizen_id="001099000111")
    client = login(cast.secretary)
    card = cast.outsider.party_card_number
    errors = client.post(new_url(cast.tree.a1), valid(party_card_number=card)).context["form"].errors
    assert errors["party_card_number"] == [imports.message_for("number_unusable", {"value": card})]
    errors = client.post(new_url(cast.tree.a1), valid(citizen_id="001099000111")).context["form"].errors
    assert errors["citizen_id"] == [imports.message_for("number_unusable", {"value": "001099000111"})]
    assert "Vũ Văn Ngoài" not in str(errors)
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()


def test_a_number_held_by_a_member_the_secretary_sees_names_them(cast, login):
    response = login(cast.secretary).post(new_url(cast.tree.a1),
                                          valid(party_card_number=cast.member.party_card_number))
    assert "Lê Thị Hoa" in response.context["form"].errors["party_card_number"][0]
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()


def test_the_committee_above_is_told_whose_number_it_is(cast, login):
    # The committee member is also A2's secretary; A1's members are in their commune.
    response = login(cast.committee).post(new_url(cast.tree.a2),
                                          valid(party_card_number=cast.member.party_card_number))
    assert "Lê Thị Hoa" in response.context["form"].errors["party_card_number"][0]


def test_an_admission_outside_the_age_rule_is_saved_with_a_warning(cast, login):
    response = login(cast.secretary).post(new_url(cast.tree.a1), valid(date_of_birth="1950-01-01"), follow=True)
    assert Member.objects.filter(full_name="Phạm Thị Lan").exists()
    assert "Tuổi khi vào Đảng là 65" in response.content.decode()


def test_a_second_secretary_is_refused_and_nothing_is_written(cast, login):
    response = login(cast.secretary).post(new_url(cast.tree.a1), valid(role=Role.SECRETARY))
    assert "Chi bộ đã có bí thư" in " ".join(response.context["form"].errors["role"])
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()


def test_the_secretary_of_another_cell_cannot_add_to_this_cell(cast, login):
    client = login(cast.outsider)
    assert client.get(new_url(cast.tree.a1)).status_code == 404
    assert client.post(new_url(cast.tree.a1), valid()).status_code == 404
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()


def test_the_committee_and_a_member_cannot_add(cast, login):
    for who in (cast.committee, cast.member):
        assert login(who).post(new_url(cast.tree.a1), valid()).status_code == 404
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()


def visitor(**overrides):
    data = {
        "full_name": "Hồ Văn Khách", "date_of_birth": "1995-02-03", "gender": "male", "phone": "0977000111",
        "email": "", "party_card_number": "", "citizen_id": "", "admission_date": "2020-02-03",
        "official_date": "2021-02-03", "workplace_kind": "non_state", "workplace": "Công ty Sông Đà",
        "other_organization": "Chi bộ Công ty Sông Đà 9, Đảng bộ tỉnh Hòa Bình",
        "effective_date": "2026-09-01", "decision_ref": "GGT 15",
    }
    data.update(overrides)
    return data


def test_a_member_from_outside_the_system_is_added_as_a_temporary_attendee(cast, login):
    response = login(cast.secretary).post(visitor_url(cast.tree.a1), visitor())
    khach = Member.objects.get(full_name="Hồ Văn Khách")
    assert response.status_code == 302
    assert khach.status == MemberStatus.TEMPORARY_TRANSFER
    assert list(khach.memberships.values_list("cell", "kind")) == [(cast.tree.a1.pk, CellMembership.Kind.TEMPORARY)]
    change = khach.status_changes.get()
    assert change.other_organization.startswith("Chi bộ Công ty Sông Đà 9") and change.decision_ref == "GGT 15"
    # Attending here, the visitor is summoned to this cell's meetings and kept by it.
    page = login(cast.secretary).get(reverse("member_detail", args=[khach.public_id])).content.decode()
    assert reverse("member_edit", args=[khach.public_id]) in page


def test_a_visitor_needs_the_organisation_they_come_from(cast, login):
    response = login(cast.secretary).post(visitor_url(cast.tree.a1), visitor(other_organization=""))
    assert "other_organization" in response.context["form"].errors
    assert not Member.objects.filter(full_name="Hồ Văn Khách").exists()


def test_a_member_of_another_cell_on_temporary_transfer_is_received_by_card_number(cast, login):
    traveller = f.member(cast.tree.b1, name="Mai Văn Đến", party_card_number="555566667777")
    member_change_status(member=traveller, status=MemberStatus.TEMPORARY_TRANSFER,
                         effective_date=dt.date(2026, 8, 1), other_organization="Chi bộ thôn Đông, xã An Phú")
    response = login(cast.secretary).post(visitor_url(cast.tree.a1), visitor(
        full_name="Mai Van Den", party_card_number="5555 6666 7777"))
    assert response.status_code == 302
    assert Member.objects.filter(party_card_number="555566667777").count() == 1
    assert traveller.memberships.filter(cell=cast.tree.a1, kind=CellMembership.Kind.TEMPORARY).exists()
    # The host cell may end the attendance but not edit the record: the home cell keeps it.
    client = login(cast.secretary)
    assert client.get(reverse("member_edit", args=[traveller.public_id])).status_code == 404
    page = client.get(reverse("member_detail", args=[traveller.public_id])).content.decode()
    assert reverse("member_status", args=[traveller.public_id, "end_attendance"]) in page
    assert reverse("member_status", args=[traveller.public_id, "remove"]) not in page


def test_a_card_number_of_a_member_not_on_transfer_is_refused(cast, login):
    response = login(cast.secretary).post(visitor_url(cast.tree.a1), visitor(
        full_name="Vũ Văn Ngoài", party_card_number=cast.outsider.party_card_number))
    assert "chi bộ gốc chưa ghi nhận" in " ".join(response.context["form"].errors["party_card_number"])
    assert not cast.outsider.memberships.filter(cell=cast.tree.a1).exists()


def test_the_outsider_cannot_add_a_visitor_here(cast, login):
    assert login(cast.outsider).post(visitor_url(cast.tree.a1), visitor()).status_code == 404
    assert not Member.objects.filter(full_name="Hồ Văn Khách").exists()
