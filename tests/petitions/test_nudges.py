"""Overdue petitions nudge the holding committee through the ledger, once per petition and day."""

import datetime as dt
import random
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from notifications import kinds
from notifications.models import Dispatch
from notifications.services.dispatch import dispatches_create
from petitions import demo, nudges, rules
from petitions.models import Petition, PetitionStep
from petitions.services import petition_forward, petition_resolve

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _late(petition, days=3):
    Petition.objects.filter(pk=petition.pk).update(raised_on=petition.raised_on - dt.timedelta(days=40),
                                                   due_on=petition.raised_on - dt.timedelta(days=days))


def _now(petition, hour=9):
    return dt.datetime.combine(petition.raised_on, dt.time(hour), tzinfo=TZ)


def test_an_overdue_petition_is_nudged_once_a_day_to_its_holder_committee(cast, petition):
    _late(petition)
    now = _now(petition)
    requests = nudges.overdue_nudges_due(now)
    assert [r.key for r in requests] == [f"petition:{petition.pk}:overdue@{now:%Y%m%d}"]
    assert dispatches_create(requests=requests, now=now)
    assert dispatches_create(requests=nudges.overdue_nudges_due(now + dt.timedelta(hours=3)), now=now) == []
    assert Dispatch.objects.filter(kind=nudges.OVERDUE).count() == 1
    kind = kinds.get(nudges.OVERDUE)
    assert list(kind.recipients(requests[0].params)) == [cast.committee]
    context = kind.context(requests[0].params)
    assert context["petition"] == petition and context["link"].endswith(f"/petitions/{petition.public_id}/")


def test_nothing_is_nudged_before_the_nudge_hour_or_for_a_petition_on_time(cast, petition):
    assert nudges.overdue_nudges_due(_now(petition)) == []  # due in 30 days
    _late(petition)
    assert nudges.overdue_nudges_due(_now(petition, hour=6)) == []


def test_a_forwarded_petition_nudges_the_level_it_reached_and_a_resolved_one_nobody(cast, petition):
    petition_forward(petition=petition, actor=cast.committee.user)
    _late(petition)
    request = nudges.overdue_nudges_due(_now(petition))[0]
    assert list(kinds.get(nudges.OVERDUE).recipients(request.params)) == [cast.orgcom]
    petition_resolve(petition=petition, actor=cast.orgcom.user, text="Xong")
    assert kinds.get(nudges.OVERDUE).context(request.params) is None


def test_the_demo_seed_raises_petitions_in_every_state(cast, categories):
    cells = [SimpleNamespace(id=cell.pk, commune_id=cast.tree.commune_a.pk) for cell in (cast.tree.a1, cast.tree.a2)]
    cells += [SimpleNamespace(id=cast.tree.b1.pk, commune_id=cast.tree.commune_b.pk)]
    today = dt.date(2026, 12, 5)
    counts = demo.seed(rng=random.Random(4), today=today, cells=cells * 10, members=[], scale="commune")
    assert counts["petitions"] == Petition.objects.count() > 10
    assert counts["steps"] == PetitionStep.objects.count()
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert {"resolved", "forwarded", "open"} <= statuses
    assert Petition.objects.filter(holder=cast.tree.province).exists()
    assert any(rules.is_overdue(p, today) for p in Petition.objects.all())
    assert all(s.at.date() <= today for s in PetitionStep.objects.all())
    assert all(p.resolved_on is None or p.resolved_on < today for p in Petition.objects.all())


def test_each_step_is_told_to_the_other_side_once(cast, petition, django_capture_on_commit_callbacks):
    from notifications.rendering import render_message

    kind = kinds.get(nudges.STEP)
    raised = Dispatch.objects.get(kind=nudges.STEP)
    assert raised.key.endswith(":holder") and list(kind.recipients(raised.params)) == [cast.committee]
    petition_forward(petition=petition, actor=cast.committee.user, text="Vượt thẩm quyền")
    told = {d.params["audience"]: d for d in Dispatch.objects.filter(kind=nudges.STEP).order_by("pk")[1:]}
    assert list(kind.recipients(told["sender"].params)) == [cast.secretary]
    assert list(kind.recipients(told["holder"].params)) == [cast.orgcom]
    context = {**kind.context(told["sender"].params), "channel": "email", "recipient_name": "Bí",
               "settings_url": "http://x/settings/"}
    for language, words in (("vi", "Đảng bộ xã An Phú đã chuyển kiến nghị"), ("en", "Đảng bộ xã An Phú forwarded")):
        message = render_message("petitions/email/step", context, language=language)
        assert words in message.text and "Vượt thẩm quyền" in message.html, message.text
    overdue = render_message("petitions/email/overdue", {**context, "days_late": 2}, language="vi")
    assert petition.title in overdue.subject
