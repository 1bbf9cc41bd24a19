"""Fixtures for the admissions register: a fixed "now", uploads in a temporary folder, a
candidate of cell A1 and a helper taking a candidate through the steps."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from admissions import services
from admissions.models import PIPELINE, Step
from members.models import Member

# Wednesday 13 May 2026, 10:00 in Hanoi.
FROZEN_NOW = dt.datetime(2026, 5, 13, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

# The dates each step is taken on by `advance`.
DATES = {
    Step.REGISTERED: dt.date(2025, 3, 1),
    Step.COURSE: dt.date(2025, 4, 1),
    Step.SPONSORS: dt.date(2025, 5, 2),
    Step.VOTE: dt.date(2025, 6, 3),
    Step.DECISION: dt.date(2025, 7, 4),
    Step.CEREMONY: dt.date(2025, 8, 5),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    """Services' refusals read in English here, so tests may match them whatever the catalogs hold."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def register(cell, *, name="Nguyễn Thị Mai", born=dt.date(1998, 4, 10), gender=Member.Gender.FEMALE, on=None,
             actor=None, **fields):
    return services.candidate_register(
        cell=cell, registered_on=on or DATES[Step.REGISTERED], actor=actor, full_name=name, date_of_birth=born,
        gender=gender, **fields,
    )


def advance(candidate, upto, *, sponsors, issuer, actor=None, dates=None):
    """Take the candidate through every step after its stage, up to `upto` included."""
    dates = {**DATES, **(dates or {})}
    for step in PIPELINE[PIPELINE.index(candidate.stage) + 1: PIPELINE.index(upto) + 1]:
        on = dates[step]
        if step == Step.COURSE:
            services.candidate_record_course(candidate=candidate, on=on, certificate="CN-123", actor=actor)
        elif step == Step.SPONSORS:
            services.candidate_record_sponsors(candidate=candidate, sponsors=sponsors, on=on, actor=actor)
        elif step == Step.VOTE:
            services.candidate_record_vote(candidate=candidate, on=on, votes_for=6, votes_against=1,
                                           official_members=8, actor=actor)
        elif step == Step.DECISION:
            services.candidate_record_decision(candidate=candidate, number="125-QĐ/ĐU", on=on, organization=issuer,
                                               actor=actor)
        elif step == Step.CEREMONY:
            services.candidate_admit(candidate=candidate, on=on, actor=actor)
    return candidate


@pytest.fixture
def candidate(cast):
    return register(cast.tree.a1, actor=cast.secretary.user)


@pytest.fixture
def take(cast):
    """take(candidate, upto): the steps with cell A1's secretary and member as sponsors."""
    def _take(candidate, upto, **kwargs):
        return advance(candidate, upto, sponsors=(cast.secretary, cast.member), issuer=cast.tree.commune_a,
                       actor=cast.secretary.user, **kwargs)
    return _take
