"""The province demo shows a merge of two communes on 1 July of last year."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from cells.models import Organization
from demo import seeding


def test_the_province_demo_merges_two_communes_on_the_first_of_july_last_year(db, monkeypatch):
    # A small province (the shape of the real one: communes straight under the province).
    monkeypatch.setitem(seeding.SCALES, "province", (False, 3, (3, 3), (20, 25)))
    call_command("seed_demo", "--scale", "province", "--seed", "7", verbosity=0)
    merged = Organization.objects.get(merged_into__isnull=False)
    successor = merged.merged_into
    assert merged.closed_on == dt.date(timezone.localdate().year - 1, 7, 1)
    assert merged.path.startswith(successor.path) and not merged.is_active
    assert not Organization.objects.filter(parent=merged, closed_on__isnull=True).exists()
    assert Organization.objects.filter(kind=Organization.Kind.GRASSROOTS_COMMITTEE, is_active=True).count() == 2
