"""Account invitations go through the notification ledger like every other message."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from members.models import User
from members.services import user_create_for_member
from notifications.invitations import INVITATION, invitation_send
from notifications.models import Delivery, Dispatch, Notification
from notifications.services import delivery, dispatch
from tests import factories as f


@pytest.fixture
def newcomer(cast):
    return f.member(cast.tree.a1, name="Đỗ Văn Mới", official=False, admitted=dt.date(2025, 11, 3))


def _give_account(client, newcomer):
    return client.post(reverse("member_account", args=[newcomer.public_id]),
                       {"username": "moidv", "email": "moi@example.vn"})


def test_giving_an_account_records_an_invitation_and_sends_nothing_during_the_request(cast, newcomer, login):
    response = _give_account(login(cast.secretary), newcomer)
    assert response.status_code == 302
    assert mail.outbox == []  # not sent from the web request: the commit hands it to the worker
    dispatch = Dispatch.objects.get(kind=INVITATION)
    newcomer.refresh_from_db()
    assert dispatch.params == {"user_id": newcomer.user_id}


def test_the_worker_emails_the_link_through_the_ledger(cast, newcomer, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _give_account(login(cast.secretary), newcomer)
    email = Delivery.objects.get(kind=INVITATION, channel="email")
    assert email.member_id == newcomer.pk and email.status == Delivery.Status.SENT
    assert email.address == "moi@example.vn"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["moi@example.vn"]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<delivery.{email.pk}.email@")
    assert re.search(r"/accounts/password/reset/key/\S+", mail.outbox[0].body)


def test_the_inbox_copy_carries_no_password_link(cast, newcomer, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _give_account(login(cast.secretary), newcomer)
    notice = Notification.objects.get(kind=INVITATION)
    assert notice.user.username == "moidv"
    assert notice.link == "" and "/accounts/password/reset/" not in notice.body


def test_the_invitation_link_lets_the_member_choose_a_password(cast, newcomer, client, login,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _give_account(login(cast.secretary), newcomer)
    client.logout()
    path = re.search(r"(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": "Chon-mat-khau-9", "password2": "Chon-mat-khau-9"})
    assert response.status_code == 302
    assert User.objects.get(username="moidv").check_password("Chon-mat-khau-9")


def test_sending_again_is_a_new_message_in_the_ledger(cast, newcomer, login, django_capture_on_commit_callbacks):
    user_create_for_member(member=newcomer, username="moidv", email="moi@example.vn")
    client = login(cast.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member_invitation", args=[newcomer.public_id]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member_invitation", args=[newcomer.public_id]))
    assert Dispatch.objects.filter(kind=INVITATION).count() == 2
    assert Delivery.objects.filter(kind=INVITATION, channel="email", status=Delivery.Status.SENT).count() == 2
    assert len(mail.outbox) == 2


def test_an_invitation_waiting_when_the_password_is_chosen_is_no_longer_sent(cast, newcomer):
    user = user_create_for_member(member=newcomer, username="moidv", email="moi@example.vn")
    dispatch_id = invitation_send(user=user)  # its fan-out waits for a commit that never comes here
    user.set_password("Da-chon-roi-9")
    user.save()
    ids = dispatch.dispatches_fan_out(dispatch_ids=[dispatch_id])
    run = delivery.deliveries_send(delivery_ids=ids)
    assert run.sent == 0 and run.skipped == len(ids) and mail.outbox == []


def test_an_account_with_a_password_is_not_invited(cast, login):
    response = login(cast.secretary).post(reverse("member_invitation", args=[cast.member.public_id]))
    assert response.status_code == 302
    assert not Dispatch.objects.filter(kind=INVITATION).exists()


def test_the_outsider_cannot_send_an_invitation(cast, newcomer, login):
    user_create_for_member(member=newcomer, username="moidv", email="moi@example.vn")
    response = login(cast.outsider).post(reverse("member_invitation", args=[newcomer.public_id]))
    assert response.status_code == 404
    assert not Dispatch.objects.filter(kind=INVITATION).exists()
