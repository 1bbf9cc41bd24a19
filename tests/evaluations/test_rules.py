"""The evaluation rules, each in one place, and their SQL twins on the same rows."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from cells.models import Organization
from evaluations import rules
from evaluations.models import EvaluationScheme, MemberEvaluation

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def national(db):
    return EvaluationScheme.objects.get(organization=None)


def test_the_national_form_is_data_with_100_points_and_the_bands(national):
    assert (national.total_points, national.excellent_from, national.good_from, national.completed_from,
            national.excellent_quota_percent) == (100, 90, 70, 50, 20)
    assert sum(c.max_points for c in national.criteria.all()) == 100


@pytest.mark.parametrize("score,level", [(100, "excellent"), (90, "excellent"), (89, "good"), (70, "good"),
                                         (69, "completed"), (50, "completed"), (49, "not_completed"), (0, "not_completed")])
def test_a_score_falls_in_the_band_of_the_form(national, score, level):
    assert rules.level_for_score(score, national) == level


def test_a_form_is_inherited_from_the_nearest_organisation_above_from_its_year(tree, national):
    own = EvaluationScheme.objects.create(organization=tree.province, effective_year=2026, name="Tỉnh",
                                          excellent_from=95, good_from=75, completed_from=50)
    assert rules.scheme_for(tree.a1, 2025) == national
    assert rules.scheme_for(tree.a1, 2026) == own
    assert rules.level_for_score(92, own) == "good"
    commune = EvaluationScheme.objects.create(organization=tree.commune_a, effective_year=2024, name="Xã")
    assert rules.scheme_for(tree.a1, 2026) == commune  # nearer wins over newer
    assert rules.scheme_for(tree.b1, 2026) == own


def test_the_quota_allows_excellent_up_to_a_share_of_good():
    assert not rules.Quota(excellent=2, good=10, quota_percent=20).exceeded
    assert rules.Quota(excellent=3, good=10, quota_percent=20).exceeded
    assert rules.Quota(excellent=1, good=0, quota_percent=20).exceeded
    after = rules.quota_after(excellent=2, good=10, old_level="good", new_level="excellent", quota_percent=20)
    assert (after.excellent, after.good, after.exceeded) == (3, 9, True)


def test_only_a_disciplined_member_is_refused_excellent():
    assert rules.excellent_refusal(level="excellent", disciplined=True)
    assert rules.excellent_refusal(level="good", disciplined=True) is None
    assert rules.excellent_refusal(level="excellent", disciplined=False) is None


def test_the_vote_counts_against_official_members():
    assert rules.review_vote_refusal(votes_for=3, official_members=5) is None
    assert "did not pass" in rules.review_vote_refusal(votes_for=2, official_members=4)
    assert "More votes" in rules.review_vote_refusal(votes_for=6, official_members=5)


def test_percentages_are_rounded_half_up_over_those_decided():
    assert str(rules.good_or_excellent_rate(excellent=1, good=5, decided=7)) == "85.7"
    assert rules.good_or_excellent_rate(excellent=0, good=0, decided=0) is None
    assert str(rules.not_completed_rate(not_completed=1, decided=8)) == "12.5"


def test_progress_and_its_sql_twin_agree_on_the_same_rows(cast):
    from evaluations import services
    from tests.evaluations.conftest import evaluation_of, points_for

    evaluation_round = services.round_open(organization=cast.tree.commune_a, year=2025, deadline=dt.date(2025, 12, 1))
    now = timezone.now()
    steps = [dict(), dict(self_assessed_at=now), dict(self_assessed_at=now, reviewed_at=now),
             dict(self_assessed_at=now, reviewed_at=now, decided_at=now)]
    members = [cast.member, cast.secretary, cast.committee, cast.orgcom]
    for member, fields in zip(members, steps, strict=True):
        MemberEvaluation.objects.filter(pk=evaluation_of(member).pk).update(**fields)
    assert points_for(evaluation_round, 0)  # the helper fills every criterion
    rows = MemberEvaluation.objects.filter(round=evaluation_round)
    python = {row.pk: rules.progress(self_assessed_at=row.self_assessed_at, reviewed_at=row.reviewed_at,
                                     decided_at=row.decided_at) for row in rows}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.id, {rules.progress_sql('e')} FROM evaluations_memberevaluation e "
                       "WHERE e.round_id = %s", [evaluation_round.pk])
        sql = dict(cursor.fetchall())
    assert python == sql
    assert sorted(python.values()) == sorted(rules.PROGRESS)


def test_the_percentage_twin_agrees(db):
    from common.numbers import percent_sql

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {percent_sql('5 + 12', '20')}, {percent_sql('1', '8')}")
        good, not_completed = cursor.fetchone()
    assert good == rules.good_or_excellent_rate(excellent=5, good=12, decided=20)
    assert not_completed == rules.not_completed_rate(not_completed=1, decided=8)


def test_exempt_members_are_not_evaluated(cast):
    from evaluations import services
    from members.services import member_change_status

    member_change_status(member=cast.member, status="exempt", effective_date=dt.date(2025, 1, 10))
    services.round_open(organization=cast.tree.commune_a, year=2025, deadline=dt.date(2025, 12, 1))
    assert not MemberEvaluation.objects.filter(member=cast.member).exists()
    assert Organization.objects.count()  # the tree is untouched
