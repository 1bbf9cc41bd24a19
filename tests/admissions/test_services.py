"""The candidate's steps, in order, with the rules checked at each."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from admissions import services
from admissions.models import CandidateStep, Step
from members.models import MemberStatus
from members.services import member_change_status
from tests import factories as f
from tests.admissions.conftest import DATES, register


def test_a_candidate_goes_from_registration_to_a_probationary_member_of_the_cell(cast, candidate, take):
    take(candidate, Step.CEREMONY)
    candidate.refresh_from_db()
    member = candidate.member
    assert candidate.stage == Step.CEREMONY
    assert member.status == MemberStatus.PROBATIONARY
    assert member.admission_date == DATES[Step.CEREMONY]
    assert member.official_date is None
    assert member.memberships.get().cell == cast.tree.a1
    assert list(member.status_changes.values_list("status", "effective_date")) == [
        (MemberStatus.PROBATIONARY, DATES[Step.CEREMONY])]
    assert "125-QĐ/ĐU" in member.status_changes.get().decision_ref
    steps = CandidateStep.objects.filter(candidate=candidate)
    assert sorted(steps.values_list("step", flat=True)) == sorted(
        [Step.REGISTERED, Step.COURSE, Step.SPONSORS, Step.VOTE, Step.DECISION, Step.CEREMONY])
    assert {s.recorded_by for s in steps} == {cast.secretary.user}


def test_a_step_is_refused_until_the_one_before_is_recorded(candidate, cast):
    with pytest.raises(ValidationError, match="Political-theory course"):
        services.candidate_record_sponsors(candidate=candidate, sponsors=(cast.secretary, cast.member),
                                           on=DATES[Step.SPONSORS])
    with pytest.raises(ValidationError):
        services.candidate_admit(candidate=candidate, on=DATES[Step.CEREMONY])
    candidate.refresh_from_db()
    assert candidate.stage == Step.REGISTERED


def test_a_step_recorded_twice_is_refused(candidate, take):
    take(candidate, Step.COURSE)
    with pytest.raises(ValidationError, match="already recorded"):
        services.candidate_record_course(candidate=candidate, on=DATES[Step.COURSE], certificate="X")


def test_a_step_dated_before_the_previous_one_or_in_the_future_is_refused(candidate):
    with pytest.raises(ValidationError) as error:
        services.candidate_record_course(candidate=candidate, on=dt.date(2025, 2, 1), certificate="CN-1")
    assert "course_on" in error.value.error_dict
    with pytest.raises(ValidationError, match="future"):
        services.candidate_record_course(candidate=candidate, on=dt.date(2026, 5, 14), certificate="CN-1")


def test_a_candidate_under_18_is_refused_at_registration(tree):
    with pytest.raises(ValidationError) as error:
        register(tree.a1, born=dt.date(2007, 5, 1), on=dt.date(2025, 3, 1))
    assert "date_of_birth" in error.value.error_dict


def test_a_candidate_over_60_on_the_ceremony_day_is_refused_not_warned(cast, take):
    candidate = register(cast.tree.a1, born=dt.date(1965, 6, 1))  # 59 when registered, 60 and 2 months admitted
    take(candidate, Step.DECISION)
    with pytest.raises(ValidationError) as error:
        services.candidate_admit(candidate=candidate, on=DATES[Step.CEREMONY])
    assert "ceremony_on" in error.value.error_dict
    candidate.refresh_from_db()
    assert candidate.member is None and candidate.stage == Step.DECISION


def test_a_sponsor_not_yet_official_on_the_date_is_refused(cast, candidate, take):
    take(candidate, Step.COURSE)
    newcomer = f.member(cast.tree.a1, official=False, admitted=dt.date(2024, 11, 1))
    with pytest.raises(ValidationError) as error:
        services.candidate_record_sponsors(candidate=candidate, sponsors=(cast.secretary, newcomer),
                                           on=DATES[Step.SPONSORS])
    assert "sponsor_2" in error.value.error_dict


def test_a_sponsor_from_another_grassroots_organisation_is_refused(cast, candidate, take):
    take(candidate, Step.COURSE)
    with pytest.raises(ValidationError, match="was not a member of"):
        services.candidate_record_sponsors(candidate=candidate, sponsors=(cast.secretary, cast.outsider),
                                           on=DATES[Step.SPONSORS])


def test_a_sponsor_in_another_cell_of_the_same_grassroots_organisation_is_accepted(cast, candidate, take):
    take(candidate, Step.COURSE)
    services.candidate_record_sponsors(candidate=candidate, sponsors=(cast.secretary, cast.committee),
                                       on=DATES[Step.SPONSORS])
    assert candidate.stage == Step.SPONSORS


def test_a_sponsor_who_had_left_the_rolls_by_the_date_is_refused(cast, candidate, take):
    take(candidate, Step.COURSE)
    gone = f.member(cast.tree.a1)
    member_change_status(member=gone, status=MemberStatus.TRANSFERRED_OUT, effective_date=dt.date(2025, 1, 10),
                         decision_ref="QĐ 5")
    with pytest.raises(ValidationError, match="was not an official member"):
        services.candidate_record_sponsors(candidate=candidate, sponsors=(cast.secretary, gone),
                                           on=DATES[Step.SPONSORS])


def test_the_same_sponsor_twice_is_refused(cast, candidate, take):
    take(candidate, Step.COURSE)
    with pytest.raises(ValidationError, match="two different"):
        services.candidate_record_sponsors(candidate=candidate, sponsors=(cast.member, cast.member),
                                           on=DATES[Step.SPONSORS])


def test_a_vote_without_more_than_half_of_the_official_members_is_refused(candidate, take):
    take(candidate, Step.SPONSORS)
    with pytest.raises(ValidationError, match="not more than half"):
        services.candidate_record_vote(candidate=candidate, on=DATES[Step.VOTE], votes_for=4, votes_against=4,
                                       official_members=8)
    with pytest.raises(ValidationError, match="check the figures"):
        services.candidate_record_vote(candidate=candidate, on=DATES[Step.VOTE], votes_for=7, votes_against=3,
                                       official_members=8)


def test_the_decision_is_issued_by_a_committee_above_the_cell(cast, candidate, take):
    take(candidate, Step.VOTE)
    for wrong in (cast.tree.commune_b, cast.tree.a1):
        with pytest.raises(ValidationError, match="above the cell"):
            services.candidate_record_decision(candidate=candidate, number="1-QĐ", on=DATES[Step.DECISION],
                                               organization=wrong)
    services.candidate_record_decision(candidate=candidate, number="1-QĐ", on=DATES[Step.DECISION],
                                       organization=cast.tree.province)
    assert candidate.stage == Step.DECISION


def test_a_withdrawn_candidate_takes_no_further_step(cast, candidate, take):
    take(candidate, Step.COURSE)
    services.candidate_withdraw(candidate=candidate, on=dt.date(2025, 4, 20), reason="Chuyển nơi ở")
    assert candidate.stage == Step.WITHDRAWN and candidate.withdrawal_reason == "Chuyển nơi ở"
    with pytest.raises(ValidationError, match="withdrawn"):
        services.candidate_record_sponsors(candidate=candidate, sponsors=(cast.secretary, cast.member),
                                           on=DATES[Step.SPONSORS])
    with pytest.raises(ValidationError):
        services.candidate_withdraw(candidate=candidate, on=dt.date(2025, 4, 21), reason="Lại")


def test_a_withdrawal_needs_a_reason(candidate):
    with pytest.raises(ValidationError) as error:
        services.candidate_withdraw(candidate=candidate, on=dt.date(2025, 4, 20), reason="  ")
    assert "withdrawal_reason" in error.value.error_dict


def test_a_paper_is_attached_to_a_step_and_a_fake_pdf_is_refused(candidate, cast):
    document = services.candidate_document_add(
        candidate=candidate, step=Step.REGISTERED, title="Đơn xin vào Đảng", actor=cast.secretary.user,
        upload=SimpleUploadedFile("don.pdf", b"%PDF-1.7\n" + b"0" * 100, content_type="application/pdf"))
    assert document.content_type == "application/pdf" and document.file.name.endswith(".pdf")
    with pytest.raises(ValidationError, match="not a real PDF"):
        services.candidate_document_add(candidate=candidate, step=Step.REGISTERED,
                                        upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"))
    with pytest.raises(ValidationError, match="cannot be attached"):
        services.candidate_document_add(candidate=candidate, step=Step.REGISTERED,
                                        upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00"))
    assert candidate.documents.count() == 1
