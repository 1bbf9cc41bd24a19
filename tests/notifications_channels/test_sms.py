"""Text messages through the delivery ledger: the eSMS fake on 127.0.0.1 answers, the ledger
records once, retries what may pass later and remembers a number that does not exist."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import reminders
from meetings.models import Meeting
from meetings.services.schedule import meeting_schedule
from notifications.models import BadAddress, ChannelPreference, Delivery, Notification
from notifications.rendering import render_message
from notifications.services import delivery, dispatch
from notifications.services.dispatch import DispatchRequest, dispatches_create
from notifications.services.preferences import preferences_update
from notifications.transports.base import Message
from notifications.transports.sms import SmsTransport
from notifications.transports.sms_gateway import sms_length
from notifications.undelivered import ADDRESS_REFUSED
from tests import factories as f

PLACE = "Nhà văn hóa thôn Đông"


def _sms_on(*members):
    for member in members:
        preferences_update(user=member.user, channels={"sms": True}, language="vi")


def _remind(run_jobs, now=None):
    now = now or timezone.now()
    return run_jobs(dispatches_create, requests=reminders.reminders_due(now), now=now)


def _sms_rows(meeting):
    return Delivery.objects.filter(key__startswith=f"meeting:{meeting.pk}:reminder:", channel="sms")


def test_the_transport_sends_vietnamese_with_its_diacritics_and_a_request_id_stable_per_row(gateway):
    message = Message(delivery_id=7, kind="k", channel="sms", address="+84912345671", language="vi", user_id=None,
                      subject="Nhắc họp", text="Nhắc họp chi bộ", html="", link="",
                      message_id="<delivery.7.sms@handbook.test>")
    SmsTransport().send(message)
    SmsTransport().send(message)
    first, second = gateway.requests
    assert first["Phone"] == "84912345671" and first["Content"] == "Nhắc họp chi bộ" and first["IsUnicode"] == "1"
    assert first["RequestId"] == second["RequestId"]  # a retry is a duplicate the gateway recognises


def test_sms_is_off_until_the_member_turns_it_on(cell, gateway, run_jobs):
    cell_org, people = cell
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    assert not _sms_rows(meeting).exists()
    assert gateway.requests == []


def test_a_reminder_reaches_a_member_who_chose_sms_once_in_at_most_two_segments(cell, gateway, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _sms_on(hoa, ha)  # Hà has no number: nothing to send her by SMS
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    _remind(run_jobs)  # the scan again: nothing new
    rows = _sms_rows(meeting)
    assert list(rows.values_list("member__full_name", "status", "address", "attempts")) == [
        ("Lê Thị Hoa", "sent", "+84912345672", 1),
    ]
    (text,) = gateway.texts_to("+84912345672")
    assert text.startswith("Nhắc họp: ") and PLACE in text and "19:30" in text and cell_org.name in text
    assert sms_length(text).segments <= 2
    assert len(gateway.requests) == 1


def test_a_busy_gateway_is_tried_again_later_and_the_text_goes_once(cell, gateway, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _sms_on(hoa)
    gateway.answer("+84912345672", status=429)
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    row = _sms_rows(meeting).get()
    assert (row.status, row.attempts) == ("failed", 1) and row.next_attempt_at is not None
    assert "429" in row.last_error
    gateway.answers.clear()
    run = delivery.deliveries_send(delivery_ids=[row.pk], now=row.next_attempt_at + dt.timedelta(seconds=1))
    row.refresh_from_db()
    assert (run.sent, row.status, row.attempts) == (1, "sent", 2)
    assert not BadAddress.objects.exists()
    delivery.deliveries_send(delivery_ids=[row.pk], now=row.next_attempt_at or timezone.now())
    assert len(gateway.requests) == 2  # the refused one and the accepted one, nothing after


def test_an_invalid_number_is_remembered_and_not_tried_again(cell, gateway, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _sms_on(hoa, quan)
    gateway.answer("+84912345672", code="108", message="Phone not valid")
    first = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    refused = _sms_rows(first).get(member=hoa)
    assert refused.status == "permanent_failure" and "108" in refused.last_error
    assert _sms_rows(first).get(member=quan).status == "sent"
    assert BadAddress.objects.filter(channel="sms", address="+84912345672").exists()
    tried = len(gateway.requests)
    second = meeting_schedule(cell=cell_org, starts_at=f.at(2, hour=8), place=PLACE, kind=Meeting.Kind.EXTRAORDINARY)
    _remind(run_jobs)
    again = _sms_rows(second).get(member=hoa)
    assert again.status == "permanent_failure" and "refused earlier" in again.last_error
    assert len(gateway.requests) == tried + 1  # only Quân's text: Hoa's number is not asked again


def test_a_member_whose_number_was_refused_is_told_in_their_inbox_and_on_their_settings(cell, gateway, run_jobs,
                                                                                       login):
    cell_org, (bi, hoa, quan, ha) = cell
    _sms_on(hoa)
    gateway.answer("+84912345672", code="108", message="Phone not valid")
    meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    notice = Notification.objects.get(user=hoa.user, kind=ADDRESS_REFUSED)
    assert "+84912345672" in notice.body and "số" in notice.body and "Máy chủ thư" not in notice.body
    page = login(hoa).get(reverse("notification_settings")).content.decode()
    assert "Tin nhắn tới số +84912345672 đã bị từ chối" in page


def test_a_rejected_template_fails_for_good_without_blaming_the_number(cell, gateway, run_jobs):
    cell_org, (bi, hoa, quan, ha) = cell
    _sms_on(hoa)
    gateway.answer("+84912345672", code="146", message="Template not registered")
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    row = _sms_rows(meeting).get()
    assert row.status == "permanent_failure" and "146" in row.last_error
    assert not BadAddress.objects.exists()


def test_a_kind_without_a_short_template_sends_its_subject():
    rendered = render_message("notifications/email/undelivered", {"member_name": "Lê Thị Hoa", "count": 1},
                              language="vi", short=True)
    assert rendered.text == rendered.subject and "\n" not in rendered.text and rendered.html == ""


def test_a_member_turns_sms_on_in_settings_and_sees_their_number(cell, login):
    cell_org, (bi, hoa, quan, ha) = cell
    client = login(hoa)
    page = client.get(reverse("notification_settings"))
    assert page.status_code == 200
    assert "0912 345 672" in page.content.decode()
    assert page.context["form"]["channel_sms"].value() is False  # off by default
    response = client.post(reverse("notification_settings"), {"language": "vi", "channel_email": "on",
                                                               "channel_sms": "on"})
    assert response.status_code == 302
    assert ChannelPreference.objects.get(user=hoa.user, channel="sms").enabled is True
    assert client.get(reverse("notification_settings")).context["form"]["channel_sms"].value() is True


def test_a_member_without_a_number_cannot_turn_sms_on(cell, login):
    cell_org, (bi, hoa, quan, ha) = cell
    client = login(ha)
    client.post(reverse("notification_settings"), {"language": "vi", "channel_sms": "on"})
    assert not ChannelPreference.objects.filter(user=ha.user, channel="sms", enabled=True).exists()


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_nobody_changes_another_members_channels(tree, cell, client, login, who):
    cell_org, (bi, hoa, quan, ha) = cell
    if who == "outsider":
        client = login(f.member(tree.b1, name="Vũ Văn Ngoài", username="outsider", phone="0912 345 679"))
    response = client.post(reverse("notification_settings"),
                           {"language": "en", "channel_sms": "on", "user": hoa.user.pk, "member": hoa.pk})
    assert response.status_code == 302
    assert not ChannelPreference.objects.filter(user=hoa.user).exists()
    hoa.user.refresh_from_db()
    assert hoa.user.language == "vi"


def test_a_member_who_wants_only_reminders_by_sms_gets_no_other_notice_there(
        cell, gateway, run_jobs, notice, meeting_kinds_are_reminders):
    cell_org, (bi, hoa, quan, ha) = cell
    preferences_update(user=hoa.user, channels={"sms": True}, reminders_only={"sms": True}, language="vi")
    preferences_update(user=quan.user, channels={"sms": True}, language="vi")
    run_jobs(dispatches_create, requests=[DispatchRequest(key="notice:1", kind=notice,
                                                          params={"members": [hoa.pk, quan.pk]})])
    assert sorted(Delivery.objects.filter(key="notice:1").values_list("member__full_name", "channel")) == [
        ("Lê Thị Hoa", "inapp"), ("Đỗ Minh Quân", "inapp"), ("Đỗ Minh Quân", "sms"),
    ]
    meeting = meeting_schedule(cell=cell_org, starts_at=f.at(2), place=PLACE)
    _remind(run_jobs)
    assert sorted(_sms_rows(meeting).values_list("member__full_name", "status")) == [
        ("Lê Thị Hoa", "sent"), ("Đỗ Minh Quân", "sent"),
    ]


def test_a_choice_made_after_the_fan_out_holds_when_the_message_goes(cell, gateway, notice,
                                                                     django_capture_on_commit_callbacks):
    cell_org, (bi, hoa, quan, ha) = cell
    _sms_on(hoa)
    with django_capture_on_commit_callbacks(execute=False):
        ids = dispatches_create(requests=[DispatchRequest(key="notice:2", kind=notice, params={"members": [hoa.pk]})])
    rows = dispatch.dispatches_fan_out(dispatch_ids=ids)
    preferences_update(user=hoa.user, channels={"sms": True}, reminders_only={"sms": True}, language="vi")
    delivery.deliveries_send(delivery_ids=rows)
    assert Delivery.objects.get(key="notice:2", channel="sms").status == "skipped"
    assert gateway.requests == []


def test_a_member_chooses_only_reminders_on_the_settings_page(cell, login):
    cell_org, (bi, hoa, quan, ha) = cell
    client = login(hoa)
    client.post(reverse("notification_settings"), {"language": "vi", "channel_email": "on", "channel_sms": "on",
                                                   "reminders_only_sms": "on"})
    saved = ChannelPreference.objects.get(user=hoa.user, channel="sms")
    assert (saved.enabled, saved.reminders_only) == (True, True)
    page = client.get(reverse("notification_settings"))
    assert page.context["form"]["reminders_only_sms"].value() is True
    assert "Chỉ nhắc lịch họp và thay đổi lịch họp" in page.content.decode()


def test_a_reminder_with_long_names_still_fits_two_segments(tree, gateway, run_jobs):
    tree.a1.name = "Chi bộ Khu dân cư số 12 thuộc Đảng bộ phường Nghĩa Đô mở rộng"
    tree.a1.save(update_fields=["name"])
    hoa = f.member(tree.a1, name="Lê Thị Hoa", username="hoa", phone="0912 345 672")
    _sms_on(hoa)
    meeting_schedule(cell=tree.a1, starts_at=f.at(2), kind=Meeting.Kind.YEAR_END,
                     place="Hội trường Nhà văn hóa tổ dân phố số 7, ngõ 105 đường Hoàng Quốc Việt")
    _remind(run_jobs)
    (text,) = gateway.texts_to("+84912345672")
    assert text.startswith("Nhắc họp: Sinh hoạt tổng kết năm") and "…" in text
    assert sms_length(text).segments == 2
