"""Party badges: who reaches 30, 40, 45… years at the next presentation date, the committee's
list, the record of a badge presented, and the nudge 60 days ahead."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conduct.models import BadgePresentation
from conduct.rules import Occasion, badge_notice_occasion, badge_occasion, badge_reached, badges_due
from conduct.services import badge_present
from meetings import reminders
from tests import factories as f


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.mark.parametrize(("day", "previous", "upcoming"), [
    (dt.date(2031, 1, 1), dt.date(2030, 11, 7), dt.date(2031, 2, 3)),
    (dt.date(2031, 2, 3), dt.date(2030, 11, 7), dt.date(2031, 2, 3)),  # the day itself
    (dt.date(2031, 2, 4), dt.date(2031, 2, 3), dt.date(2031, 5, 19)),
    (dt.date(2031, 11, 8), dt.date(2031, 11, 7), dt.date(2032, 2, 3)),
])
def test_the_next_presentation_date_is_3_feb_19_may_2_sep_or_7_nov(day, previous, upcoming):
    assert badge_occasion(day) == Occasion(previous, upcoming)


@pytest.mark.parametrize(("admitted", "occasion", "years"), [
    (dt.date(2001, 5, 10), dt.date(2031, 5, 19), 30),  # 30 years on 10 May: presented on 19 May
    (dt.date(1986, 5, 20), dt.date(2031, 9, 2), 45),  # just after 19 May: on 2 September
    (dt.date(1976, 11, 7), dt.date(2031, 11, 7), 55),  # on the day itself
    (dt.date(1971, 2, 1), dt.date(2031, 2, 3), 60),
    (dt.date(1996, 5, 10), dt.date(2031, 5, 19), None),  # 35 years is no milestone
    (dt.date(1941, 3, 1), dt.date(2031, 5, 19), 90),
])
def test_the_badge_reached_at_a_presentation_date(admitted, occasion, years):
    assert badge_reached(admitted, badge_occasion(occasion)) == years


def test_the_notice_before_a_presentation_date_comes_from_the_settings(settings):
    settings.HANDBOOK_RULES = {**settings.HANDBOOK_RULES, "badge_notice_days": 60}
    occasion = dt.date(2031, 9, 2)
    assert badge_notice_occasion(occasion - dt.timedelta(days=61)) is None
    assert badge_notice_occasion(occasion - dt.timedelta(days=60)) == badge_occasion(occasion)


@pytest.fixture
def veterans(cast):
    return (f.member(cast.tree.a1, name="Hoàng Văn Lão", admitted=dt.date(1981, 7, 1)),  # 45 years on 1/7/2026
            f.member(cast.tree.b1, name="Vũ Thị Xa", admitted=dt.date(1996, 8, 1)))  # 30 years, other commune


def test_the_committee_sees_its_subtree_due_list_and_a_badge_presented_drops_off(cast, veterans, login):
    lao, xa = veterans
    occasion = badge_occasion(dt.date(2026, 9, 2))
    assert {(d.member_id, d.years) for d in badges_due(occasion)} == {(lao.pk, 45), (xa.pk, 30)}
    url = reverse("badges_committee", args=[cast.tree.commune_a.public_id]) + "?occasion=2026-09-02"
    page = login(cast.committee).get(url).content.decode()
    assert "Hoàng Văn Lão" in page and "Vũ Thị Xa" not in page
    record_url = reverse("badge_record", args=[lao.public_id, 45])
    assert record_url in page

    with time_machine.travel(_at(dt.date(2026, 9, 2)), tick=False):
        response = login(cast.committee).post(record_url + "?next=" + url, {
            "presented_on": "2026-09-02", "decision_number": "120-QĐ/TU", "presented_by": "Đảng ủy xã An Phú"})
        assert response.status_code == 302 and response["Location"] == url
        page = login(cast.committee).get(url).content.decode()
    badge = BadgePresentation.objects.get()
    assert (badge.member, badge.years, badge.recorded_by) == (lao, 45, cast.committee.user)
    assert {(d.member_id, d.years) for d in badges_due(occasion)} == {(xa.pk, 30)}
    assert "120-QĐ/TU" in page  # in the "presented" section, no longer to present


def test_a_badge_cannot_be_recorded_before_the_anniversary_or_twice(cast, veterans):
    lao, _ = veterans
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        badge_present(member=lao, years=50, presented_on=dt.date(2026, 2, 3), decision_number="1", presented_by="X")
    with pytest.raises(ValidationError):
        badge_present(member=lao, years=35, presented_on=dt.date(2026, 2, 3), decision_number="1", presented_by="X")
    with time_machine.travel(_at(dt.date(2026, 9, 2)), tick=False):
        badge_present(member=lao, years=45, presented_on=dt.date(2026, 9, 2), decision_number="1", presented_by="X")
        with pytest.raises(ValidationError):
            badge_present(member=lao, years=45, presented_on=dt.date(2026, 9, 2), decision_number="2",
                          presented_by="X")


def test_outsiders_cannot_see_the_list_or_record_a_badge(cast, veterans, login, neighbour):
    lao, _ = veterans
    for who in (cast.outsider, neighbour):
        client = login(who)
        assert client.get(reverse("badges_committee", args=[cast.tree.commune_a.public_id])).status_code == 404
        assert client.get(reverse("badge_record", args=[lao.public_id, 45])).status_code == 404
    # The secretary keeps the list of the own cell.
    assert login(cast.secretary).get(reverse("badges_committee", args=[cast.tree.a1.public_id])).status_code == 200


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_badge_list_exports(cast, veterans, login, fmt):
    url = reverse("badges_export", args=[cast.tree.province.public_id])
    response = login(cast.orgcom).get(url, {"occasion": "2026-09-02", "format": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "Hoàng Văn Lão" in text and "Vũ Thị Xa" in text and "01/07/2026" in text


def test_the_badge_list_costs_the_same_queries_for_more_members(cast, login, django_assert_max_num_queries):
    url = reverse("badges_committee", args=[cast.tree.province.public_id]) + "?occasion=2026-09-02"
    client = login(cast.orgcom)
    f.member(cast.tree.a1, admitted=dt.date(1981, 7, 1))
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).content.decode().count("/conduct/badges/") == 1
    for cell in (cast.tree.a1, cast.tree.a2, cast.tree.b1) * 4:
        f.member(cell, admitted=dt.date(1996, 8, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).content.decode().count("/conduct/badges/") == 13


# --- The nudge ------------------------------------------------------------------------------------

def _badge_nudges(moment: dt.datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        found = reminders.nudges_due(timezone.now())
    return sorted(r.key for r in found if r.kind == reminders.NUDGE_BADGE)


def test_the_nudge_comes_60_days_ahead_and_stops_once_the_badge_is_presented(cast, veterans, settings):
    settings.HANDBOOK_RULES = {**settings.HANDBOOK_RULES, "badge_notice_days": 60}
    lao, xa = veterans
    occasion = dt.date(2026, 9, 2)
    keys = [f"member:{lao.pk}:badge:45", f"member:{xa.pk}:badge:30"]
    assert _badge_nudges(_at(occasion - dt.timedelta(days=61))) == []
    assert _badge_nudges(_at(occasion - dt.timedelta(days=60))) == sorted(keys)
    with time_machine.travel(_at(occasion), tick=False):
        badge_present(member=lao, years=45, presented_on=occasion, decision_number="5", presented_by="Đảng ủy")
    assert _badge_nudges(_at(occasion - dt.timedelta(days=10))) == [keys[1]]
    # A nudge queued before the presentation says nothing once it is recorded.
    context = reminders._badge_context({"member_id": lao.pk, "years": 45, "presented": "2026-09-02"})
    assert context is None
    assert reminders._badge_context({"member_id": xa.pk, "years": 30, "presented": "2026-09-02"})["years"] == 30
