"""The yearly plan (set by the level above) and admissions against plan, by category, rolled up."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions.models import AdmissionPlan
from admissions.selectors import admission_figures, can_set_plan
from admissions.services import admission_plan_set
from members.access import scope_for
from tests import factories as f

YEAR = 2026


def admit(cell, *, on=dt.date(2026, 3, 1), born=dt.date(1980, 1, 1), **fields):
    return f.member(cell, official=False, admitted=on, date_of_birth=born, **fields)


@pytest.fixture
def admissions(cast):
    t = cast.tree
    admit(t.a1, born=dt.date(2000, 5, 1), gender="female")  # young, female
    admit(t.a1, workplace_kind="non_state", religion="Phật giáo")
    admit(t.a2, ethnicity="Tày")
    admit(t.b1, on=dt.date(2026, 1, 2))
    admit(t.b1, on=dt.date(2025, 12, 31))  # last year: not counted
    admission_plan_set(organization=t.commune_a, year=YEAR, target=2, target_young=1, target_religious=2)
    admission_plan_set(organization=t.commune_b, year=YEAR, target=3)
    return t


def test_admissions_are_counted_per_grassroots_organisation_by_category_against_plan(admissions):
    rows, total = admission_figures(admissions.province, YEAR)
    a, b = rows
    assert (a.organization, a.admitted, a.target, a.rate) == (admissions.commune_a, 3, 2, Decimal("150.0"))
    assert a.by_category == {"non_state": 1, "religious": 1, "young": 1, "female": 1, "ethnic_minority": 1}
    assert a.targets["young"] == 1 and a.targets["religious"] == 2 and a.targets["female"] is None
    assert (b.admitted, b.target, b.rate) == (1, 3, Decimal("33.3"))
    assert (total.admitted, total.target, total.rate) == (4, 5, Decimal("80.0"))
    assert total.targets["religious"] == 2


def test_figures_roll_up_at_any_depth(admissions):
    rows, total = admission_figures(admissions.commune_a, YEAR)
    assert [r.organization for r in rows] == [admissions.commune_a]
    assert total.admitted == 3


def test_only_a_committee_above_may_set_a_grassroots_plan(login, cast):
    t = cast.tree
    assert not can_set_plan(scope_for(cast.committee.user), t.commune_a)  # its own committee
    assert can_set_plan(scope_for(cast.orgcom.user), t.commune_a)  # the province's
    assert not can_set_plan(scope_for(cast.secretary.user), t.commune_a)
    assert not can_set_plan(scope_for(cast.orgcom.user), t.a1)  # not a grassroots organisation
    url = reverse("admissions_plan", args=[t.commune_a.public_id]) + f"?year={YEAR}"
    assert login(cast.committee).get(url).status_code == 404
    assert login(cast.outsider).get(url).status_code == 404
    assert login(cast.orgcom).get(url).status_code == 200


def test_the_province_sets_a_commune_plan_through_the_page(login, cast):
    url = reverse("admissions_plan", args=[cast.tree.commune_a.public_id]) + f"?year={YEAR}"
    client = login(cast.orgcom)
    response = client.post(url, {"target": 12, "target_non_state": 3, "target_religious": "", "target_young": 5,
                                 "target_female": "", "target_ethnic_minority": ""})
    assert response.status_code == 302
    plan = AdmissionPlan.objects.get(organization=cast.tree.commune_a, year=YEAR)
    assert (plan.target, plan.target_non_state, plan.target_young, plan.target_female) == (12, 3, 5, None)
    assert plan.set_by == cast.orgcom.user
    too_many = client.post(url, {"target": 2, "target_young": 5})
    assert too_many.status_code == 200 and too_many.context["form"].errors


def test_a_plan_is_set_for_a_grassroots_organisation_only(cast):
    with pytest.raises(ValidationError):
        admission_plan_set(organization=cast.tree.a1, year=YEAR, target=1)


def test_the_committee_page_shows_the_years_figures_and_exports_them(login, cast, admissions):
    client = login(cast.orgcom)
    url = reverse("admissions_committee", args=[admissions.province.public_id])
    page = client.get(url, {"year": YEAR})
    assert page.status_code == 200
    assert page.context["total"].admitted == 4
    assert admissions.commune_a.pk in page.context["plan_settable"]
    xlsx = client.get(url, {"year": YEAR, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][:4] == (admissions.commune_a.name, 2, 3, 1.5)
    assert rows[-1][2] == 4 and rows[-1][3] == pytest.approx(0.8)
    csv = client.get(url, {"year": YEAR, "format": "csv"})
    assert csv.status_code == 200 and "80.0" in csv.content.decode("utf-8-sig")
    assert client.get(url, {"year": YEAR, "format": "pdf"}).status_code == 404


def test_the_committee_page_is_closed_to_those_who_do_not_oversee_the_organisation(login, cast):
    url = reverse("admissions_committee", args=[cast.tree.commune_a.public_id])
    assert login(cast.outsider).get(url).status_code == 404
    assert login(cast.secretary).get(url).status_code == 404
    assert login(cast.committee).get(url).status_code == 200


def test_the_committee_page_needs_the_same_queries_at_two_sizes(login, cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.orgcom)
    url = reverse("admissions_committee", args=[cast.tree.province.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= 12
    for n in range(3):
        commune = f.org(f"Đảng bộ xã Mới {n}", kind="grassroots_committee", parent=cast.tree.province)
        cell = f.org(parent=commune)
        admit(cell)
        admit(cell, gender="female")
        admission_plan_set(organization=commune, year=YEAR, target=2)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200

