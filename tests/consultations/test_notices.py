"""The members hear of a draft once, through the ledger; the organisations that have not sent
their summary are nudged before the closing date, once per stage."""

import datetime as dt

import time_machine
from django.utils import timezone

from consultations import notices
from consultations.models import Consultation
from notifications.models import Dispatch, Notification
from notifications.services.dispatch import dispatches_create
from tests.consultations.conftest import send


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _nudge_keys(moment: dt.datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return sorted(r.key for r in notices.nudges_due(timezone.now()))


def test_publishing_tells_every_member_of_the_cells_under_it_in_one_dispatch(cast, people, draft):
    dispatch = Dispatch.objects.get(kind=notices.PUBLISHED)
    assert dispatch.key == f"consultation:{draft.pk}:published"
    told = set(Notification.objects.filter(kind=notices.PUBLISHED).values_list("user__username", flat=True))
    assert {"member", "secretary", "committee", "orgcom", "a2member", "neighbour"} <= told
    assert "outsider" not in told
    assert draft.title in Notification.objects.filter(kind=notices.PUBLISHED).first().subject


def test_publishing_again_the_same_notice_records_nothing(draft):
    assert dispatches_create(requests=notices.published_due(draft.pk)) == []


def test_organisations_not_sent_are_nudged_three_days_and_one_day_before_closing(cast, draft):
    Consultation.objects.filter(pk=draft.pk).update(closing_on=dt.date(2031, 5, 20))
    send(draft, cast.tree.a1)
    a2 = f"consultation:{draft.pk}:nudge:{cast.tree.a2.pk}"
    assert _nudge_keys(_at(dt.date(2031, 5, 16))) == []
    assert _nudge_keys(_at(dt.date(2031, 5, 17), 7)) == []  # before the nudge hour
    assert _nudge_keys(_at(dt.date(2031, 5, 17))) == [f"{a2}:3"]
    assert _nudge_keys(_at(dt.date(2031, 5, 18))) == [f"{a2}:3"]  # the same key: sent once
    assert _nudge_keys(_at(dt.date(2031, 5, 19))) == [f"{a2}:1"]
    assert _nudge_keys(_at(dt.date(2031, 5, 21))) == []  # closed


def test_a_nudge_reaches_the_cells_secretary_and_is_dropped_once_the_summary_is_sent(cast, draft):
    closing_on = timezone.localdate() + dt.timedelta(days=1)
    Consultation.objects.filter(pk=draft.pk).update(closing_on=closing_on)
    assert sorted(notices.summary_writers(cast.tree.a1).values_list("user__username", flat=True)) == ["secretary"]
    assert list(notices.summary_writers(cast.tree.commune_a).values_list("user__username", flat=True)) == ["committee"]
    context = notices._nudge_context({"consultation_id": draft.pk, "organization_id": cast.tree.a1.pk})
    assert context["organization"] == cast.tree.a1
    send(draft, cast.tree.a1)
    assert notices._nudge_context({"consultation_id": draft.pk, "organization_id": cast.tree.a1.pk}) is None
