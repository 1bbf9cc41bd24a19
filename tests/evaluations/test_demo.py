"""The demo seed: three past years decided with the seed district's shares, this year's round
in progress, and the dashboards of a commune and of the province equal to a count of the records.

The seed runs on the standing tree (two communes under a province) with its own members, as
demo.seeding hands it its rows; tests/test_seed_demo.py runs the whole seed."""

import random
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from cells.models import Organization
from common.numbers import format_percent
from conduct.services import discipline_record
from evaluations import demo, rules, selectors
from evaluations.models import EvaluationRound, MemberEvaluation, OrganizationEvaluation
from tests import factories as f


@pytest.fixture
def commune(cast):
    tree = cast.tree
    records = [f.member(cell, name=f"Đảng viên {cell.name} {i}") for cell in (tree.a1, tree.a2, tree.b1)
               for i in range(25)]
    records += [cast.member, cast.secretary, cast.committee, cast.orgcom, cast.outsider]
    today = timezone.localdate()
    discipline_record(member=records[0], level="reprimand", decision_number="1-QĐ",
                      decision_date=today.replace(month=1, day=15).replace(year=today.year - 1),
                      issuing_body="Chi bộ", reason="Vi phạm")
    cast.member.user.username = "demo.member"
    cast.member.user.save()
    home = {m.pk: m.memberships.get().cell_id for m in records}
    rows = [SimpleNamespace(id=m.pk, cell_id=home[m.pk], status=m.status, admission=m.admission_date,
                            official=m.official_date is not None) for m in records]
    cells = [SimpleNamespace(id=cell.pk, commune_id=cell.parent_id) for cell in (tree.a1, tree.a2, tree.b1)]
    counts = demo.seed(rng=random.Random(5), today=today, cells=cells, members=rows, scale="commune")
    assert counts["member_evaluations"] == MemberEvaluation.objects.count()
    return cast


def _share(rows, levels) -> float:
    decided = rows.filter(decided_at__isnull=False)
    return decided.filter(level__in=levels).count() / decided.count()


def test_three_past_years_are_decided_with_plausible_shares(commune):
    this_year = timezone.localdate().year
    for year in range(this_year - 3, this_year):
        members = MemberEvaluation.objects.filter(year=year)
        assert members.count() == 80 and not members.filter(decided_at__isnull=True).exists()
    everyone = MemberEvaluation.objects.filter(year__lt=this_year)
    assert 0.75 < _share(everyone, rules.GOOD_OR_EXCELLENT) < 0.95
    units = OrganizationEvaluation.objects.filter(year__lt=this_year)
    assert 0.75 < _share(units, rules.GOOD_OR_EXCELLENT) <= 1
    # No one disciplined in a year was rated excellent.
    from conduct.models import Discipline

    for member_id, day in Discipline.objects.values_list("member_id", "decision_date"):
        assert not MemberEvaluation.objects.filter(member_id=member_id, year=day.year, level="excellent").exists()


def test_this_years_round_is_in_progress_and_the_demo_member_has_to_assess(commune):
    this_year = timezone.localdate().year
    assert EvaluationRound.objects.filter(year=this_year).exists()
    steps = {rules.progress(self_assessed_at=e.self_assessed_at, reviewed_at=e.reviewed_at, decided_at=e.decided_at)
             for e in MemberEvaluation.objects.filter(year=this_year)}
    assert steps == set(rules.PROGRESS)
    mine = MemberEvaluation.objects.get(year=this_year, member__user__username="demo.member")
    assert mine.self_assessed_at is None


@pytest.mark.parametrize("who,where", [("committee", "commune_a"), ("orgcom", "province")])
def test_the_dashboards_show_the_percentages_counted_from_the_records(commune, login, who, where):
    org = getattr(commune.tree, where)
    kind = org.kind
    year = timezone.localdate().year - 1
    client = login(getattr(commune, who))
    page = client.get(reverse("org_dashboard", args=[org.public_id]), {"period": year}).content.decode()
    members = MemberEvaluation.objects.filter(year=year, cell__path__startswith=org.path, decided_at__isnull=False)
    good = members.filter(level__in=rules.GOOD_OR_EXCELLENT).count()
    expected = rules.good_or_excellent_rate(excellent=0, good=good, decided=members.count())
    assert f'data-figure="members-good">{format_percent(expected)}<' in page
    units_kind = Organization.GRASSROOTS_KINDS if kind == Organization.Kind.PROVINCE else Organization.CELL_KINDS
    units = OrganizationEvaluation.objects.filter(year=year, organization__path__startswith=org.path,
                                                  organization__kind__in=units_kind)
    expected = rules.good_or_excellent_rate(excellent=0, good=units.filter(level__in=rules.GOOD_OR_EXCELLENT).count(),
                                            decided=units.count())
    assert f'data-figure="organizations-good">{format_percent(expected)}<' in page
    this_year, _ = selectors.figures_for(org, year)
    assert this_year.members["decided"] == members.count()
