"""The committee's page for the criteria form: the form in force inherited from above, its
own form from a year on, refusals in Vietnamese keeping what was typed, and years already
opened (and decided) keeping the form they were opened under."""

import datetime as dt

import pytest
from django.urls import reverse

from evaluations import selectors, services
from evaluations.models import EvaluationScheme, MemberEvaluation
from tests import factories as f
from tests.evaluations.conftest import YEAR, evaluation_of, walk

NEXT = selectors.default_year() + 1


def _url(org):
    return reverse("evaluation_scheme", args=[org.public_id])


def _post(title_points, **overrides):
    data = {"effective_year": NEXT, "name": "Tiêu chí của xã", "total_points": 100, "excellent_from": 90,
            "good_from": 70, "completed_from": 50, "excellent_quota_percent": 20}
    for row, (title, points) in enumerate(title_points, start=1):
        data |= {f"title_{row}": title, f"points_{row}": points}
    return data | overrides


def test_the_committee_sees_the_form_in_force_inherited_from_above(cast, login):
    services.scheme_adopt(organization=cast.tree.province, effective_year=2020, name="Tiêu chí của tỉnh",
                          criteria=[("Chính trị", 60), ("Nhiệm vụ", 40)])
    page = login(cast.committee).get(_url(cast.tree.commune_a)).content.decode()
    assert "Tiêu chí của tỉnh" in page and "kế thừa từ Đảng bộ tỉnh" in page.replace("\n", " ")
    assert 'value="Chính trị"' in page and 'value="60"' in page  # the new form starts from it


def test_the_committee_adopts_a_form_for_its_subtree_and_it_is_audited(cast, login):
    response = login(cast.committee).post(_url(cast.tree.commune_a), _post([("Chính trị", 30), ("Nhiệm vụ", 70)]))
    assert response.status_code == 302
    scheme = EvaluationScheme.objects.get(organization=cast.tree.commune_a)
    assert (scheme.effective_year, [(c.title, c.max_points) for c in scheme.criteria.all()]) == (
        NEXT, [("Chính trị", 30), ("Nhiệm vụ", 70)])
    event = EvaluationScheme.pgh_event_model.objects.get(pgh_obj_id=scheme.pk)
    assert event.pgh_context.metadata.get("user") == cast.committee.user.pk
    from evaluations.rules import scheme_for

    assert scheme_for(cast.tree.a1, NEXT) == scheme and scheme_for(cast.tree.b1, NEXT) != scheme


@pytest.mark.parametrize(("rows", "overrides", "message"), [
    ([("Chính trị", 30), ("Nhiệm vụ", 60)], {}, "Các tiêu chí phải cộng lại đủ 100 điểm."),
    ([("Chính trị", 30), ("", 70)], {}, "Hãy đặt tên cho tiêu chí này."),
    ([("Chính trị", 30), ("Nhiệm vụ", "")], {}, "Hãy cho biết điểm tối đa của tiêu chí này."),
    ([("Chính trị", 50), ("Nhiệm vụ", 50)], {"good_from": 95}, "Các mức điểm phải giảm dần"),
    ([("Chính trị", 50), ("Nhiệm vụ", 50)], {"excellent_quota_percent": 120}, "100"),
])
def test_a_wrong_form_is_refused_in_vietnamese_keeping_what_was_typed(cast, login, rows, overrides, message):
    response = login(cast.committee).post(_url(cast.tree.commune_a), _post(rows, **overrides))
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'value="Chính trị"' in page and 'value="Tiêu chí của xã"' in page
    assert not EvaluationScheme.objects.filter(organization=cast.tree.commune_a).exists()


def test_outsiders_siblings_and_lower_levels_get_404(cast, login):
    sibling = f.member(cast.tree.b1, name="Đỗ Văn Bên", username="benxa")
    f.seat(sibling, cast.tree.commune_b)
    data = _post([("Tất cả", 100)])
    for who, org in ((cast.outsider, cast.tree.commune_a), (sibling, cast.tree.commune_a),
                     (cast.secretary, cast.tree.a1), (cast.member, cast.tree.commune_a),
                     (cast.committee, cast.tree.a1), (cast.committee, cast.tree.province)):
        client = login(who)
        assert client.get(_url(org)).status_code == 404
        assert client.post(_url(org), data).status_code == 404
    assert not EvaluationScheme.objects.exclude(organization=None).exists()
    assert login(cast.orgcom).get(_url(cast.tree.province)).status_code == 200


def test_a_year_already_opened_keeps_its_form_and_its_decisions(cast, opened, login):
    decided = walk(cast, cast.member, score=80)
    old_scheme = opened.scheme
    refused = login(cast.orgcom).post(_url(cast.tree.province), _post([("Tất cả", 100)], effective_year=YEAR))
    assert "Đợt đánh giá năm 2025 đã mở" in refused.content.decode()
    services.scheme_adopt(organization=cast.tree.province, effective_year=YEAR + 1, name="Mới",
                          criteria=[("Tất cả", 100)], excellent_from=95, actor=cast.orgcom.user)
    decided = MemberEvaluation.objects.select_related("round__scheme").get(pk=decided.pk)
    assert decided.round.scheme == old_scheme and decided.level == "good" and decided.score == 80
    assert evaluation_of(cast.secretary).round.scheme == old_scheme  # still open: still the old form
    later = services.round_open(organization=cast.tree.commune_a, year=YEAR + 1, deadline=dt.date(YEAR + 1, 12, 20))
    assert later.scheme.name == "Mới"
