"""Probation → official: recognition not before probation ends, only for a probationary member;
"not recognised" recorded; the pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions.models import ProbationReview
from admissions.services import probation_review_record
from members.models import MemberStatus
from tests import factories as f

ADMITTED = dt.date(2025, 4, 20)  # probation ends 20/04/2026, before the frozen "now" (13/05/2026)


@pytest.fixture
def newcomer(cast):
    return f.member(cast.tree.a1, name="Đỗ Văn Mới", official=False, admitted=ADMITTED)


def review(member, **overrides):
    values = dict(member=member, recognised=True, vote_on=dt.date(2026, 4, 25), votes_for=7, votes_against=0,
                  official_members=8, decision_number="210-QĐ/ĐU", decision_on=dt.date(2026, 5, 5))
    return probation_review_record(**{**values, **overrides})


def test_recognition_makes_the_member_official_from_the_end_of_probation(newcomer, cast):
    result = review(newcomer, actor=cast.secretary.user)
    newcomer.refresh_from_db()
    assert result.outcome == ProbationReview.Outcome.RECOGNISED
    assert newcomer.status == MemberStatus.OFFICIAL
    assert newcomer.official_date == dt.date(2026, 4, 20)
    assert result.status_change.status == MemberStatus.OFFICIAL and "210-QĐ/ĐU" in result.status_change.decision_ref


def test_recognition_dated_before_probation_ends_is_refused_with_the_end_date(newcomer):
    with pytest.raises(ValidationError, match="20/04/2026") as error:
        review(newcomer, vote_on=dt.date(2026, 4, 10), decision_on=dt.date(2026, 4, 15))
    assert "vote_on" in error.value.error_dict
    with pytest.raises(ValidationError, match="Probation ends"):
        review(newcomer, effective_date=dt.date(2026, 4, 19))
    newcomer.refresh_from_db()
    assert newcomer.status == MemberStatus.PROBATIONARY and not ProbationReview.objects.exists()


def test_a_member_who_is_not_probationary_cannot_be_recognised(cast):
    with pytest.raises(ValidationError, match="Only a probationary member"):
        review(cast.member)


def test_recognition_without_a_passing_vote_is_refused(newcomer):
    with pytest.raises(ValidationError, match="not more than half"):
        review(newcomer, votes_for=4, votes_against=4)


def test_not_recognised_is_recorded_and_the_member_leaves_the_rolls(newcomer, cast):
    result = review(newcomer, recognised=False, votes_for=2, votes_against=6, actor=cast.secretary.user)
    newcomer.refresh_from_db()
    assert result.outcome == ProbationReview.Outcome.NOT_RECOGNISED
    assert newcomer.status == MemberStatus.REMOVED and newcomer.official_date is None
    assert newcomer.status_since == dt.date(2026, 5, 5)
    assert not newcomer.memberships.filter(end_date__isnull=True).exists()


def test_the_probation_page_lists_the_end_dates_and_records_a_review(login, cast, newcomer):
    client = login(cast.secretary)
    page = client.get(reverse("admissions_probation", args=[cast.tree.a1.public_id]))
    assert page.status_code == 200 and page.context["rows"][0].ends == dt.date(2026, 4, 20)
    url = reverse("admissions_probation_review", args=[cast.tree.a1.public_id, newcomer.public_id])
    early = client.post(url, {"outcome": "recognised", "vote_on": "2026-04-10", "official_members": 8,
                              "votes_for": 7, "votes_against": 0, "decision_number": "1-QĐ",
                              "decision_on": "2026-04-15"})
    assert early.status_code == 200 and early.context["form"].errors
    done = client.post(url, {"outcome": "recognised", "vote_on": "2026-04-25", "official_members": 8,
                             "votes_for": 7, "votes_against": 0, "decision_number": "1-QĐ",
                             "decision_on": "2026-05-05"})
    assert done.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.status == MemberStatus.OFFICIAL


def test_only_the_cells_officers_record_a_review(login, cast, newcomer):
    url = reverse("admissions_probation_review", args=[cast.tree.a1.public_id, newcomer.public_id])
    for who in (cast.outsider, cast.member, cast.committee):
        assert login(who).get(url).status_code == 404
    assert login(cast.outsider).get(reverse("admissions_probation", args=[cast.tree.a1.public_id])).status_code == 404
