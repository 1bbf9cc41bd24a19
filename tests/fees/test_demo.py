"""The demo seed fills the fee ledgers with plausible rows: most pay, a few late, one or two at risk."""

from django.db.models import F

from demo.seeding import Seeder
from fees.models import FeeMonth, FeeSheet, Remittance
from rollups import services as rollups
from rollups.models import MemberYear


def test_the_seed_gives_every_cell_a_ledger_where_most_pay_and_one_or_two_are_at_risk(db):
    seeder = Seeder(scale="commune", seed=7, password="pw-12345-test", log=lambda *a: None)
    seeder.run()  # seeds the registers too (fees.demo.seed)
    months = FeeMonth.objects.count()
    assert months > 0
    short = FeeMonth.objects.filter(amount_paid__lt=F("amount_due")).count()
    assert 0 < short < months * 0.1
    assert FeeSheet.objects.count() and Remittance.objects.count()
    assert FeeMonth.objects.filter(paid_on__gt=F("month") + 31).exists()  # some paid late
    rollups.rollups_rebuild(years=[seeder.today.year])
    fee_risk = MemberYear.objects.filter(year=seeder.today.year, unpaid_months__gte=2)
    assert 1 <= fee_risk.count() <= 2 or seeder.today.month <= 2
