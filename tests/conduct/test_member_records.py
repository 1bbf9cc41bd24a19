"""The member page's section (conduct/_member_records.html through {% member_conduct %}):
badges presented, commendations, and discipline only for those who may read it."""

import datetime as dt

import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from conduct.services import badge_present
from tests import factories as f
from tests.conduct.conftest import commend, discipline


def _section(viewer, member) -> str:
    request = RequestFactory().get("/")
    request.user = viewer.user
    return Template("{% load conduct %}{% member_conduct member %}").render(Context({"request": request,
                                                                                     "member": member}))


def test_the_section_shows_the_badge_the_commendation_and_the_discipline_to_the_secretary(cast, neighbour):
    veteran = f.member(cast.tree.a1, name="Hoàng Văn Lão", admitted=dt.date(1981, 7, 1))
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 9, 2, 9)), tick=False):
        badge_present(member=veteran, years=45, presented_on=dt.date(2026, 9, 2), decision_number="120-QĐ/TU",
                      presented_by="Đảng ủy xã")
    commend(veteran, decision_number="15-QĐ/ĐU")
    record = discipline(veteran, decision_number="3-QĐ/CB")
    page = _section(cast.secretary, veteran)
    assert "120-QĐ/TU" in page and "15-QĐ/ĐU" in page and str(record.public_id) in page
    neighbour_view = _section(neighbour, veteran)
    assert "15-QĐ/ĐU" in neighbour_view and str(record.public_id) not in neighbour_view


def test_the_section_costs_three_queries(cast, django_assert_num_queries):
    commend(cast.member)
    discipline(cast.member)
    _section(cast.secretary, cast.member)  # the viewer's scope is cached on the user
    with django_assert_num_queries(3):
        _section(cast.secretary, cast.member)
