"""Who may read and record: a discipline record is for the member, the cell's officers and
the committees above only; commendations are open to the cell; everything else is a 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conduct.models import Commendation, Discipline
from members.models import MemberStatus
from tests import factories as f
from tests.conduct.conftest import commend, discipline


@pytest.fixture
def records(cast, media):
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4 quyet dinh", content_type="application/pdf")
    return commend(cast.member), discipline(cast.member, attachment=pdf)


@pytest.mark.parametrize(("who", "status"), [
    ("member", 200), ("secretary", 200), ("committee", 200), ("orgcom", 200), ("admin", 200),
    ("neighbour", 404), ("outsider", 404),
])
def test_a_discipline_record_is_read_only_by_the_member_the_officers_and_the_committees_above(
        cast, neighbour, records, login, who, status):
    _, record = records
    client = login(neighbour if who == "neighbour" else getattr(cast, who))
    assert client.get(reverse("discipline_detail", args=[record.public_id])).status_code == status
    assert client.get(reverse("discipline_file", args=[record.public_id])).status_code == status


@pytest.mark.parametrize(("who", "status"), [
    ("member", 200), ("neighbour", 200), ("secretary", 200), ("committee", 200), ("outsider", 404),
])
def test_a_commendation_is_visible_to_the_cell(cast, neighbour, records, login, who, status):
    record, _ = records
    client = login(neighbour if who == "neighbour" else getattr(cast, who))
    assert client.get(reverse("commendation_detail", args=[record.public_id])).status_code == status


def test_the_cell_register_shows_a_plain_member_the_commendations_and_no_one_elses_discipline(
        cast, neighbour, records, login):
    page = login(neighbour).get(reverse("conduct_cell", args=[cast.tree.a1.public_id])).content.decode()
    commendation, record = records
    assert str(commendation.public_id) in page
    assert str(record.public_id) not in page
    page = login(cast.secretary).get(reverse("conduct_cell", args=[cast.tree.a1.public_id])).content.decode()
    assert str(record.public_id) in page
    assert reverse("commendation_new", args=[cast.tree.a1.public_id]) in page


def test_the_member_sees_their_own_discipline_on_the_cell_register(cast, records, login):
    page = login(cast.member).get(reverse("conduct_cell", args=[cast.tree.a1.public_id])).content.decode()
    assert str(records[1].public_id) in page


def test_a_discipline_record_stays_with_its_cell_after_an_expulsion(cast, login):
    record = discipline(cast.member, level="expulsion")
    assert record.member.status == MemberStatus.EXPELLED
    for who in (cast.secretary, cast.committee):
        assert login(who).get(reverse("discipline_detail", args=[record.public_id])).status_code == 200


def test_outsiders_and_plain_members_cannot_open_the_forms(cast, neighbour, login):
    cell = cast.tree.a1.public_id
    for who in (neighbour, cast.outsider, cast.member):
        client = login(who)
        for name in ("commendation_new", "discipline_new", "conduct_import"):
            assert client.get(reverse(name, args=[cell])).status_code == 404
    assert login(cast.outsider).get(reverse("conduct_cell", args=[cell])).status_code == 404


def test_the_secretary_records_a_commendation_on_a_phone_form(cast, login, media):
    client = login(cast.secretary)
    url = reverse("commendation_new", args=[cast.tree.a1.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "member": cast.member.public_id, "kind": "commendation_certificate", "decision_number": "45-QĐ/UBND",
        "decision_date": "2025-05-19", "issuing_body": "UBND tỉnh", "reason": "Thành tích xuất sắc",
        "attachment": SimpleUploadedFile("bang-khen.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
    })
    assert response.status_code == 302
    record = Commendation.objects.get()
    assert (record.member, record.kind, record.recorded_by) == (cast.member, "commendation_certificate",
                                                                 cast.secretary.user)


def test_a_member_of_another_cell_cannot_be_chosen(cast, login):
    response = login(cast.secretary).post(reverse("commendation_new", args=[cast.tree.a1.public_id]), {
        "member": cast.outsider.public_id, "kind": "other", "decision_number": "1", "decision_date": "2025-05-19",
        "issuing_body": "X", "reason": "Y",
    })
    assert response.status_code == 200
    assert not Commendation.objects.exists()


def test_the_committee_above_records_a_discipline_it_decided_but_not_a_commendation(cast, login):
    client = login(cast.committee)
    cell = cast.tree.a1.public_id
    assert client.get(reverse("commendation_new", args=[cell])).status_code == 404
    response = client.post(reverse("discipline_new", args=[cell]), {
        "member": cast.member.public_id, "level": "warning", "decision_number": "9-QĐ/ĐU",
        "decision_date": "2025-07-01", "issuing_body": "Ban Thường vụ Đảng ủy xã", "reason": "Vi phạm",
    })
    assert response.status_code == 302
    assert Discipline.objects.get().recorded_by == cast.committee.user


def test_refusing_a_dismissal_of_a_probationary_member_is_shown_on_the_form(cast, login):
    newcomer = f.member(cast.tree.a1, name="Ngô Thị Mới", official=False, admitted=dt.date(2025, 3, 1))
    response = login(cast.secretary).post(reverse("discipline_new", args=[cast.tree.a1.public_id]), {
        "member": newcomer.public_id, "level": "dismissal", "decision_number": "2", "decision_date": "2025-07-01",
        "issuing_body": "Chi bộ", "reason": "Vi phạm",
    })
    assert response.status_code == 200
    assert "Ngô Thị Mới" in response.content.decode()
    assert not Discipline.objects.exists()
