"""The evaluation roll-up: counts per organisation and year summed up the tree, refreshed on
commit of each step, equal to a count from the records, the same on every page that shows them."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cells.models import Organization
from evaluations import figures, rules, selectors, services
from evaluations.models import EvaluationYear, MemberEvaluation
from tests import factories as f
from tests.evaluations.conftest import YEAR, points_for, unit_evaluation_of, walk


def _count(org, level_in) -> tuple[int, int]:
    rows = MemberEvaluation.objects.filter(year=YEAR, cell__path__startswith=org.path, decided_at__isnull=False)
    return rows.filter(level__in=level_in).count(), rows.count()


@pytest.fixture
def decided(cast, opened, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk(cast, cast.member, score=80, proposed="good")
        walk(cast, cast.secretary, score=60, proposed="completed")
        walk(cast, cast.committee, score=40, proposed="not_completed")
        unit = unit_evaluation_of(cast.tree.a1)
        services.organization_self_assess(evaluation=unit, points=points_for(opened, 85), text="")
        services.organization_review(evaluation=unit, proposed_level="good", votes_for=2)
        services.organization_decide(evaluation=unit, level="good")
        own = unit_evaluation_of(cast.tree.commune_a)  # reviewed by its committee, not decided yet
        services.organization_self_assess(evaluation=own, points=points_for(opened, 85), text="")
        services.organization_review(evaluation=own, proposed_level="good", votes_for=1)
    return cast


def test_each_step_refreshes_the_figures_of_the_chain(decided):
    commune = EvaluationYear.objects.get(organization=decided.tree.commune_a, year=YEAR)
    province = EvaluationYear.objects.get(organization=decided.tree.province, year=YEAR)
    for row in (commune, province):
        assert (row.members_expected, row.members_decided, row.members_good, row.members_completed,
                row.members_not_completed) == (4, 3, 1, 1, 1)
        assert (row.cells_expected, row.cells_decided, row.cells_good, row.grassroots_expected) == (2, 1, 1, 1)
        assert (row.grassroots_self_assessed, row.grassroots_reviewed, row.grassroots_decided) == (0, 1, 0)
    assert EvaluationYear.objects.get(organization=decided.tree.a1, year=YEAR).members_expected == 2


def test_a_rebuild_gives_the_rows_each_refresh_left(decided):
    before = {(row.organization_id, row.year): [getattr(row, key) for key in figures.COLUMNS]
              for row in EvaluationYear.objects.all()}
    EvaluationYear.objects.all().delete()
    figures.rebuild(years=[YEAR])
    after = {(row.organization_id, row.year): [getattr(row, key) for key in figures.COLUMNS]
             for row in EvaluationYear.objects.all()}
    assert after == before


def test_the_percentages_equal_a_count_from_the_records(decided):
    for org in (decided.tree.commune_a, decided.tree.province):
        this_year, _ = selectors.figures_for(org, YEAR)
        good, all_decided = _count(org, rules.GOOD_OR_EXCELLENT)
        assert this_year.members["good_rate"] == rules.good_or_excellent_rate(excellent=0, good=good,
                                                                               decided=all_decided)
        not_completed, _ = _count(org, ["not_completed"])
        assert this_year.members["not_completed_rate"] == rules.not_completed_rate(
            not_completed=not_completed, decided=all_decided)
    commune, _ = selectors.figures_for(decided.tree.commune_a, YEAR)
    assert str(commune.members["good_rate"]) == "33.3" and commune.members["not_started"] == 1


def test_the_dashboard_card_the_evaluation_page_and_the_monthly_report_show_the_same_percentages(decided, login):
    client = login(decided.committee)
    dashboard = client.get(reverse("org_dashboard", args=[decided.tree.commune_a.public_id]), {"period": YEAR})
    page = client.get(reverse("evaluation_org", args=[decided.tree.commune_a.public_id]), {"year": YEAR})
    report = client.get(reverse("monthly_report", args=[decided.tree.commune_a.public_id]), {"month": f"{YEAR}-12"})
    for response in (dashboard, page, report):
        assert 'data-figure="members-good">33,3 %<' in response.content.decode()
        assert 'data-figure="organizations-good">100,0 %<' in response.content.decode()


def test_the_export_writes_numbers_and_percentages_as_numbers(decided, login):
    client = login(decided.committee)
    response = client.get(reverse("evaluation_export", args=[decided.tree.commune_a.public_id]),
                          {"year": YEAR, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    total = [cell.value for cell in sheet[sheet.max_row]]
    assert total[1] == 4 and total[5] == 3
    assert total[-2] == pytest.approx(0.333) and sheet.cell(row=sheet.max_row, column=len(total) - 1).number_format == "0.0%"


def test_the_evaluation_page_costs_the_same_queries_at_two_sizes(decided, login, django_assert_max_num_queries):
    client = login(decided.orgcom)
    url = reverse("evaluation_org", args=[decided.tree.province.public_id]) + f"?year={YEAR}"
    dashboard = reverse("org_dashboard", args=[decided.tree.province.public_id]) + f"?period={YEAR}"
    client.get(url)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    with django_assert_max_num_queries(10):
        client.get(dashboard)
    for index in range(3):
        commune = f.org(f"Đảng bộ xã Thêm {index}", kind=Organization.Kind.GRASSROOTS_COMMITTEE,
                        parent=decided.tree.province)
        cell = f.org(f"Chi bộ Thêm {index}", parent=commune)
        f.member(cell)
        f.member(cell)
        services.round_open(organization=commune, year=YEAR, deadline=dt.date(2025, 12, 20))
    figures.rebuild(years=[YEAR])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Đảng bộ xã Thêm 2" in client.get(url).content.decode()
    with django_assert_max_num_queries(10):
        client.get(dashboard)


def test_the_command_rebuilds_the_figures(decided):
    from django.core.management import call_command

    EvaluationYear.objects.all().delete()
    call_command("evaluations_rebuild", "--years", f"{YEAR}-{YEAR}", stdout=io.StringIO())
    assert EvaluationYear.objects.get(organization=decided.tree.province, year=YEAR).members_decided == 3
