"""The steps of an evaluation, through the services: dated, signed, final once decided."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conduct.services import discipline_record
from evaluations import services
from evaluations.models import EvaluationAmendment, MemberEvaluation, OrganizationEvaluation
from tests import factories as f
from tests.evaluations.conftest import YEAR, evaluation_of, points_for, unit_evaluation_of, walk

pytestmark = pytest.mark.usefixtures("english")


def test_opening_the_year_gives_every_member_and_cell_an_evaluation(cast, opened):
    members = set(MemberEvaluation.objects.filter(round=opened).values_list("member__full_name", flat=True))
    assert members == {"Trần Văn Bí", "Lê Thị Hoa", "Phạm Đức Ủy", "Hoàng Minh Tổ"}  # commune A only
    units = set(OrganizationEvaluation.objects.filter(round=opened).values_list("organization__name", flat=True))
    assert units == {"Đảng bộ xã An Phú", "Chi bộ thôn Đông", "Chi bộ thôn Đoài"}
    assert evaluation_of(cast.member).cell == cast.tree.a1


def test_opening_twice_is_refused_and_a_cell_cannot_open(cast, opened):
    with pytest.raises(ValidationError, match="already open"):
        services.round_open(organization=cast.tree.commune_a, year=YEAR, deadline=dt.date(2025, 12, 20))
    with pytest.raises(ValidationError):
        services.round_open(organization=cast.tree.a1, year=YEAR, deadline=dt.date(2025, 12, 20))


def test_a_member_joining_later_is_added_once(cast, opened):
    newcomer = f.member(cast.tree.a2, name="Ngô Văn Mới")
    assert services.round_sync(evaluation_round=opened) == 1
    assert services.round_sync(evaluation_round=opened) == 0
    assert evaluation_of(newcomer).cell == cast.tree.a2


def test_the_self_assessment_keeps_points_score_level_and_facts(cast, opened):
    evaluation = evaluation_of(cast.member)
    services.member_self_assess(evaluation=evaluation, points=points_for(opened, 92), text="  Hoàn thành tốt  ",
                                actor=cast.member.user)
    evaluation.refresh_from_db()
    assert (evaluation.score, evaluation.self_level, evaluation.self_text) == (92, "excellent", "Hoàn thành tốt")
    assert evaluation.self_assessed_by == cast.member.user and evaluation.self_assessed_at is not None
    assert evaluation.facts["disciplined"] is False and "unexcused" in evaluation.facts


def test_points_above_a_criterion_maximum_are_refused(cast, opened):
    evaluation = evaluation_of(cast.member)
    points = points_for(opened, 50)
    points[next(iter(points))] = 99
    with pytest.raises(ValidationError, match="from 0 to 20 points"):
        services.member_self_assess(evaluation=evaluation, points=points, text="")


def test_the_cell_vote_must_pass_against_official_members(cast, opened):
    evaluation = evaluation_of(cast.member)
    services.member_self_assess(evaluation=evaluation, points=points_for(opened, 75), text="")
    assert services.official_members(cast.tree.a1) == 2
    with pytest.raises(ValidationError, match="did not pass"):
        services.member_review(evaluation=evaluation, proposed_level="good", votes_for=1)
    services.member_review(evaluation=evaluation, proposed_level="good", votes_for=2, actor=cast.secretary.user)
    evaluation.refresh_from_db()
    assert (evaluation.proposed_level, evaluation.votes_for, evaluation.official_members) == ("good", 2, 2)


def test_a_member_disciplined_that_year_cannot_be_excellent(cast, opened):
    discipline_record(member=cast.member, level="reprimand", decision_number="1-QĐ", decision_date=dt.date(2025, 3, 1),
                      issuing_body="Chi bộ", reason="Vi phạm")
    evaluation = evaluation_of(cast.member)
    services.member_self_assess(evaluation=evaluation, points=points_for(opened, 95), text="")
    with pytest.raises(ValidationError, match="disciplined during the year"):
        services.member_review(evaluation=evaluation, proposed_level="excellent", votes_for=2)
    services.member_review(evaluation=evaluation, proposed_level="good", votes_for=2)
    with pytest.raises(ValidationError, match="disciplined during the year"):
        services.member_decide(evaluation=evaluation, level="excellent")


def test_steps_come_in_order_and_a_decision_is_final(cast, opened):
    evaluation = evaluation_of(cast.member)
    with pytest.raises(ValidationError, match="not assessed"):
        services.member_review(evaluation=evaluation, proposed_level="good", votes_for=2)
    services.member_self_assess(evaluation=evaluation, points=points_for(opened, 75), text="")
    with pytest.raises(ValidationError, match="not reviewed"):
        services.member_decide(evaluation=evaluation, level="good")
    walk_done = walk(cast, cast.secretary)
    assert walk_done.level == "good" and walk_done.decided_by == cast.committee.user
    with pytest.raises(ValidationError, match="amendment"):
        services.member_self_assess(evaluation=walk_done, points=points_for(opened, 75), text="")


def test_a_decision_over_the_quota_needs_a_confirmation(cast, opened):
    walk(cast, cast.secretary, score=80, proposed="good")
    walk(cast, cast.committee, score=80, proposed="good")
    # 1 excellent for 2 good is over 20 % of good.
    with pytest.raises(services.OverQuota) as refused:
        walk(cast, cast.member, score=95, proposed="excellent")
    assert (refused.value.quota.excellent, refused.value.quota.good, refused.value.quota.allowed) == (1, 2, 0)
    evaluation = evaluation_of(cast.member)
    assert evaluation.decided_at is None
    services.member_decide(evaluation=evaluation, level="excellent", confirm_over_quota=True)
    assert evaluation_of(cast.member).level == "excellent"


def test_an_amendment_records_who_when_why_and_the_levels(cast, opened):
    decided = walk(cast, cast.member)
    with pytest.raises(ValidationError, match="reason"):
        services.member_amend(evaluation=decided, new_level="completed", reason="  ")
    amendment = services.member_amend(evaluation=decided, new_level="completed", reason="Sai sót khi tổng hợp",
                                      actor=cast.committee.user)
    assert (amendment.old_level, amendment.new_level, amendment.amended_by) == ("good", "completed", cast.committee.user)
    assert evaluation_of(cast.member).level == "completed"
    assert EvaluationAmendment.objects.count() == 1


def test_a_cell_is_self_assessed_reviewed_by_its_meeting_then_decided_by_the_level_above(cast, opened):
    unit = unit_evaluation_of(cast.tree.a1)
    with pytest.raises(ValidationError, match="not assessed itself"):
        services.organization_review(evaluation=unit, proposed_level="good", votes_for=2)
    services.organization_self_assess(evaluation=unit, points=points_for(opened, 85), text="", actor=cast.secretary.user)
    with pytest.raises(ValidationError, match="not reviewed"):
        services.organization_decide(evaluation=unit, level="good")
    with pytest.raises(ValidationError, match="did not pass: 1 of 2"):
        services.organization_review(evaluation=unit, proposed_level="good", votes_for=1)
    services.organization_review(evaluation=unit, proposed_level="good", votes_for=2, note="Nhất trí",
                                 actor=cast.secretary.user)
    with pytest.raises(ValidationError, match="already reviewed"):
        services.organization_self_assess(evaluation=unit, points=points_for(opened, 95), text="")
    services.organization_decide(evaluation=unit, level="good", actor=cast.committee.user)
    unit.refresh_from_db()
    assert (unit.level, unit.self_level, unit.decided_by) == ("good", "good", cast.committee.user)
    assert (unit.proposed_level, unit.votes_for, unit.official_members, unit.review_note, unit.reviewed_by) == (
        "good", 2, 2, "Nhất trí", cast.secretary.user)
    assert unit.self_assessed_at <= unit.reviewed_at <= unit.decided_at


def test_a_grassroots_organisation_is_reviewed_by_its_committee_counted_against_its_members(cast, opened):
    own = unit_evaluation_of(cast.tree.commune_a)
    services.organization_self_assess(evaluation=own, points=points_for(opened, 88), text="", actor=cast.committee.user)
    assert services.review_base(cast.tree.commune_a) == 1  # one seat on commune A's committee
    with pytest.raises(ValidationError, match="More votes for than committee members"):
        services.organization_review(evaluation=own, proposed_level="good", votes_for=2)
    services.organization_review(evaluation=own, proposed_level="good", votes_for=1, actor=cast.committee.user)
    services.organization_decide(evaluation=own, level="good", actor=cast.orgcom.user)
    own.refresh_from_db()
    assert (own.official_members, own.reviewed_by, own.decided_by) == (1, cast.committee.user, cast.orgcom.user)
    events = OrganizationEvaluation.pgh_event_model.objects.filter(pgh_obj_id=own.pk)
    assert events.count() >= 4  # inserted, self-assessed, reviewed, decided


def test_every_step_is_audited(cast, opened):
    walk(cast, cast.member)
    events = MemberEvaluation.pgh_event_model.objects.filter(pgh_obj_id=evaluation_of(cast.member).pk)
    assert events.count() >= 4  # inserted, self-assessed, reviewed, decided


def test_an_organisation_adopts_its_own_form_for_its_subtree(cast):
    from evaluations.rules import level_for_score, scheme_for

    with pytest.raises(ValidationError, match="add up to 100"):
        services.scheme_adopt(organization=cast.tree.province, effective_year=2026, name="Tỉnh",
                              criteria=[("Chính trị", 50), ("Nhiệm vụ", 40)])
    scheme = services.scheme_adopt(organization=cast.tree.province, effective_year=2026, name="Tiêu chí của tỉnh",
                                   criteria=[("Chính trị", 50), ("Nhiệm vụ", 50)], excellent_from=95)
    with pytest.raises(ValidationError, match="already has a form"):
        services.scheme_adopt(organization=cast.tree.province, effective_year=2026, name="Lần hai",
                              criteria=[("Tất cả", 100)])
    assert scheme_for(cast.tree.a1, 2026) == scheme and scheme_for(cast.tree.a1, 2025) != scheme
    assert level_for_score(92, scheme) == "good"
    opened = services.round_open(organization=cast.tree.commune_a, year=2026, deadline=dt.date(2026, 12, 20))
    assert opened.scheme == scheme and [c.max_points for c in opened.scheme.criteria.all()] == [50, 50]
