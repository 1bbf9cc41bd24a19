"""A change of date, time or place of an announced meeting is told once, with the final values;
an advance excuse for the old time needs the member's confirmation."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import reminders, rules
from meetings.models import AbsenceExcuse, Meeting
from meetings.roll_call_selectors import roll_call_sheet
from meetings.services.calendar import calendar_feed_get_or_create
from meetings.services.excuses import excuse_submit
from meetings.services.schedule import meeting_postpone, meeting_update
from meetings.tasks import scan_reminders
from notifications import kinds
from notifications.models import Delivery, Dispatch
from notifications.rendering import render_message
from notifications.services.dispatch import dispatches_fan_out


def _edit_place(client, meeting, place):
    local = timezone.localtime(meeting.starts_at)
    return client.post(reverse("meeting_edit", args=[meeting.public_id]), {
        "title": meeting.title, "date": local.date().isoformat(), "start_time": local.strftime("%H:%M"),
        "end_time": timezone.localtime(meeting.ends_at).strftime("%H:%M"), "place": place, "agenda": meeting.agenda,
    })


def _scan(moment):
    with time_machine.travel(moment, tick=False):
        scan_reminders()


def _changed():
    return list(Dispatch.objects.filter(kind=reminders.CHANGED))


def test_two_edits_within_minutes_send_one_notice_with_the_final_place_to_every_summoned_member(
        meeting, cast, login, client):
    client = login(cast.secretary)
    first_place, announced_place = "Hội trường xã", meeting.place
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert _edit_place(client, meeting, first_place).status_code == 302
    with time_machine.travel(now + dt.timedelta(minutes=2), tick=False):
        assert _edit_place(client, meeting, "Sân đình làng").status_code == 302
    meeting.refresh_from_db()
    assert meeting.announced["place"] == announced_place  # what members were last told
    _scan(now + dt.timedelta(minutes=6))  # five minutes after the first edit, not after the last
    assert _changed() == []
    _scan(now + dt.timedelta(minutes=8))
    _scan(now + dt.timedelta(minutes=9))  # a second scan sends nothing more
    (notice,) = _changed()
    assert notice.key == f"meeting:{meeting.pk}:changed:{meeting.sequence}"
    assert notice.params["now"]["place"] == "Sân đình làng" and notice.params["was"]["place"] == announced_place
    meeting.refresh_from_db()
    assert meeting.change_notice_due_at is None and meeting.announced is None

    dispatches_fan_out(dispatch_ids=[notice.pk])
    told = set(Delivery.objects.filter(dispatch=notice).values_list("member_id", flat=True))
    assert told == set(rules.summoned_members(meeting).values_list("pk", flat=True))
    context = kinds.get(reminders.CHANGED).context(notice.params)
    text = render_message("meetings/email/changed", {**context, "channel": "email", "recipient_name": "A"},
                          language="vi").text
    assert "Sân đình làng" in text and announced_place in text and first_place not in text

    # The calendar feed moved too: two changes, SEQUENCE 2.
    feed = client.get(reverse("calendar_feed", args=[calendar_feed_get_or_create(member=cast.member).token]))
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert event["SEQUENCE"] == 2 and str(event["LOCATION"]) == "Sân đình làng"


def test_changing_back_to_what_was_announced_sends_no_notice(meeting):
    announced = meeting.place
    meeting_update(meeting=meeting, place="Hội trường xã")
    meeting_update(meeting=meeting, place=announced)
    _scan(timezone.now() + dt.timedelta(minutes=10))
    assert _changed() == []
    meeting.refresh_from_db()
    assert meeting.change_notice_due_at is None and meeting.announced is None


def test_a_change_of_time_is_told_and_a_postponement_is_told_at_once_instead(meeting):
    meeting_update(meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(hours=1),
                   ends_at=meeting.ends_at + dt.timedelta(hours=1))
    meeting_postpone(meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(days=2), reason="Bão")
    _scan(timezone.now() + dt.timedelta(minutes=10))
    assert _changed() == []  # the postponement notice carries the final values
    assert Dispatch.objects.filter(kind=reminders.POSTPONED).count() == 1


def test_a_scan_that_read_before_a_new_edit_does_not_claim_it_and_the_next_scan_tells_the_last_values(meeting):
    meeting_update(meeting=meeting, place="Hội trường xã")
    read_by_scan = Meeting.objects.get(pk=meeting.pk)
    meeting_update(meeting=meeting, place="Sân đình làng")  # lands between the scan's read and its claim
    assert not reminders.claim_change(read_by_scan)
    assert reminders.claim_change(Meeting.objects.get(pk=meeting.pk))
    assert not reminders.claim_change(Meeting.objects.get(pk=meeting.pk))  # a second worker gets nothing


def test_an_excuse_for_the_old_time_needs_confirming_and_is_not_prefilled_on_the_roll_call(meeting, cast, login):
    excuse_submit(meeting=meeting, member=cast.member, reason="Đi công tác")
    meeting_update(meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(days=1),
                   ends_at=meeting.ends_at + dt.timedelta(days=1))
    excuse = AbsenceExcuse.objects.get(meeting=meeting, member=cast.member)
    assert rules.excuse_needs_confirmation(excuse, meeting) and not rules.excuse_stands(excuse, meeting)

    client = login(cast.member)
    for page in (reverse("meeting_detail", args=[meeting.public_id]), reverse("home")):
        response = client.get(page)
        assert response.context.get("excuse_to_confirm") or response.context.get("next_excuse_to_confirm")
        assert 'type="hidden" name="reason" value="Đi công tác"' in response.content.decode()

    (row,) = [row for row in roll_call_sheet(meeting).summoned if row.member.pk == cast.member.pk]
    assert row.status == "" and row.excuse_needs_confirmation  # not taken as excused for the new time

    client.post(reverse("meeting_excuse", args=[meeting.public_id]), {"reason": "Đi công tác"})
    excuse.refresh_from_db()
    meeting.refresh_from_db()
    assert rules.excuse_stands(excuse, meeting)


def test_a_change_of_place_only_keeps_the_excuse(meeting, cast):
    excuse = excuse_submit(meeting=meeting, member=cast.member, reason="Đi công tác")
    meeting_update(meeting=meeting, place="Hội trường xã")
    excuse.refresh_from_db()
    assert rules.excuse_stands(excuse, meeting)


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_outsiders_and_plain_members_cannot_change_a_meeting(meeting, cast, login, who):
    response = _edit_place(login(getattr(cast, who)), meeting, "Nơi khác")
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.place != "Nơi khác" and meeting.change_notice_due_at is None and meeting.sequence == 0
