"""members.rules: probation end, age at admission, the vote, the plan's categories."""

import datetime as dt

from members import rules
from members.models import MemberStatus
from members.rules import AdmissionCategory


def test_probation_ends_twelve_months_after_admission_clamped_to_the_month():
    assert rules.probation_ends(dt.date(2025, 8, 5)) == dt.date(2026, 8, 5)
    assert rules.probation_ends(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_probation_length_is_read_from_the_settings(settings):
    settings.HANDBOOK_RULES = {**settings.HANDBOOK_RULES, "probation_months": 18}
    assert rules.probation_ends(dt.date(2025, 1, 10)) == dt.date(2026, 7, 10)


def test_admission_is_allowed_from_the_18th_to_the_60th_birthday():
    born = dt.date(2000, 6, 15)
    assert rules.admission_age_refusal(born, dt.date(2018, 6, 14))
    assert rules.admission_age_refusal(born, dt.date(2018, 6, 15)) is None
    assert rules.admission_age_refusal(born, dt.date(2060, 6, 15)) is None
    assert rules.admission_age_refusal(born, dt.date(2060, 6, 16))
    assert rules.admission_age_refusal(None, dt.date(2026, 1, 1))


def test_age_counts_completed_years():
    assert rules.age_on(dt.date(2000, 6, 15), dt.date(2026, 6, 14)) == 25
    assert rules.age_on(dt.date(2000, 6, 15), dt.date(2026, 6, 15)) == 26


def test_a_vote_passes_with_more_than_half_of_the_official_members():
    assert rules.vote_passes(votes_for=5, official_members=8)
    assert not rules.vote_passes(votes_for=4, official_members=8)
    assert not rules.vote_passes(votes_for=0, official_members=0)


def test_recognition_is_refused_before_probation_ends_and_for_a_member_not_probationary():
    admitted = dt.date(2025, 8, 5)
    assert rules.recognition_refusal(status=MemberStatus.PROBATIONARY, admission_date=admitted,
                                     on=dt.date(2026, 8, 4))
    assert rules.recognition_refusal(status=MemberStatus.PROBATIONARY, admission_date=admitted,
                                     on=dt.date(2026, 8, 5)) is None
    assert rules.recognition_refusal(status=MemberStatus.OFFICIAL, admission_date=admitted, on=dt.date(2027, 1, 1))
    assert rules.recognition_refusal(status=MemberStatus.PROBATIONARY, admission_date=None, on=dt.date(2027, 1, 1))


def test_an_admission_counts_in_every_category_it_fits():
    found = rules.admission_categories(date_of_birth=dt.date(2000, 1, 1), gender="female", ethnicity="Tày",
                                       religion="Công giáo", workplace_kind="non_state", admitted_on=dt.date(2026, 3, 1))
    assert found == set(AdmissionCategory.ALL)
    none = rules.admission_categories(date_of_birth=dt.date(1980, 1, 1), gender="male", ethnicity="Kinh",
                                      religion="Không", workplace_kind="state", admitted_on=dt.date(2026, 3, 1))
    assert none == set()
