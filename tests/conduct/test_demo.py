"""The demo seed fills the conduct registers with plausible rows."""

import datetime as dt
import random
from types import SimpleNamespace

from conduct import demo
from conduct.models import BadgePresentation, Commendation, Discipline
from conduct.rules import badge_occasion, badges_due
from tests import factories as f


def test_the_demo_seed_records_commendations_badges_presented_and_leaves_the_next_ones_due(tree):
    today = dt.date(2026, 7, 1)
    records = [f.member(tree.a1, admitted=dt.date(1980 + i % 40, 1 + i % 12, 1 + i % 27)) for i in range(60)]
    members = [SimpleNamespace(id=m.pk, cell_id=tree.a1.pk, status=m.status, admission=m.admission_date)
               for m in records]
    counts = demo.seed(rng=random.Random(3), today=today, cells=[], members=members, scale="commune")
    assert counts["commendations"] == Commendation.objects.count() > 0
    assert counts["disciplines"] == Discipline.objects.count()
    assert counts["badges"] == BadgePresentation.objects.count() > 0
    assert all(b.presented_on <= today for b in BadgePresentation.objects.all())
    assert badges_due(badge_occasion(today))  # the next presentation date still has badges to present
