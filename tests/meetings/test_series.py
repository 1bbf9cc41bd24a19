"""The regular series: generated on the fixed day, idempotent, replaceable; its page and who may use it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule, meeting_update
from meetings.services.series import series_deactivate, series_generate, series_set_up
from tests.meetings.conftest import grow

TZ = timezone.get_current_timezone()


def local(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def regular(cell):
    return Meeting.objects.filter(cell=cell, kind=Meeting.Kind.REGULAR).order_by("starts_at")


def test_setting_up_a_series_schedules_the_next_twelve_months_on_its_day(cast):
    series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30), place="Nhà văn hóa",
                  now=local(2026, 3, 2))
    meetings = list(regular(cast.tree.a1))
    assert [m.scheduled_date for m in meetings] == [dt.date(2026 + (3 + i - 1) // 12, (3 + i - 1) % 12 + 1, 5)
                                                     for i in range(12)]
    first = meetings[0]
    assert timezone.localtime(first.starts_at).time() == dt.time(19, 30)
    assert first.ends_at - first.starts_at == dt.timedelta(minutes=90)
    assert first.place == "Nhà văn hóa" and first.series.is_active


def test_when_this_months_day_has_passed_the_series_starts_next_month(cast):
    series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30), now=local(2026, 3, 6))
    meetings = list(regular(cast.tree.a1))
    assert meetings[0].scheduled_date == dt.date(2026, 4, 5)
    assert meetings[-1].scheduled_date == dt.date(2027, 3, 5) and len(meetings) == 12


def test_generating_again_creates_nothing_more(cast):
    series = series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30), now=local(2026, 3, 2)).series
    assert series_generate(series=series, now=local(2026, 3, 2)) == []
    assert regular(cast.tree.a1).count() == 12


def test_months_that_already_have_a_regular_meeting_are_skipped_even_a_cancelled_one(cast):
    april = meeting_schedule(cell=cast.tree.a1, starts_at=local(2026, 4, 9, 8))
    may = meeting_schedule(cell=cast.tree.a1, starts_at=local(2026, 5, 9, 8))
    meeting_cancel(meeting=may, reason="Bão")
    series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30), now=local(2026, 3, 2))
    periods = [m.period for m in regular(cast.tree.a1)]
    assert periods.count(dt.date(2026, 4, 1)) == 1 and periods.count(dt.date(2026, 5, 1)) == 1
    assert regular(cast.tree.a1).filter(series__isnull=False).count() == 10
    april.refresh_from_db()
    assert april.series_id is None and april.scheduled_date == dt.date(2026, 4, 9)


def test_replacing_the_series_moves_its_planned_meetings_and_calendars_follow(cast):
    now = local(2026, 3, 2)
    old = series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30), now=now).series
    new = series_set_up(cell=cast.tree.a1, day_of_month=10, start_time=dt.time(14, 0), place="Hội trường xã",
                        duration_minutes=120, now=now).series
    old.refresh_from_db()
    assert not old.is_active and new.is_active
    meetings = list(regular(cast.tree.a1))
    assert len(meetings) == 12
    assert {m.scheduled_date.day for m in meetings} == {10}
    assert {timezone.localtime(m.starts_at).time() for m in meetings} == {dt.time(14, 0)}
    assert {m.place for m in meetings} == {"Hội trường xã"}
    assert {m.series_id for m in meetings} == {new.pk}
    assert all(m.sequence == 1 for m in meetings)  # subscribed calendars pick the change up


def test_replacing_the_series_leaves_postponed_meetings_alone(cast):
    old = series_set_up(cell=cast.tree.a1, day_of_month=20, start_time=dt.time(19, 30)).series
    first = regular(cast.tree.a1).first()
    new_time = first.starts_at + dt.timedelta(days=2)
    meeting_postpone(meeting=first, starts_at=new_time, reason="Trùng lịch")
    series_set_up(cell=cast.tree.a1, day_of_month=25, start_time=dt.time(8, 0))
    first.refresh_from_db()
    assert first.status == Meeting.Status.POSTPONED and first.starts_at == new_time and first.series_id == old.pk


@pytest.mark.parametrize("day", [0, 29, 31])
def test_a_day_that_not_every_month_has_is_refused_with_a_clear_message(cast, day):
    with pytest.raises(ValidationError) as error:
        series_set_up(cell=cast.tree.a1, day_of_month=day, start_time=dt.time(19, 30))
    assert "day_of_month" in error.value.message_dict
    assert not MeetingSeries.objects.exists() and not Meeting.objects.exists()


def test_stopping_the_series_keeps_its_meetings_and_generation_is_refused(cast):
    series = series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30)).series
    series_deactivate(series=series)
    assert regular(cast.tree.a1).count() == 12
    with pytest.raises(ValidationError):
        series_generate(series=series)


def test_only_a_cell_holds_a_series(cast):
    with pytest.raises(ValidationError):
        series_set_up(cell=cast.tree.commune_a, day_of_month=5, start_time=dt.time(19, 30))


# --- The page -------------------------------------------------------------------------------

def url(cell):
    return reverse("meeting_series", args=[cell.public_id])


def test_the_page_offers_the_day_set_by_the_province(cast, login):
    page = login(cast.secretary).get(url(cast.tree.a1)).content.decode()
    assert 'name="day_of_month" value="5"' in page
    assert "Theo quy định của cấp ủy cấp trên: ngày 5 hằng tháng" in page


def test_the_secretary_sets_up_the_series_from_the_page(cast, login):
    client = login(cast.secretary)
    response = client.post(url(cast.tree.a1), {"day_of_month": 5, "start_time": "19:30", "duration_minutes": 90,
                                               "place": "Nhà văn hóa thôn Đông"}, follow=True)
    assert "Đã thiết lập lịch thường kỳ" in response.content.decode()
    assert regular(cast.tree.a1).count() == 12
    assert MeetingSeries.objects.get(cell=cast.tree.a1).created_by == cast.secretary.user


def test_bad_input_is_explained_and_what_was_typed_stays(cast, login):
    response = login(cast.secretary).post(url(cast.tree.a1), {
        "day_of_month": 31, "start_time": "19:30", "duration_minutes": 20, "place": "Sân đình làng"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sân đình làng" in page and 'value="31"' in page
    assert "Hãy chọn ngày từ 1 đến 28 để tháng nào cũng có ngày đó." in page
    assert "Buổi sinh hoạt kéo dài tối thiểu 30 phút." in page
    assert not Meeting.objects.exists()


def test_the_secretary_adds_missing_months_and_stops_the_series(cast, login):
    client = login(cast.secretary)
    series = series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30)).series
    regular(cast.tree.a1).last().delete()
    page = client.post(reverse("series_generate", args=[cast.tree.a1.public_id]), follow=True).content.decode()
    assert "Đã thêm 1 buổi sinh hoạt." in page and regular(cast.tree.a1).count() == 12
    page = client.post(reverse("series_stop", args=[cast.tree.a1.public_id]), follow=True).content.decode()
    series.refresh_from_db()
    assert not series.is_active and "Đã ngừng lịch thường kỳ" in page


def test_the_standing_committee_reads_the_series_but_cannot_change_it(cast, login):
    series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30))
    client = login(cast.committee)
    page = client.get(url(cast.tree.a1)).content.decode()
    assert "Ngày 5 hằng tháng, lúc 19:30" in page and 'name="day_of_month"' not in page
    for target in (url(cast.tree.a1), reverse("series_generate", args=[cast.tree.a1.public_id]),
                   reverse("series_stop", args=[cast.tree.a1.public_id])):
        assert client.post(target, {"day_of_month": 9, "start_time": "08:00", "duration_minutes": 90}).status_code == 404
    assert MeetingSeries.objects.get().is_active and MeetingSeries.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_outsiders_and_plain_members_get_404_and_change_nothing(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(url(cast.tree.a1)).status_code == 404
    assert client.post(url(cast.tree.a1), {"day_of_month": 5, "start_time": "19:30",
                                           "duration_minutes": 90}).status_code == 404
    assert client.post(reverse("series_generate", args=[cast.tree.a1.public_id])).status_code == 404
    assert client.post(reverse("series_stop", args=[cast.tree.a1.public_id])).status_code == 404
    assert not MeetingSeries.objects.exists() and not Meeting.objects.exists()


def test_the_page_keeps_a_constant_number_of_queries(cast, login, constant_queries):
    series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30))
    grow(cast.tree.a1, 8)
    client = login(cast.secretary)
    constant_queries(lambda: client.get(url(cast.tree.a1)), lambda: grow(cast.tree.a1, 90), ceiling=14)



def test_the_monthly_task_keeps_every_active_series_twelve_months_ahead(cast):
    import time_machine

    from meetings.tasks import extend_series

    with time_machine.travel(local(2026, 3, 2), tick=False):
        series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30))
    stopped = series_set_up(cell=cast.tree.a2, day_of_month=5, start_time=dt.time(19, 30),
                            now=local(2026, 3, 2)).series
    series_deactivate(series=stopped)
    with time_machine.travel(local(2026, 6, 1), tick=False):
        extend_series()
        extend_series()  # a rerun creates nothing twice
    assert regular(cast.tree.a1).last().scheduled_date == dt.date(2027, 5, 5)  # June 2026 + 11 months
    assert regular(cast.tree.a1).count() == 15
    assert regular(cast.tree.a2).filter(scheduled_date__gt=dt.date(2027, 2, 5)).count() == 0


# --- Changing the series: every meeting accounted for -------------------------------------------

def test_changing_to_a_day_already_past_this_month_moves_every_planned_meeting_none_skipped(cast):
    now = local(2027, 3, 10)
    series_set_up(cell=cast.tree.a1, day_of_month=20, start_time=dt.time(19, 30), now=now)
    change = series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(14, 0), place="Hội trường xã",
                           now=now)
    meetings = list(regular(cast.tree.a1))
    assert {m.series_id for m in meetings} == {change.series.pk}  # this month's meeting was left behind before
    march = meetings[0]
    assert march.scheduled_date == dt.date(2027, 3, 20)  # the 5th has passed: it keeps its date...
    assert timezone.localtime(march.starts_at).time() == dt.time(14, 0) and march.place == "Hội trường xã"
    assert (len(change.moved), len(change.kept_date), len(change.created), change.left) == (11, 1, 1, {})
    assert {m.scheduled_date.day for m in meetings[1:]} == {5}


def test_changing_the_series_says_what_was_left_alone_and_why(cast):
    from meetings.services import series as s

    series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30), now=local(2027, 3, 2))
    meetings = {m.period.month: m for m in regular(cast.tree.a1)}
    meeting_cancel(meeting=meetings[4], reason="Bão")
    meeting_postpone(meeting=meetings[5], starts_at=meetings[5].starts_at + dt.timedelta(days=2), reason="Lũ")
    meeting_update(meeting=meetings[6], place="Nhà ông Hùng")
    change = series_set_up(cell=cast.tree.a1, day_of_month=10, start_time=dt.time(8, 0), now=local(2027, 3, 6))
    left = {reason: [m.period.month for m in found] for reason, found in change.left.items()}
    assert left == {s.LEFT_PAST: [3], s.LEFT_CANCELLED: [4], s.LEFT_POSTPONED: [5], s.LEFT_BY_HAND: [6]}
    assert [m.period.month for m in change.moved] == [7, 8, 9, 10, 11, 12, 1, 2]
    assert change.created == [] and len(change.moved) + change.left_count == regular(cast.tree.a1).count()
    meetings[6].refresh_from_db()
    assert meetings[6].place == "Nhà ông Hùng"


def test_the_page_reports_the_change_unlike_the_first_set_up(cast):
    from django.utils import translation

    from meetings.views.series import series_change_messages

    first = series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30), now=local(2027, 3, 2))
    meeting_cancel(meeting=regular(cast.tree.a1).last(), reason="Bão")
    change = series_set_up(cell=cast.tree.a1, day_of_month=10, start_time=dt.time(8, 0), now=local(2027, 3, 2))
    with translation.override("en"):
        assert series_change_messages(first, replaced=False)[0] == (
            "The regular series is set up: 12 meetings are on the calendar.")
        said = " ".join(series_change_messages(change, replaced=True))
    assert "11 meetings moved to the new day, time and place; 0 meetings added." in said
    assert "Left as they were: cancelled: 1." in said


def test_the_secretary_changing_the_series_sees_the_counts_on_the_page(cast, login, settings):
    import time_machine
    from django.contrib.messages import get_messages

    form = {"day_of_month": 5, "start_time": "19:30", "duration_minutes": 90, "place": "Nhà văn hóa"}
    with time_machine.travel(local(2027, 3, 2), tick=False):
        client = login(cast.secretary)  # signed in on that day, so the session is fresh
        client.post(url(cast.tree.a1), form, follow=True)
        response = client.post(url(cast.tree.a1), {**form, "day_of_month": 6})
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    # In the secretary's language (Vietnamese).
    assert message.startswith("Đã thay đổi lịch thường kỳ: 12 buổi sinh hoạt được chuyển sang ngày, giờ và địa "
                              "điểm mới; thêm 0 buổi.")
