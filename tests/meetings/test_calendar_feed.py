"""The iCalendar feed: a secret, resettable address; the member's cells' meetings; updates on change."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import CalendarFeed, Meeting
from meetings.services.calendar import calendar_feed_get_or_create, calendar_feed_reset
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule
from members.models import CellMembership, MemberStatus
from members.services import member_change_status
from tests import factories as f


def feed_url(member):
    return reverse("calendar_feed", args=[calendar_feed_get_or_create(member=member).token])


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(event["UID"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def uid(meeting):
    return f"{meeting.public_id}@localhost"


def test_the_feed_needs_no_sign_in_and_describes_each_meeting(cast, client):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5), agenda="Kiểm điểm quý IV")
    calendar = Calendar.from_ical(client.get(feed_url(cast.member)).content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == uid(meeting)
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert event.decoded("DTSTART") == meeting.starts_at and event.decoded("DTEND") == meeting.ends_at
    assert str(event["SUMMARY"]) == "Sinh hoạt thường kỳ — Chi bộ thôn Đông"
    assert str(event["LOCATION"]) == "Nhà văn hóa thôn Đông"
    assert "Kiểm điểm quý IV" in str(event["DESCRIPTION"])
    assert f"http://localhost:8000/meetings/{meeting.public_id}/" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://localhost:8000/meetings/{meeting.public_id}/"
    assert str(event["STATUS"]) == "CONFIRMED" and event["SEQUENCE"] == 0
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [-dt.timedelta(days=1), -dt.timedelta(hours=2)]


def test_a_postponement_keeps_the_uid_raises_the_sequence_and_moves_the_time(cast, client):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    url = feed_url(cast.member)
    before = events(client.get(url))[uid(meeting)]
    meeting_postpone(meeting=meeting, starts_at=f.at(9, hour=8), reason="Trùng lịch bầu cử")
    after = events(client.get(url))[uid(meeting)]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == f.at(9, hour=8)
    assert "Trùng lịch bầu cử" in str(after["DESCRIPTION"])


def test_a_cancelled_meeting_is_sent_as_cancelled_without_alarms(cast, client):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    meeting_cancel(meeting=meeting, reason="Bão số 5")
    event = events(client.get(feed_url(cast.member)))[uid(meeting)]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    assert not event.walk("VALARM")


def test_only_the_members_cells_and_a_window_from_twelve_months_ago(cast, client):
    mine = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    recent = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-300), kind="thematic", title="Chuyên đề")
    old = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-380), kind="extraordinary")
    other = meeting_schedule(cell=cast.tree.a2, starts_at=f.at(5))
    found = events(client.get(feed_url(cast.member)))
    assert uid(mine) in found and uid(recent) in found
    assert uid(old) not in found and uid(other) not in found


def test_the_window_is_a_setting(cast, client, settings):
    settings.HANDBOOK_FEED_PAST_MONTHS = 2
    recent = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-50))
    old = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-70), kind="extraordinary")
    assert set(events(client.get(feed_url(cast.member)))) == {uid(recent)}
    assert uid(old) not in events(client.get(feed_url(cast.member)))


def test_a_member_on_temporary_transfer_gets_both_cells(cast, client):
    member_change_status(member=cast.member, status=MemberStatus.TEMPORARY_TRANSFER,
                         effective_date=timezone.localdate() - dt.timedelta(days=5), temporary_cell=cast.tree.a2)
    home = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    there = meeting_schedule(cell=cast.tree.a2, starts_at=f.at(6))
    found = events(client.get(feed_url(cast.member)))
    assert {uid(home), uid(there)} <= set(found)


def test_the_feed_speaks_the_members_language(cast, client):
    cast.member.user.language = "en"
    cast.member.user.save()
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    event = next(iter(events(client.get(feed_url(cast.member))).values()))
    assert str(event["SUMMARY"]).startswith("Regular meeting — ")


def test_a_reset_makes_the_old_address_answer_404(cast, client):
    old = feed_url(cast.member)
    calendar_feed_reset(member=cast.member)
    assert client.get(old).status_code == 404
    assert client.get(feed_url(cast.member)).status_code == 200


@pytest.mark.parametrize("token", ["", "x", "0" * 16, "0" * 60])
def test_wrong_addresses_answer_404(cast, client, token):
    real = calendar_feed_get_or_create(member=cast.member)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{real.lookup}{'A' * len(real.secret)}.ics").status_code == 404


def test_a_deactivated_account_loses_its_feed(cast, client):
    url = feed_url(cast.member)
    cast.member.user.is_active = False
    cast.member.user.save()
    assert client.get(url).status_code == 404


def test_the_feed_keeps_a_constant_number_of_queries(cast, client, django_assert_max_num_queries):
    url = feed_url(cast.member)
    for day in range(1, 6):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(day), kind="extraordinary")
    with django_assert_max_num_queries(3):
        assert len(events(client.get(url))) == 5
    for day in range(6, 51):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(day), kind="extraordinary")
    with django_assert_max_num_queries(3):
        assert len(events(client.get(url))) == 50


# --- Conditional requests: phones poll every few minutes ---------------------------------

def test_a_phone_that_holds_the_feed_gets_304_from_two_queries(cast, client, django_assert_max_num_queries):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    url = feed_url(cast.member)
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert first["Cache-Control"] == "private, no-cache"
    with django_assert_max_num_queries(2):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_postponement_changes_the_etag_and_the_phone_gets_the_new_feed(cast, client):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    url = feed_url(cast.member)
    etag = client.get(url)["ETag"]
    meeting_postpone(meeting=meeting, starts_at=f.at(9, hour=8), reason="Trùng lịch")
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response["ETag"] != etag
    assert events(response)[uid(meeting)].decoded("DTSTART") == f.at(9, hour=8)


@pytest.mark.parametrize("change", ["new meeting", "place", "language", "left the cell"])
def test_whatever_the_feed_shows_changes_its_etag(cast, client, change):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    url = feed_url(cast.member)
    etag = client.get(url)["ETag"]
    if change == "new meeting":
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(6), kind="extraordinary")
    elif change == "place":
        Meeting.objects.filter(pk=meeting.pk).update(place="Hội trường xã")  # even a bulk update
    elif change == "language":
        cast.member.user.language = "en"
        cast.member.user.save()
    else:
        CellMembership.objects.filter(member=cast.member, cell=cast.tree.a1).update(
            end_date=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_meeting_that_starts_drops_its_alarms_and_changes_the_etag(cast, client):
    from meetings.selectors import feed_fingerprint
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    before = feed_fingerprint(cast.member, now=meeting.starts_at - dt.timedelta(minutes=1))
    after = feed_fingerprint(cast.member, now=meeting.starts_at + dt.timedelta(minutes=1))
    assert before != after


def test_a_built_feed_is_served_from_the_cache_until_it_changes(cast, client, django_assert_max_num_queries):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    url = feed_url(cast.member)
    body = client.get(url).content
    with django_assert_max_num_queries(2):
        assert client.get(url).content == body


def test_the_feed_is_served_when_the_cache_is_down(cast, client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")
    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(5))
    assert uid(meeting) in events(client.get(feed_url(cast.member)))


# --- One meeting, and the settings page ---------------------------------------------------

def test_a_member_downloads_one_meeting_for_the_calendar(meeting, cast, login):
    response = login(cast.member).get(reverse("meeting_ics", args=[meeting.public_id]))
    assert response["Content-Disposition"].startswith('attachment; filename="sinh-hoat-')
    assert list(events(response)) == [uid(meeting)]


def test_outsiders_cannot_download_a_meeting(meeting, cast, login, client):
    assert login(cast.outsider).get(reverse("meeting_ics", args=[meeting.public_id])).status_code == 404


def test_the_settings_page_creates_the_address_once_and_offers_subscription(cast, login):
    client = login(cast.member)
    first = client.get(reverse("calendar_settings")).content.decode()
    second = client.get(reverse("calendar_settings")).content.decode()
    feed = CalendarFeed.objects.get(member=cast.member)
    assert f"http://localhost:8000/calendar/{feed.token}.ics" in first
    assert f"webcal://localhost:8000/calendar/{feed.token}.ics" in first
    assert feed.token in second and CalendarFeed.objects.count() == 1


def test_the_member_resets_the_address_from_the_page(cast, login):
    client = login(cast.member)
    client.get(reverse("calendar_settings"))
    old = CalendarFeed.objects.get().token
    page = client.post(reverse("calendar_settings"), follow=True).content.decode()
    new = CalendarFeed.objects.get().token
    assert new != old and new in page and "Đã tạo địa chỉ lịch mới" in page
    assert client.get(f"/calendar/{old}.ics").status_code == 404


def test_an_account_without_a_member_record_is_told_so(cast, login):
    page = login(cast.admin).get(reverse("calendar_settings")).content.decode()
    assert "tài khoản này chưa gắn với hồ sơ đảng viên" in page
    assert login(cast.admin).post(reverse("calendar_settings")).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_settings_page_needs_a_sign_in(db, client):
    assert client.get(reverse("calendar_settings")).status_code == 302
