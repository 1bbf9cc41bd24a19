"""The demo seed fills the admissions register with plausible rows."""

from admissions.models import AdmissionPlan, Candidate, Step
from admissions.selectors import admission_figures
from cells.models import Organization
from demo.seeding import Seeder


def test_the_seed_gives_each_commune_a_plan_and_each_recent_admission_its_candidacy(db):
    seeder = Seeder(scale="commune", seed=7, password="pw-12345-test", log=lambda *a: None)
    seeder.run()  # seeds the registers too (admissions.demo.seed)
    assert AdmissionPlan.objects.count() == 2
    admitted = Candidate.objects.filter(stage=Step.CEREMONY)
    assert admitted.exists() and all(c.member.admission_date == c.ceremony_on for c in admitted)
    assert Candidate.objects.exclude(stage__in=(Step.CEREMONY, Step.WITHDRAWN)).exists()
    commune = Organization.objects.get(kind=Organization.Kind.GRASSROOTS_COMMITTEE)
    rows, total = admission_figures(commune.parent, seeder.today.year)
    assert total.target and total.admitted >= 0 and rows[0].organization == commune
