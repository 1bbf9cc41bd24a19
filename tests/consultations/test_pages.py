"""The pages used end to end by the cell and the commune, the PDF, and query ceilings that
do not grow with the tree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Consultation, ConsultationSummary
from tests import factories as f
from tests.consultations.conftest import closing, comment, send


def test_the_committee_publishes_from_a_phone_form_and_keeps_what_was_typed_on_error(cast, login, media):
    client = login(cast.committee)
    url = reverse("consultation_new", args=[cast.tree.commune_a.public_id])
    response = client.post(url, {"title": "Dự thảo báo cáo chính trị", "issuing_body": "Tỉnh ủy",
                                 "closing_on": "2001-01-01", "summary": "Nội dung"})
    assert response.status_code == 200 and "Dự thảo báo cáo chính trị" in response.content.decode()
    response = client.post(url, {"title": "Dự thảo báo cáo chính trị", "issuing_body": "Tỉnh ủy",
                                 "closing_on": closing().isoformat(), "summary": "Nội dung", "send_final_up": "on"})
    draft = Consultation.objects.get()
    assert response.status_code == 302 and draft.reports_to == cast.tree.province


def test_the_secretary_marks_comments_taken_groups_them_and_sends_up(cast, people, draft, login):
    first = comment(draft, cast.member, cast.tree.a1, text="Ý kiến thứ nhất")
    second = comment(draft, people.neighbour, cast.tree.a1, text="Ý kiến thứ hai")
    url = reverse("consultation_summary", args=[draft.public_id, cast.tree.a1.public_id])
    client = login(cast.secretary)
    assert client.post(url, {"text": "", "action": "send"}).status_code == 200  # nothing to send: refused
    response = client.post(url, {"text": "Chi bộ thống nhất", f"take-{first.public_id}": "on",
                                 f"group-{first.public_id}": "Về kinh tế", "action": "send"})
    assert response.status_code == 302
    summary = ConsultationSummary.objects.get(organization=cast.tree.a1)
    assert summary.is_sent
    assert {(p.comment_id, p.taken) for p in summary.points.all()} == {(first.pk, True), (second.pk, False)}
    page = client.get(url).content.decode()
    assert "Về kinh tế" in page and 'name="text"' not in page  # frozen: no editor any more
    pdf = client.get(reverse("consultation_summary_pdf", args=[draft.public_id, cast.tree.a1.public_id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_commune_sees_progress_and_merges_the_sent_summaries(cast, people, draft, login):
    send(draft, cast.tree.a1, comments=[comment(draft, cast.member, cast.tree.a1)], text="Tổng hợp thôn Đông")
    url = reverse("consultation_summary", args=[draft.public_id, cast.tree.commune_a.public_id])
    page = login(cast.committee).get(url).content.decode()
    assert "Tổng hợp thôn Đông" in page and cast.tree.a2.name in page
    a1 = ConsultationSummary.objects.get(organization=cast.tree.a1)
    response = login(cast.committee).post(url, {"text": "Đảng bộ xã tổng hợp", f"take-{a1.public_id}": "on",
                                                "action": "send"})
    assert response.status_code == 302
    assert "Đảng bộ xã tổng hợp" in login(cast.orgcom).get(url).content.decode()


def _grow(cast, cells: int):
    for n in range(cells):
        cell = f.org(f"Chi bộ thêm {n}", parent=cast.tree.commune_a)
        member = f.member(cell)
        f.member(cell, role="secretary")
        yield cell, member


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["list", "detail", "commune", "cell"])
def test_pages_do_not_query_more_as_the_tree_grows(cast, draft, login, name):
    def url():
        return {
            "list": reverse("consultation_list"),
            "detail": reverse("consultation_detail", args=[draft.public_id]),
            "commune": reverse("consultation_summary", args=[draft.public_id, cast.tree.commune_a.public_id]),
            "cell": reverse("consultation_summary", args=[draft.public_id, cast.tree.a1.public_id]),
        }[name]
    client = login(cast.committee if name in ("list", "commune", "detail") else cast.secretary)
    for cell, member in _grow(cast, 2):
        send(draft, cell, comments=[comment(draft, member, cell)])
    comment(draft, cast.member, cast.tree.a1)
    small = _queries(client, url())
    for cell, member in _grow(cast, 5):
        send(draft, cell, comments=[comment(draft, member, cell)])
    comment(draft, cast.member, cast.tree.a1)
    assert _queries(client, url()) == small
    assert small <= 20


def test_the_progress_on_the_draft_page_equals_the_progress_on_the_summary_page(cast, draft, login):
    send(draft, cast.tree.a1, comments=[comment(draft, cast.member, cast.tree.a1)])
    client = login(cast.committee)
    detail = client.get(reverse("consultation_detail", args=[draft.public_id]))
    summary = client.get(reverse("consultation_summary", args=[draft.public_id, cast.tree.commune_a.public_id]))
    writing = detail.context["page"].writing
    commune = next(w for w in writing if w.organization == cast.tree.commune_a)
    progress = summary.context["page"].progress
    assert (commune.progress.sent_count, commune.progress.total) == (progress.sent_count, progress.total) == (1, 2)
