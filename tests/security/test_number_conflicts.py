"""A number refused because it belongs to someone outside the secretary's scope reaches the
standing committee above the cell: the secretary learns nothing, the committee is told what
was tried, and whose number it is only when that member is in its own organisation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.services import member_update
from notifications.models import Delivery, Dispatch, Notification
from notifications.number_conflicts import NUMBER_CONFLICT
from tests import factories as f
from tests.roster.files import HEADERS, csv_bytes


def new_member(client, cell, **overrides):
    data = {
        "full_name": "Phạm Thị Lan", "date_of_birth": "1990-04-15", "gender": "female", "ethnicity": "Kinh",
        "party_card_number": "010123456789", "admission_date": "2015-05-19", "official_date": "2016-05-19",
        "workplace_kind": "other", "role": "member", "start_date": "2020-01-01",
    }
    data.update(overrides)
    return client.post(reverse("member_new", args=[cell.public_id]), data)


def told(capture, action):
    with capture(execute=True):
        action()
    return Notification.objects.filter(kind=NUMBER_CONFLICT)


@pytest.fixture
def neighbour(cast):
    """A member of cell A2: in commune A (which the committee oversees), not in A1's roster."""
    return f.member(cast.tree.a2, name="Đinh Văn Láng Giềng")


def test_a_number_held_outside_the_scope_is_told_to_the_standing_committee_above(
        cast, login, django_capture_on_commit_callbacks):
    client = login(cast.secretary)
    card = cast.outsider.party_card_number
    notices = told(django_capture_on_commit_callbacks, lambda: new_member(client, cast.tree.a1, party_card_number=card))
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()
    dispatch = Dispatch.objects.get(kind=NUMBER_CONFLICT)
    assert dispatch.params["cell_id"] == cast.tree.a1.pk and dispatch.params["number"] == card
    assert dispatch.params["name"] == "Phạm Thị Lan"
    assert set(Delivery.objects.filter(kind=NUMBER_CONFLICT).values_list("member_id", flat=True)) == {
        cast.committee.pk}
    notice = notices.get()
    assert card in notice.body and "Phạm Thị Lan" in notice.body and cast.tree.a1.name in notice.body
    # The holder is in commune B: the committee of commune A does not oversee them.
    assert "Vũ Văn Ngoài" not in notice.body and cast.tree.b1.name not in notice.body


def test_the_committee_is_told_whose_number_it_is_when_it_oversees_the_holder(
        cast, neighbour, login, django_capture_on_commit_callbacks):
    client = login(cast.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = new_member(client, cast.tree.a1, party_card_number=neighbour.party_card_number)
    assert "Đinh Văn Láng Giềng" not in str(response.context["form"].errors)  # not to the secretary
    notice = Notification.objects.get(kind=NUMBER_CONFLICT)
    assert notice.user_id == cast.committee.user_id
    assert "Đinh Văn Láng Giềng" in notice.body and cast.tree.a2.name in notice.body


def test_a_citizen_id_held_outside_the_scope_is_told_too(cast, login, django_capture_on_commit_callbacks):
    member_update(member=cast.outsider, citizen_id="001099000111")
    client = login(cast.secretary)
    notices = told(django_capture_on_commit_callbacks,
                   lambda: new_member(client, cast.tree.a1, citizen_id="001099000111"))
    assert "001099000111" in notices.get().body


def test_the_secretary_who_tried_is_told_nothing(cast, login, django_capture_on_commit_callbacks):
    client = login(cast.secretary)
    told(django_capture_on_commit_callbacks,
         lambda: new_member(client, cast.tree.a1, party_card_number=cast.outsider.party_card_number))
    assert not Delivery.objects.filter(kind=NUMBER_CONFLICT, member=cast.secretary).exists()
    assert not Notification.objects.filter(kind=NUMBER_CONFLICT, user=cast.secretary.user).exists()


def test_trying_the_same_number_again_the_same_day_tells_the_committee_once(cast, login,
                                                                            django_capture_on_commit_callbacks):
    client = login(cast.secretary)
    card = cast.outsider.party_card_number
    with django_capture_on_commit_callbacks(execute=True):
        new_member(client, cast.tree.a1, party_card_number=card)
        new_member(client, cast.tree.a1, party_card_number=card, full_name="Phạm Thị Lành")
    assert Dispatch.objects.filter(kind=NUMBER_CONFLICT).count() == 1
    assert Notification.objects.filter(kind=NUMBER_CONFLICT).count() == 1
    key = Dispatch.objects.get(kind=NUMBER_CONFLICT).key
    assert key.endswith(f":{cast.tree.a1.pk}:{card}@{timezone.localdate():%Y%m%d}")


def test_a_number_the_secretary_may_see_is_named_to_them_and_told_to_no_one(cast, login):
    new_member(login(cast.secretary), cast.tree.a1, party_card_number=cast.member.party_card_number)
    assert not Dispatch.objects.filter(kind=NUMBER_CONFLICT).exists()


def test_editing_a_member_with_a_number_held_outside_is_told_too(cast, login, django_capture_on_commit_callbacks):
    client = login(cast.secretary)
    data = {"full_name": cast.member.full_name, "party_card_number": cast.outsider.party_card_number,
            "gender": "female", "ethnicity": "Kinh", "workplace_kind": "other"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member_edit", args=[cast.member.public_id]), data)
    dispatch = Dispatch.objects.get(kind=NUMBER_CONFLICT)
    assert dispatch.params["cell_id"] == cast.tree.a1.pk


def test_an_import_row_with_a_number_held_outside_is_told_too(cast, login, django_capture_on_commit_callbacks):
    card = cast.outsider.party_card_number
    rows = [[1, "Nguyễn Văn Nhập", "01/02/1980", "Nam", card, "03/02/2010", "03/02/2011", "Chính thức", ""]]
    client = login(cast.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member_import", args=[cast.tree.a1.public_id]),
                    {"file": SimpleUploadedFile("ds.csv", csv_bytes(rows, headers=HEADERS))})
    dispatch = Dispatch.objects.get(kind=NUMBER_CONFLICT)
    assert dispatch.params == {"cell_id": cast.tree.a1.pk, "field": "party_card_number", "number": card,
                               "name": "Nguyễn Văn Nhập", "user_id": cast.secretary.user_id}
    notice = Notification.objects.get(kind=NUMBER_CONFLICT)
    assert notice.user_id == cast.committee.user_id and "Vũ Văn Ngoài" not in notice.body


def test_the_outsiders_attempt_reaches_their_own_committee_not_commune_as(cast, login,
                                                                          django_capture_on_commit_callbacks):
    other_committee = f.member(cast.tree.b1, name="Kiều Văn Bình", username="committee_b")
    f.seat(other_committee, cast.tree.commune_b)
    client = login(cast.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        new_member(client, cast.tree.b1, party_card_number=cast.member.party_card_number)
    assert set(Delivery.objects.filter(kind=NUMBER_CONFLICT).values_list("member_id", flat=True)) == {
        other_committee.pk}
    notice = Notification.objects.get(kind=NUMBER_CONFLICT)
    assert "Lê Thị Hoa" not in notice.body  # commune B does not oversee cell A1
    assert not Notification.objects.filter(kind=NUMBER_CONFLICT, user=cast.committee.user).exists()
