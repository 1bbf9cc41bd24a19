"""The yearly figures: commendations by form and discipline by level, per grassroots
organisation under the viewer's organisation (any depth), as a page, xlsx and CSV."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cells.models import Organization
from conduct.selectors import yearly_counts
from tests import factories as f
from tests.conduct.conftest import commend, discipline


@pytest.fixture
def figures(cast):
    commend(cast.member)
    commend(cast.secretary, kind="emulation_title")
    commend(cast.outsider, kind="emulation_title")
    discipline(cast.member, level="warning")
    commend(cast.member, decision_date=dt.date(2024, 3, 1))  # another year
    return cast


def test_counts_roll_up_per_grassroots_organisation_and_in_total(figures):
    rows, total = yearly_counts(figures.tree.province, 2025)
    by_name = {row.organization.name: row for row in rows}
    a, b = by_name["Đảng bộ xã An Phú"], by_name["Đảng bộ xã Bình Minh"]
    assert (a.commendations["certificate_of_merit"], a.commendations["emulation_title"], a.commendation_total) == (1, 1, 2)
    assert (a.disciplines["warning"], a.discipline_total) == (1, 1)
    assert (b.commendation_total, b.discipline_total) == (1, 0)
    assert (total.commendation_total, total.discipline_total) == (3, 1)


def test_counts_go_through_any_depth_of_the_tree(figures):
    # A district between the province and a new commune, a partial committee inside it.
    district = f.org("Đảng bộ huyện Giữa", kind=Organization.Kind.DISTRICT, parent=figures.tree.province)
    commune = f.org("Đảng bộ xã Sâu", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=district)
    partial = f.org("Đảng bộ bộ phận", kind=Organization.Kind.PARTIAL_COMMITTEE, parent=commune)
    cell = f.org("Chi bộ xóm Trong", parent=partial)
    commend(f.member(cell), kind="order_or_medal")
    rows, total = yearly_counts(figures.tree.province, 2025)
    assert {row.organization.name: row.commendation_total for row in rows}["Đảng bộ xã Sâu"] == 1
    assert total.commendation_total == 4
    rows, _ = yearly_counts(district, 2025)
    assert [(row.organization.name, row.commendations["order_or_medal"]) for row in rows] == [("Đảng bộ xã Sâu", 1)]
    rows, total = yearly_counts(cell, 2025)  # below the grassroots level: the organisation itself
    assert [row.organization for row in rows] == [cell] and total.commendation_total == 1


def test_the_committee_page_shows_its_own_subtree_only(figures, login):
    client = login(figures.committee)
    page = client.get(reverse("conduct_committee", args=[figures.tree.commune_a.public_id]), {"year": 2025})
    assert page.status_code == 200
    assert "Đảng bộ xã Bình Minh" not in page.content.decode()
    for who in (figures.outsider, figures.member, figures.secretary):
        assert login(who).get(reverse("conduct_committee", args=[figures.tree.commune_a.public_id])).status_code == 404
        assert login(who).get(reverse("conduct_export", args=[figures.tree.commune_a.public_id])).status_code == 404


def test_the_counts_page_costs_the_same_queries_at_two_sizes(cast, login, django_assert_max_num_queries):
    url = reverse("conduct_committee", args=[cast.tree.province.public_id]) + "?year=2025"
    client = login(cast.orgcom)
    commend(cast.member)
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for index in range(3):
        commune = f.org(f"Đảng bộ xã Thêm {index}", kind=Organization.Kind.GRASSROOTS_COMMITTEE,
                        parent=cast.tree.province)
        cell = f.org(f"Chi bộ Thêm {index}", parent=commune)
        for member in (f.member(cell), f.member(cell)):
            commend(member)
            discipline(member)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Đảng bộ xã Thêm 2" in client.get(url).content.decode()


def test_the_counts_export_as_xlsx_and_csv(figures, login):
    client = login(figures.orgcom)
    url = reverse("conduct_export", args=[figures.tree.province.public_id])
    book = load_workbook(io.BytesIO(client.get(url, {"year": 2025, "format": "xlsx"}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert "2025" in rows[0][0]
    total = rows[-1]
    assert total[0] in ("Total", "Tổng cộng")
    assert total[6] == 3 and total[-1] == 1  # commendations, discipline
    text = client.get(url, {"year": 2025, "format": "csv"}).content.decode("utf-8-sig")
    assert "Đảng bộ xã An Phú" in text
    assert client.get(url, {"format": "pdf"}).status_code == 404
