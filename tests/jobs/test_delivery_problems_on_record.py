"""An address refused for good shows on the member's record, to those who may see the record."""

from django.urls import reverse

from members.services import member_update
from notifications.models import BadAddress
from tests import factories as f


def test_the_record_warns_about_a_refused_address(cast, login):
    member_update(member=cast.member, email="hong@example.org")
    BadAddress.objects.create(channel="email", address="hong@example.org", error="550 5.1.1 User unknown")
    page = login(cast.secretary).get(reverse("member_detail", args=[cast.member.public_id])).content.decode()
    assert "hong@example.org" in page
    assert "550 5.1.1 User unknown" in page


def test_a_corrected_address_clears_the_warning(cast, login):
    BadAddress.objects.create(channel="email", address="old@example.org", error="550")
    member_update(member=cast.member, email="new@example.org")
    page = login(cast.secretary).get(reverse("member_detail", args=[cast.member.public_id])).content.decode()
    assert "old@example.org" not in page


def test_an_outsider_sees_no_record_and_no_address(cast, login):
    member_update(member=cast.member, email="hong@example.org")
    BadAddress.objects.create(channel="email", address="hong@example.org", error="550")
    response = login(cast.outsider).get(reverse("member_detail", args=[cast.member.public_id]))
    assert response.status_code == 404
    assert b"hong@example.org" not in response.content


def test_the_record_without_problems_shows_no_warning(tree, login):
    record = f.member(tree.a1, name="Đỗ Văn Ổn", username="on", email="on@example.org")
    page = login(record).get(reverse("member_detail", args=[record.public_id])).content.decode()
    assert "on@example.org" in page
    assert "message-warning" not in page
