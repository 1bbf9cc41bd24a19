"""The operator's page of the ledger: figures, messages needing attention, "send again"."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import reminders
from meetings.services.schedule import meeting_schedule
from notifications.models import Delivery
from notifications.services import delivery, dispatch
from notifications.services.dispatch import dispatches_create
from tests import factories as f


@pytest.fixture
def operator(client, db):
    client.force_login(f.user("operator", is_staff=True))
    return client


def _failing_reminders(cell, count: int) -> list[Delivery]:
    members = [f.member(cell, name=f"Đảng viên Lỗi {n}", email=f"loi{n}@example.org") for n in range(count)]
    meeting_schedule(cell=cell, starts_at=timezone.now() + dt.timedelta(days=2, hours=count))
    now = timezone.now()
    ids = dispatch.dispatches_fan_out(dispatch_ids=dispatches_create(requests=reminders.reminders_due(now), now=now))
    Delivery.objects.filter(pk__in=ids, member__in=members).update(status="permanent_failure", last_error="550 no")
    return list(Delivery.objects.filter(pk__in=ids, member__in=members))


def test_staff_see_the_figures_and_the_messages_needing_attention(operator, tree):
    rows = _failing_reminders(tree.a1, 2)
    page = operator.get(reverse("delivery_operator"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đảng viên Lỗi 0" in text and "550 no" in text
    assert page.context["figures"]["permanent"] == 2
    assert {d.pk for d in page.context["deliveries"]} == {d.pk for d in rows}


def test_the_page_and_healthz_show_the_same_figures(operator, tree):
    _failing_reminders(tree.a1, 3)
    page = operator.get(reverse("delivery_operator")).context["figures"]
    health = operator.get(reverse("healthz") + "?verbose").json()["ledger"]
    assert page == health


def test_send_again_puts_failed_messages_back_in_the_queue(operator, tree, django_capture_on_commit_callbacks):
    rows = _failing_reminders(tree.a1, 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(reverse("delivery_operator_send_again"), {"delivery": [rows[0].pk, "x", "²"]})
    assert response.status_code == 302
    again = Delivery.objects.get(pk=rows[0].pk)
    assert again.status == "sent" and again.member.email == again.address
    assert Delivery.objects.get(pk=rows[1].pk).status == "permanent_failure"
    assert [m.to for m in mail.outbox] == [[again.address]]


def test_a_member_who_is_not_staff_finds_no_such_page(client, tree):
    outsider = f.member(tree.a1, name="Người Ngoài", username="ngoai")
    client.force_login(outsider.user)
    assert client.get(reverse("delivery_operator")).status_code == 404
    assert client.post(reverse("delivery_operator_send_again"), {"delivery": ["1"]}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("delivery_operator"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_page_costs_the_same_queries_with_more_failures(operator, tree):
    _failing_reminders(tree.a1, 2)
    with CaptureQueriesContext(connection) as small:
        operator.get(reverse("delivery_operator"))
    _failing_reminders(tree.a2, 12)
    with CaptureQueriesContext(connection) as large:
        operator.get(reverse("delivery_operator"))
    assert len(small) == len(large) <= 10


def test_a_possible_second_copy_is_shown_as_such(operator, tree):
    (row, *_) = _failing_reminders(tree.a1, 1)
    Delivery.objects.filter(pk=row.pk).update(status="sent", uncertain=1)
    page = operator.get(reverse("delivery_operator"))
    assert page.context["figures"]["suspected_duplicates"] == 1
    assert "Possibly received twice" in page.content.decode() or "hai lần" in page.content.decode()


def test_claims_are_not_counted_as_past_due_before_their_lease_ends(operator, tree, settings):
    settings.NOTIFICATIONS_LEASE_SECONDS = 60
    rows = _failing_reminders(tree.a1, 1)
    Delivery.objects.filter(pk=rows[0].pk).update(status="pending")
    delivery._claim([rows[0].pk], timezone.now(), uuid.uuid4())
    assert operator.get(reverse("delivery_operator")).context["figures"]["leases_past_due"] == 0
    Delivery.objects.filter(pk=rows[0].pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert operator.get(reverse("delivery_operator")).context["figures"]["leases_past_due"] == 1
