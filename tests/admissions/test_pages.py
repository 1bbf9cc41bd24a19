"""The secretary's candidate pages: list, new, detail with the next step's form, papers, withdrawal;
who may see and record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from admissions.models import Candidate, Step
from tests import factories as f
from tests.admissions.conftest import register


def test_the_secretary_registers_a_candidate_and_records_the_steps(login, cast):
    client = login(cast.secretary)
    a1 = cast.tree.a1
    response = client.post(reverse("admissions_candidate_new", args=[a1.public_id]), {
        "full_name": "Phạm Thu Trang", "date_of_birth": "1999-02-03", "gender": "female", "ethnicity": "Kinh",
        "religion": "", "workplace_kind": "non_state", "workplace": "Công ty May Tân Lạc", "citizen_id": "",
        "phone": "0912 345 678", "registered_on": "2025-03-01"})
    candidate = Candidate.objects.get()
    assert response.status_code == 302 and response.url == reverse("admissions_candidate", args=[candidate.public_id])
    detail = client.get(response.url)
    assert detail.status_code == 200 and detail.context["next_step"] == Step.COURSE

    def step(name, data):
        return client.post(reverse("admissions_candidate_step", args=[candidate.public_id, name]), data)

    assert step("course", {"course_on": "2025-04-01", "course_certificate": "CN-9"}).status_code == 302
    assert step("sponsors", {"sponsor_1": cast.secretary.pk, "sponsor_2": cast.member.pk,
                             "sponsors_on": "2025-05-02"}).status_code == 302
    assert step("vote", {"vote_on": "2025-06-03", "official_members": 8, "votes_for": 6,
                         "votes_against": 0}).status_code == 302
    assert step("decision", {"decision_number": "125-QĐ/ĐU", "decision_on": "2025-07-04",
                             "decision_organization": str(cast.tree.commune_a.public_id)}).status_code == 302
    assert step("ceremony", {"ceremony_on": "2025-08-05", "party_card_number": ""}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == Step.CEREMONY and candidate.member.admission_date.isoformat() == "2025-08-05"
    assert client.get(reverse("admissions_candidate", args=[candidate.public_id])).context["step_form"] is None


def test_a_refused_step_is_shown_on_its_form(login, cast, candidate, take):
    take(candidate, Step.SPONSORS)
    client = login(cast.secretary)
    response = client.post(reverse("admissions_candidate_step", args=[candidate.public_id, "vote"]),
                           {"vote_on": "2025-06-03", "official_members": 8, "votes_for": 4, "votes_against": 4})
    assert response.status_code == 200 and "votes_for" in response.context["step_form"].errors
    out_of_order = client.post(reverse("admissions_candidate_step", args=[candidate.public_id, "ceremony"]),
                               {"ceremony_on": "2025-08-05"})
    assert out_of_order.status_code == 200 and out_of_order.context["step_form"].non_field_errors()
    candidate.refresh_from_db()
    assert candidate.stage == Step.SPONSORS


def test_a_candidate_under_age_is_refused_on_the_new_candidate_form(login, cast):
    response = login(cast.secretary).post(reverse("admissions_candidate_new", args=[cast.tree.a1.public_id]), {
        "full_name": "Trẻ Quá", "date_of_birth": "2010-01-01", "gender": "male", "ethnicity": "Kinh",
        "workplace_kind": "other", "registered_on": "2025-03-01"})
    assert response.status_code == 200 and "date_of_birth" in response.context["form"].errors
    assert not Candidate.objects.exists()


def test_papers_are_attached_and_downloaded_by_those_who_see_the_candidate(login, cast, candidate):
    client = login(cast.secretary)
    upload = SimpleUploadedFile("Đơn.pdf", b"%PDF-1.7\n" + b"0" * 50, content_type="application/pdf")
    response = client.post(reverse("admissions_document_upload", args=[candidate.public_id]),
                           {"step": "registered", "title": "Đơn xin vào Đảng", "file": upload})
    assert response.status_code == 302
    document = candidate.documents.get()
    url = reverse("admissions_document_download", args=[document.public_id])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(cast.committee).get(url).status_code == 200
    assert login(cast.outsider).get(url).status_code == 404
    assert login(cast.member).get(url).status_code == 404


def test_the_secretary_withdraws_a_candidate_with_a_reason(login, cast, candidate):
    client = login(cast.secretary)
    url = reverse("admissions_candidate_withdraw", args=[candidate.public_id])
    assert client.post(url, {"withdrawn_on": "2025-04-01", "withdrawal_reason": ""}).status_code == 200
    assert client.post(url, {"withdrawn_on": "2025-04-01", "withdrawal_reason": "Chuyển công tác"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == Step.WITHDRAWN


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_outsiders_and_plain_members_see_no_candidate(login, cast, candidate, who):
    client = login(getattr(cast, who))
    assert client.get(reverse("admissions_candidates", args=[cast.tree.a1.public_id])).status_code == 404
    assert client.get(reverse("admissions_candidate", args=[candidate.public_id])).status_code == 404
    assert client.get(reverse("admissions_candidate_new", args=[cast.tree.a1.public_id])).status_code == 404
    assert client.post(reverse("admissions_candidate_step", args=[candidate.public_id, "course"]),
                       {"course_on": "2025-04-01", "course_certificate": "X"}).status_code == 404


def test_the_committee_above_reads_candidates_but_records_no_step(login, cast, candidate):
    client = login(cast.committee)
    assert client.get(reverse("admissions_candidates", args=[cast.tree.a1.public_id])).status_code == 200
    detail = client.get(reverse("admissions_candidate", args=[candidate.public_id]))
    assert detail.status_code == 200 and detail.context["step_form"] is None
    assert client.post(reverse("admissions_candidate_step", args=[candidate.public_id, "course"]),
                       {"course_on": "2025-04-01", "course_certificate": "X"}).status_code == 404
    assert client.post(reverse("admissions_candidate_withdraw", args=[candidate.public_id]),
                       {"withdrawn_on": "2025-04-01", "withdrawal_reason": "X"}).status_code == 404


def test_an_unknown_step_is_a_404(login, cast, candidate):
    url = reverse("admissions_candidate_step", args=[candidate.public_id, "registered"])
    assert login(cast.secretary).post(url, {}).status_code == 404


def test_the_candidate_list_needs_the_same_queries_at_two_sizes(login, cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.secretary)
    url = reverse("admissions_candidates", args=[cast.tree.a1.public_id])
    register(cast.tree.a1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= 10
    for n in range(5):
        register(cast.tree.a1, name=f"Ứng Viên {n}")
    f.member(cast.tree.a1)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_the_candidate_page_needs_the_same_queries_at_two_sizes(login, cast, candidate, take,
                                                               django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from admissions.services import candidate_document_add

    client = login(cast.secretary)
    url = reverse("admissions_candidate", args=[candidate.public_id])
    take(candidate, Step.VOTE)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= 10
    for n in range(3):
        candidate_document_add(candidate=candidate, step=Step.COURSE, title=f"Giấy {n}",
                               upload=SimpleUploadedFile("g.pdf", b"%PDF-1.4\n00"))
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
