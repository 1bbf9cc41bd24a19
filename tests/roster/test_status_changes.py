"""Status steps (services and pages), role changes and accounts."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import CellMembership, MemberStatus, Role, User
from members.services import (
    member_change_status,
    member_create_visitor,
    member_receive_temporary,
    membership_end_temporary,
    membership_set_role,
)
from tests import factories as f


def step_url(member, step):
    return reverse("member_status", args=[member.public_id, step])


@pytest.fixture
def newcomer(cast):
    return f.member(cast.tree.a1, name="Đỗ Văn Mới", official=False, admitted=dt.date(2025, 11, 3))


# --- Services -----------------------------------------------------------------------------------

def test_returning_from_exemption_keeps_the_official_date(tree):
    m = f.member(tree.a1, admitted=dt.date(2010, 3, 1))
    member_change_status(member=m, status=MemberStatus.EXEMPT, effective_date=dt.date(2024, 1, 1))
    member_change_status(member=m, status=MemberStatus.OFFICIAL, effective_date=dt.date(2025, 1, 1))
    m.refresh_from_db()
    assert m.status == MemberStatus.OFFICIAL and m.official_date == dt.date(2011, 3, 1)


def test_an_exempt_probationary_member_returns_as_probationary_not_recognised(tree):
    m = f.member(tree.a1, official=False, admitted=dt.date(2025, 1, 1))
    member_change_status(member=m, status=MemberStatus.EXEMPT, effective_date=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        member_change_status(member=m, status=MemberStatus.OFFICIAL, effective_date=dt.date(2025, 6, 1))
    member_change_status(member=m, status=MemberStatus.PROBATIONARY, effective_date=dt.date(2025, 6, 1))
    m.refresh_from_db()
    assert m.status == MemberStatus.PROBATIONARY and m.official_date is None


def test_a_probationary_member_cannot_be_expelled(tree):
    m = f.member(tree.a1, official=False, admitted=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        member_change_status(member=m, status=MemberStatus.EXPELLED, effective_date=dt.date(2025, 6, 1))


def test_an_official_member_does_not_become_probationary(tree):
    m = f.member(tree.a1)
    with pytest.raises(ValidationError):
        member_change_status(member=m, status=MemberStatus.PROBATIONARY, effective_date=dt.date(2025, 6, 1))


def test_nothing_more_is_recorded_once_a_member_has_left(tree):
    m = f.member(tree.a1)
    member_change_status(member=m, status=MemberStatus.DECEASED, effective_date=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError):
        member_change_status(member=m, status=MemberStatus.EXEMPT, effective_date=dt.date(2025, 7, 1))


def test_a_temporary_transfer_outside_the_system_names_the_organisation(tree):
    m = f.member(tree.a1)
    change = member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER,
                                  effective_date=dt.date(2026, 2, 1), other_organization=" Đảng bộ Công ty Viettel ")
    assert change.other_organization == "Đảng bộ Công ty Viettel"
    assert not m.memberships.filter(kind=CellMembership.Kind.TEMPORARY).exists()


def test_a_temporary_transfer_to_a_cell_records_its_name(tree):
    m = f.member(tree.a1)
    change = member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER,
                                  effective_date=dt.date(2026, 2, 1), temporary_cell=tree.b1)
    assert change.other_organization == "Chi bộ thôn Nam"


def test_a_departure_dated_before_joining_the_cell_is_refused(tree):
    visitor = member_create_visitor(cell=tree.a1, effective_date=dt.date(2026, 5, 1), full_name="Khách",
                                    other_organization="Nơi khác")
    with pytest.raises(ValidationError) as error:
        member_change_status(member=visitor, status=MemberStatus.TRANSFERRED_OUT, effective_date=dt.date(2026, 4, 1))
    assert "effective_date" in error.value.message_dict


def test_a_visitor_has_no_home_cell_and_cannot_return_to_activity(tree):
    visitor = member_create_visitor(cell=tree.a1, effective_date=dt.date(2026, 5, 1), full_name="Khách",
                                    other_organization="Nơi khác")
    with pytest.raises(ValidationError):
        member_change_status(member=visitor, status=MemberStatus.PROBATIONARY, effective_date=dt.date(2026, 6, 1))


def test_a_host_cell_ends_a_temporary_attendance_and_the_status_stays(tree):
    m = f.member(tree.b1, party_card_number="111122223333")
    member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2026, 2, 1),
                         other_organization="Chi bộ thôn Đông")
    member_receive_temporary(cell=tree.a1, party_card_number="111122223333", full_name=m.full_name,
                             start_date=dt.date(2026, 2, 3))
    membership_end_temporary(member=m, cell=tree.a1, end_date=dt.date(2026, 5, 1))
    m.refresh_from_db()
    assert m.status == MemberStatus.TEMPORARY_TRANSFER
    assert not m.memberships.filter(cell=tree.a1, end_date__isnull=True).exists()
    with pytest.raises(ValidationError):
        membership_end_temporary(member=m, cell=tree.a1, end_date=dt.date(2026, 6, 1))


def test_receiving_needs_the_same_name_and_a_recorded_transfer(tree):
    m = f.member(tree.b1, name="Lò Văn Tới", party_card_number="111122223333")
    with pytest.raises(ValidationError):  # not on temporary transfer
        member_receive_temporary(cell=tree.a1, party_card_number="111122223333", full_name="Lò Văn Tới",
                                 start_date=dt.date(2026, 2, 3))
    member_change_status(member=m, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError):  # another name
        member_receive_temporary(cell=tree.a1, party_card_number="111122223333", full_name="Lò Văn Khác",
                                 start_date=dt.date(2026, 2, 3))
    assert member_receive_temporary(cell=tree.a1, party_card_number="999999999999", full_name="Ai đó",
                                    start_date=dt.date(2026, 2, 3)) is None


def test_a_second_secretary_is_refused_by_the_role_service(cast):
    with pytest.raises(ValidationError):
        membership_set_role(member=cast.member, cell=cast.tree.a1, role=Role.SECRETARY)
    assert cast.member.memberships.get().role == Role.MEMBER


# --- Pages --------------------------------------------------------------------------------------

def test_recognition_is_prefilled_twelve_months_after_admission(cast, newcomer, login):
    response = login(cast.secretary).get(step_url(newcomer, "official"))
    assert response.context["form"].initial["effective_date"] == dt.date(2026, 11, 3)
    assert "tròn 12 tháng sau ngày vào Đảng" in response.content.decode()


def test_the_secretary_records_recognition_with_its_decision(cast, newcomer, login):
    client = login(cast.secretary)
    response = client.post(step_url(newcomer, "official"), {"effective_date": "2026-11-10", "decision_ref": ""})
    assert "decision_ref" in response.context["form"].errors  # a recognition needs its decision
    response = client.post(step_url(newcomer, "official"),
                           {"effective_date": "2026-11-10", "decision_ref": "88-QĐ/ĐU", "note": ""})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.status == MemberStatus.OFFICIAL and newcomer.official_date == dt.date(2026, 11, 10)
    page = client.get(reverse("member_detail", args=[newcomer.public_id])).content.decode()
    assert "88-QĐ/ĐU" in page and "Đã ghi nhận" in page


def test_a_recognition_dated_before_admission_is_refused_with_the_reason(cast, newcomer, login):
    response = login(cast.secretary).post(step_url(newcomer, "official"),
                                          {"effective_date": "2024-01-01", "decision_ref": "1"})
    assert "trước ngày vào Đảng" in " ".join(response.context["form"].errors["effective_date"])
    newcomer.refresh_from_db()
    assert newcomer.status == MemberStatus.PROBATIONARY


def test_a_step_that_does_not_fit_is_not_offered(cast, newcomer, login):
    client = login(cast.secretary)
    assert client.get(step_url(cast.member, "official")).status_code == 404  # already official
    assert client.get(step_url(newcomer, "expel")).status_code == 404  # probationary
    assert client.get(step_url(cast.member, "return")).status_code == 404  # not away
    assert client.get(step_url(cast.member, "nonsense")).status_code == 404


def test_a_temporary_transfer_outside_needs_the_organisations_name(cast, login):
    client = login(cast.secretary)
    form = client.get(step_url(cast.member, "temporary")).context["form"]
    # A secretary sees no other cell: the destination is written as on the letter.
    assert "destination" not in form.fields and form.fields["other_organization"].required
    response = client.post(step_url(cast.member, "temporary"), {"other_organization": "", "effective_date": "2026-10-01"})
    assert "other_organization" in response.context["form"].errors
    response = client.post(step_url(cast.member, "temporary"), {
        "other_organization": "Chi bộ Trường Chính trị tỉnh", "effective_date": "2026-10-01",
        "decision_ref": "GGT 3", "note": "Học lớp trung cấp lý luận chính trị"})
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.status == MemberStatus.TEMPORARY_TRANSFER
    roster = client.get(reverse("roster", args=[cast.tree.a1.public_id]) + "?status=away").content.decode()
    assert "Lê Thị Hoa" in roster and "tại Chi bộ Trường Chính trị tỉnh" in roster


def test_a_superuser_sends_a_member_to_another_cell_of_the_system(cast, login):
    client = login(cast.admin)
    response = client.post(step_url(cast.member, "temporary"), {
        "destination": str(cast.tree.b1.public_id), "effective_date": "2026-10-01"})
    assert response.status_code == 302
    assert cast.member.memberships.filter(cell=cast.tree.b1, kind=CellMembership.Kind.TEMPORARY).exists()


def test_a_member_back_from_transfer_returns_to_activity(cast, login):
    member_change_status(member=cast.member, status=MemberStatus.TEMPORARY_TRANSFER,
                         effective_date=dt.date(2026, 1, 1), temporary_cell=cast.tree.b1)
    response = login(cast.secretary).post(step_url(cast.member, "return"), {"effective_date": "2026-07-01"})
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.status == MemberStatus.OFFICIAL
    assert not cast.member.memberships.filter(kind=CellMembership.Kind.TEMPORARY, end_date__isnull=True).exists()


def test_a_removal_takes_the_member_off_the_roster(cast, login):
    client = login(cast.secretary)
    response = client.post(step_url(cast.member, "remove"),
                           {"effective_date": "2026-06-30", "decision_ref": "31-QĐ/ĐU", "note": "Bỏ sinh hoạt 3 tháng"})
    assert response.status_code == 302
    assert response["Location"] == reverse("roster", args=[cast.tree.a1.public_id])
    cast.member.refresh_from_db()
    assert cast.member.status == MemberStatus.REMOVED
    roster = client.get(response["Location"])
    assert "Lê Thị Hoa" not in {m.member.full_name for m in roster.context["page"]}


def test_the_committee_and_the_outsider_record_nothing(cast, login):
    for who in (cast.committee, cast.outsider, cast.member):
        response = login(who).post(step_url(cast.member, "remove"),
                                   {"effective_date": "2026-06-30", "decision_ref": "X"})
        assert response.status_code == 404
    cast.member.refresh_from_db()
    assert cast.member.status == MemberStatus.OFFICIAL and cast.member.status_changes.count() == 1


def test_a_visitor_leaves_from_the_host_cell(cast, login):
    visitor = member_create_visitor(cell=cast.tree.a1, effective_date=dt.date(2026, 1, 1), full_name="Khách Đến",
                                    other_organization="Nơi khác")
    response = login(cast.secretary).post(step_url(visitor, "leave"), {
        "effective_date": "2026-09-01", "other_organization": "Trở về Đảng bộ cũ"})
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert visitor.status == MemberStatus.TRANSFERRED_OUT


# --- Roles --------------------------------------------------------------------------------------

def test_the_secretary_makes_a_member_deputy(cast, login):
    response = login(cast.secretary).post(reverse("member_role", args=[cast.member.public_id]),
                                          {"role": Role.DEPUTY_SECRETARY})
    assert response.status_code == 302
    assert cast.member.memberships.get(end_date__isnull=True).role == Role.DEPUTY_SECRETARY


def test_a_second_secretary_is_refused_with_a_message(cast, login):
    response = login(cast.secretary).post(reverse("member_role", args=[cast.member.public_id]),
                                          {"role": Role.SECRETARY}, follow=True)
    assert "Chi bộ đã có bí thư" in response.content.decode()
    assert cast.member.memberships.get(end_date__isnull=True).role == Role.MEMBER


def test_the_outsider_and_the_committee_change_no_role(cast, login):
    for who in (cast.outsider, cast.committee):
        response = login(who).post(reverse("member_role", args=[cast.member.public_id]), {"role": Role.DEPUTY_SECRETARY})
        assert response.status_code == 404
    assert cast.member.memberships.get().role == Role.MEMBER


def test_a_secretary_who_steps_down_manages_the_cell_no_more(cast, login):
    client = login(cast.secretary)
    response = client.post(reverse("member_role", args=[cast.secretary.public_id]), {"role": Role.MEMBER})
    # Their own record stays in sight; the roster does not.
    assert response.status_code == 302
    assert response["Location"] == reverse("member_detail", args=[cast.secretary.public_id])
    assert client.get(reverse("roster", args=[cast.tree.a1.public_id])).status_code == 404


# --- Accounts -----------------------------------------------------------------------------------

def test_the_secretary_gives_an_account_and_an_invitation_is_emailed(cast, newcomer, login, django_capture_on_commit_callbacks):
    client = login(cast.secretary)
    form = client.get(reverse("member_account", args=[newcomer.public_id])).context["form"]
    assert form.initial["username"] == "moidv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_account", args=[newcomer.public_id]),
                               {"username": "moidv", "email": "moi@example.vn"})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.user.username == "moidv" and not newcomer.user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["moi@example.vn"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_username_already_taken_is_refused(cast, newcomer, login):
    response = login(cast.secretary).post(reverse("member_account", args=[newcomer.public_id]),
                                          {"username": "member", "email": "moi@example.vn"})
    assert "Tên đăng nhập này đã được dùng." in response.context["form"].errors["username"]
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_the_invitation_can_be_sent_again(cast, newcomer, login, django_capture_on_commit_callbacks):
    from members.services import user_create_for_member

    user_create_for_member(member=newcomer, username="moidv", email="moi@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.secretary).post(reverse("member_invitation", args=[newcomer.public_id]))
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_the_outsider_gives_no_account(cast, newcomer, login):
    response = login(cast.outsider).post(reverse("member_account", args=[newcomer.public_id]),
                                         {"username": "hacker", "email": "x@example.vn"})
    assert response.status_code == 404
    assert not User.objects.filter(username="hacker").exists()
