"""Who sees what: the draft reaches the cells under its publisher; a cell's comments and
summary are seen by the cell and the committees above it, never by another cell; outsiders
get a 404 on every page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.consultations.conftest import comment, publish, send


@pytest.fixture
def sent(cast, people, media, django_capture_on_commit_callbacks):
    pdf = SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4 du thao", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        draft = publish(cast.tree.commune_a, actor=cast.committee.user, attachment=pdf, send_final_up=True)
    mine = comment(draft, cast.member, cast.tree.a1, text="Ý kiến riêng của chi bộ thôn Đông")
    a1 = send(draft, cast.tree.a1, comments=[mine], text="Tổng hợp của chi bộ thôn Đông")
    return draft, mine, a1


def _who(cast, people, name):
    return getattr(people, name, None) or getattr(cast, name)


@pytest.mark.parametrize(("who", "status"), [
    ("member", 200), ("secretary", 200), ("a2_member", 200), ("committee", 200), ("orgcom", 200), ("admin", 200),
    ("outsider", 404),
])
def test_the_draft_and_its_document_are_seen_under_the_publisher_and_above(cast, people, sent, login, who, status):
    draft, _, _ = sent
    client = login(_who(cast, people, who))
    assert client.get(reverse("consultation_detail", args=[draft.public_id])).status_code == status
    assert client.get(reverse("consultation_file", args=[draft.public_id])).status_code == status


@pytest.mark.parametrize(("who", "status"), [
    ("member", 200), ("secretary", 200), ("committee", 200), ("orgcom", 200),
    ("a2_member", 404), ("outsider", 404),
])
def test_a_cells_summary_and_comments_are_never_seen_by_another_cell(cast, people, sent, login, who, status):
    draft, mine, _ = sent
    client = login(_who(cast, people, who))
    url = reverse("consultation_summary", args=[draft.public_id, cast.tree.a1.public_id])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert mine.text in response.content.decode()
    pdf = client.get(reverse("consultation_summary_pdf", args=[draft.public_id, cast.tree.a1.public_id]))
    assert pdf.status_code == status


def test_a_member_of_another_cell_does_not_read_the_comments_on_the_draft_page(cast, people, sent, login):
    draft, mine, _ = sent
    page = login(people.a2_member).get(reverse("consultation_detail", args=[draft.public_id])).content.decode()
    assert mine.text not in page
    page = login(people.neighbour).get(reverse("consultation_detail", args=[draft.public_id])).content.decode()
    assert mine.text in page


@pytest.mark.parametrize(("who", "status"), [
    ("committee", 200), ("orgcom", 200), ("member", 404), ("secretary", 404), ("outsider", 404),
])
def test_the_communes_summary_page_is_for_its_committee_and_the_levels_above(cast, people, sent, login, who, status):
    draft, _, _ = sent
    url = reverse("consultation_summary", args=[draft.public_id, cast.tree.commune_a.public_id])
    assert login(_who(cast, people, who)).get(url).status_code == status


def test_a_draft_summary_is_read_only_by_those_who_write_it(cast, people, login):
    draft = publish(cast.tree.commune_a)
    send(draft, cast.tree.a1, text="Bản nháp chưa gửi", send=False)
    url = reverse("consultation_summary", args=[draft.public_id, cast.tree.a1.public_id])
    assert "Bản nháp chưa gửi" in login(cast.secretary).get(url).content.decode()
    for who in (cast.member, cast.committee, cast.orgcom):
        assert "Bản nháp chưa gửi" not in login(who).get(url).content.decode()


@pytest.mark.parametrize(("who", "status"), [
    ("committee", 200), ("orgcom", 404), ("secretary", 404), ("member", 404), ("outsider", 404),
])
def test_only_the_committee_seated_at_an_organisation_publishes_from_it(cast, people, login, who, status):
    url = reverse("consultation_new", args=[cast.tree.commune_a.public_id])
    assert login(_who(cast, people, who)).get(url).status_code == status


def test_outsiders_and_readers_cannot_write(cast, people, sent, login):
    draft, mine, _ = sent
    outsider = login(cast.outsider)
    assert outsider.post(reverse("consultation_comment", args=[draft.public_id]), {"text": "x"}).status_code == 404
    a2 = reverse("consultation_summary", args=[draft.public_id, cast.tree.a2.public_id])
    for who in (cast.outsider, cast.orgcom, cast.member, cast.secretary):
        assert login(who).post(a2, {"text": "x", "action": "save"}).status_code == 404
    edit = reverse("consultation_comment_edit", args=[draft.public_id, mine.public_id])
    for who in (people.neighbour, cast.secretary, cast.outsider):
        assert login(who).get(edit).status_code == 404


def test_the_list_shows_each_user_the_drafts_that_reach_them(cast, people, sent, login):
    draft, _, _ = sent
    for who, seen in ((cast.member, True), (cast.orgcom, True), (cast.outsider, False)):
        page = login(who).get(reverse("consultation_list")).content.decode()
        assert (draft.title in page) is seen
