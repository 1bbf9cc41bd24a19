"""Evaluation tests reuse the standing cast (tests/conftest.py): cell A1 with `secretary` and
`member`, `committee` on commune A's standing committee, `orgcom` on the province's
organisation committee, `outsider` secretary of B1 in commune B."""

import datetime as dt
import importlib

import pytest
from django.utils import translation

from evaluations import services
from evaluations.models import MemberEvaluation, OrganizationEvaluation

YEAR = 2025


def points_for(evaluation_round, score: int) -> dict[int, int]:
    """Points per criterion adding up to `score` (each criterion filled in order)."""
    points, left = {}, score
    for criterion in evaluation_round.scheme.criteria.all():
        points[criterion.pk] = min(left, criterion.max_points)
        left -= points[criterion.pk]
    assert left == 0
    return points


def national_scheme() -> None:
    """The migration's national form: a transactional test run before (the browser's) flushes it."""
    from django.apps import apps

    importlib.import_module("evaluations.migrations.0002_national_scheme").create(apps, None)


@pytest.fixture(autouse=True)
def scheme(db):
    national_scheme()


@pytest.fixture
def english():
    """Refusals read in English (the catalog turns them Vietnamese for users)."""
    with translation.override("en"):
        yield


@pytest.fixture
def opened(cast):
    """Commune A's evaluation of 2025, open."""
    return services.round_open(organization=cast.tree.commune_a, year=YEAR, deadline=dt.date(2025, 12, 20),
                               actor=cast.committee.user)


def evaluation_of(member, year=YEAR) -> MemberEvaluation:
    return MemberEvaluation.objects.get(member=member, year=year)


def unit_evaluation_of(org, year=YEAR) -> OrganizationEvaluation:
    return OrganizationEvaluation.objects.get(organization=org, year=year)


def walk(cast, member, *, score=80, proposed="good", level=None, confirm=False):
    """Self-assessment, the cell's review (every official member for) and the decision."""
    evaluation = evaluation_of(member)
    services.member_self_assess(evaluation=evaluation, points=points_for(evaluation.round, score), text="Năm tốt",
                                actor=member.user)
    services.member_review(evaluation=evaluation, proposed_level=proposed,
                           votes_for=services.official_members(evaluation.cell), actor=cast.secretary.user)
    return services.member_decide(evaluation=evaluation, level=level or proposed, confirm_over_quota=confirm,
                                  actor=cast.committee.user)
