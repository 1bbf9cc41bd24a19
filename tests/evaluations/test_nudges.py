"""Late and missing evaluations are nudged through the notification ledger, once each."""

import datetime as dt

import pytest
from django.utils import timezone

from evaluations import reminders, services
from evaluations.tasks import scan_nudges
from notifications.models import Dispatch, Notification
from tests.evaluations.conftest import evaluation_of, points_for


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def due_soon(cast):
    today = timezone.localdate()
    return services.round_open(organization=cast.tree.commune_a, year=today.year,
                               deadline=today + dt.timedelta(days=5))


def test_members_not_yet_self_assessed_are_told_as_the_deadline_nears(cast, due_soon):
    services.member_self_assess(evaluation=evaluation_of(cast.secretary, due_soon.year),
                                points=points_for(due_soon, 80), text="")
    keys = {r.key for r in reminders.self_assessment_nudges_due(_at(timezone.localdate()))}
    assert f"member-evaluation:{evaluation_of(cast.member, due_soon.year).pk}:self-assessment" in keys
    assert f"member-evaluation:{evaluation_of(cast.secretary, due_soon.year).pk}:self-assessment" not in keys
    assert not reminders.self_assessment_nudges_due(_at(timezone.localdate() - dt.timedelta(days=10)))


def test_cells_with_undecided_evaluations_are_told_once_after_the_deadline(cast, due_soon):
    late_day = due_soon.deadline + dt.timedelta(days=2)
    requests = reminders.late_nudges_due(_at(late_day))
    assert {r.params["cell_id"] for r in requests} == {cast.tree.a1.pk, cast.tree.a2.pk}
    assert not reminders.late_nudges_due(_at(due_soon.deadline + dt.timedelta(days=30)))


def test_the_scan_sends_each_nudge_once_through_the_ledger(cast, due_soon, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            scan_nudges()
    evaluation = evaluation_of(cast.member, due_soon.year)
    assert Dispatch.objects.filter(key=f"member-evaluation:{evaluation.pk}:self-assessment").count() == 1
    assert Notification.objects.filter(user=cast.member.user, kind=reminders.SELF_ASSESSMENT).count() == 1
