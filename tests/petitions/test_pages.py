"""The sender's and the committee's pages: forms keep what was typed, figures agree, queries stay few."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from petitions import selectors
from petitions.models import Petition
from petitions.services import petition_forward, petition_resolve
from tests import factories as f
from tests.petitions.conftest import raise_petition


def test_the_raise_form_keeps_what_was_typed_when_it_is_refused(cast, categories, login):
    client = login(cast.secretary)
    url = reverse("petition_new", kwargs={"org_id": cast.tree.a1.public_id})
    response = client.post(url, {"category": categories["difficulty"].pk, "title": "Thiếu địa điểm sinh hoạt", "text": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Thiếu địa điểm sinh hoạt"' in html and "field-error" in html
    assert f'<option value="{categories["difficulty"].pk}" selected>' in html
    assert not Petition.objects.exists()


def test_the_cell_raises_and_reads_the_answer_on_its_list(cast, categories, login):
    client = login(cast.secretary)
    response = client.post(reverse("petition_new", kwargs={"org_id": cast.tree.a1.public_id}), {
        "category": categories["petition"].pk, "title": "Đề nghị sửa nhà văn hóa", "text": "Mái dột."})
    petition = Petition.objects.get()
    assert response["Location"] == reverse("petition_detail", kwargs={"petition_id": petition.public_id})
    petition_resolve(petition=petition, actor=cast.committee.user, text="Xã đã bố trí kinh phí sửa mái.")
    html = client.get(reverse("petitions_sent", kwargs={"org_id": cast.tree.a1.public_id})).content.decode()
    assert "Đề nghị sửa nhà văn hóa" in html and "Xã đã bố trí kinh phí sửa mái." in html


def test_a_refused_action_shows_its_form_again_with_what_was_typed(cast, petition, login):
    client = login(cast.committee)
    url = reverse("petition_act", kwargs={"petition_id": petition.public_id, "action": "assign"})
    response = client.post(url, {"assign-assignee": "", "assign-text": "Ghi chú của tôi"})
    assert response.status_code == 400
    assert "Ghi chú của tôi" in response.content.decode()
    response = client.post(url, {"assign-assignee": "Ủy ban Kiểm tra", "assign-member": str(cast.committee.public_id)})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.assignee == "Ủy ban Kiểm tra" and petition.status == "assigned"


def _spread(cast, categories, n):
    """n petitions from each of A1, A2 and commune A; some forwarded, resolved or overdue."""
    for i in range(n):
        for sender, actor in ((cast.tree.a1, cast.secretary), (cast.tree.a2, cast.committee),
                              (cast.tree.commune_a, cast.committee)):
            p = raise_petition(sender, actor, categories["difficulty" if i % 2 else "petition"], title=f"Số {i}")
            if i % 3 == 1:
                Petition.objects.filter(pk=p.pk).update(raised_on=dt.date(2026, 1, 1), due_on=dt.date(2026, 1, 16))
            elif i % 3 == 2 and sender != cast.tree.commune_a:
                petition_forward(petition=p, actor=cast.committee.user)
                petition_resolve(petition=p, actor=cast.orgcom.user, text="Xong")
    raise_petition(cast.tree.b1, cast.outsider, categories["petition"], title="Của xã khác")


def test_the_committee_page_rolls_up_the_tree_and_equals_the_dashboard_card(cast, categories, login):
    _spread(cast, categories, 4)
    province = selectors.committee_summary(cast.tree.province)
    assert province.total.unresolved + province.total.resolved == 13
    units = {row.organization.name: row.counts for row in province.units}
    assert units["Đảng bộ xã An Phú"].total == 12 and units["Đảng bộ xã Bình Minh"].total == 1
    commune = selectors.committee_summary(cast.tree.commune_a)
    rows = {row.organization.name: row.counts for row in commune.units}
    assert rows["Đảng bộ xã An Phú"].total == 4  # its own petitions, to the province
    assert rows["Chi bộ thôn Đông"].total == rows["Chi bộ thôn Đoài"].total == 4
    card = selectors.dashboard_figures(cast.tree.commune_a)
    assert (card.unresolved, card.overdue, card.long_unresolved, card.resolved) == (
        commune.total.unresolved, commune.total.overdue, commune.total.long_unresolved, commune.total.resolved)
    assert card.overdue == 3 and card.resolved == 2
    client = login(cast.committee)
    page = client.get(reverse("petitions_committee", kwargs={"org_id": cast.tree.commune_a.public_id})).content.decode()
    assert f'data-figure="overdue">{card.overdue}<' in page
    card_url = reverse("petitions_dashboard_card", kwargs={"org_id": cast.tree.commune_a.public_id})
    dashboard = client.get(reverse("org_dashboard", kwargs={"org_id": cast.tree.commune_a.public_id})).content.decode()
    assert f'hx-get="{card_url}"' in dashboard  # the card loads its figures itself
    shown = client.get(card_url).content.decode()
    assert f'data-figure="petitions-overdue">{card.overdue}<' in shown
    assert f'data-figure="petitions-long-unresolved">{card.long_unresolved}<' in shown


def test_the_card_counts_those_unresolved_for_more_than_the_configured_days(cast, categories, settings):
    _spread(cast, categories, 2)
    settings.HANDBOOK_PETITION_UNRESOLVED_DAYS = 100_000
    assert selectors.dashboard_figures(cast.tree.commune_a).long_unresolved == 0
    settings.HANDBOOK_PETITION_UNRESOLVED_DAYS = 1
    assert selectors.dashboard_figures(cast.tree.commune_a).long_unresolved == 3


@pytest.mark.parametrize("name,who,org", [
    ("petitions_committee", "committee", "commune_a"), ("petitions_committee", "orgcom", "province"),
    ("petitions_sent", "secretary", "a1"), ("petitions_dashboard_card", "committee", "commune_a"),
])
def test_the_pages_keep_a_constant_number_of_queries(cast, categories, login, django_assert_max_num_queries,
                                                      name, who, org):
    client = login(getattr(cast, who))
    url = reverse(name, kwargs={"org_id": getattr(cast.tree, org).public_id})
    _spread(cast, categories, 1)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    _spread(cast, categories, 6)
    for i in range(3):
        f.org(f"Chi bộ thêm {i}", parent=cast.tree.commune_a)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_the_petition_page_keeps_a_constant_number_of_queries(cast, petition, login, django_assert_max_num_queries):
    client = login(cast.committee)
    url = reverse("petition_detail", kwargs={"petition_id": petition.public_id})
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    petition_forward(petition=petition, actor=cast.committee.user)
    petition_resolve(petition=petition, actor=cast.orgcom.user, text="Xong")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_export_writes_numbers_as_numbers_and_no_formula(cast, categories, login):
    raise_petition(cast.tree.a1, cast.secretary, categories["petition"], title="=HYPERLINK(\"http://x\")")
    response = login(cast.committee).get(
        reverse("petitions_export", kwargs={"org_id": cast.tree.commune_a.public_id}) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[2]]
    row = [c.value for c in sheet[3]]
    assert row[0].startswith("'=")
    assert header[7] and isinstance(row[7], int) and isinstance(row[8], int)


def test_the_organisation_table_exports_with_the_page_figures(cast, categories, login):
    _spread(cast, categories, 4)
    response = login(cast.orgcom).get(
        reverse("petitions_export", kwargs={"org_id": cast.tree.province.public_id}) + "?table=units&format=xlsx")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3)]
    summary = selectors.committee_summary(cast.tree.province)
    assert rows[-1][1:4] == [summary.total.unresolved, summary.total.overdue, summary.total.long_unresolved]
    assert rows[-1][5] == summary.total.resolved and all(isinstance(v, int) for v in rows[0][1:4])
