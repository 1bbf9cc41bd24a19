"""The meeting page for members, officers, the committees above, and nobody else."""

import pytest
from django.urls import reverse

from meetings.services.discussion import draft_comment_add, draft_publish
from meetings.services.documents import document_add
from meetings.services.excuses import excuse_submit
from meetings.services.schedule import meeting_cancel
from tests import factories as f
from tests.meetings.conftest import grow, pdf


def url(meeting):
    return reverse("meeting_detail", args=[meeting.public_id])


@pytest.fixture
def prepared(meeting, cast):
    document_add(meeting=meeting, upload=pdf(), title="Đề cương")
    draft_publish(meeting=meeting, text="Chi bộ thống nhất chỉ tiêu quý")
    draft_comment_add(meeting=meeting, member=cast.secretary, text="Bổ sung chỉ tiêu đảng phí")
    return meeting


def test_a_member_sees_when_where_agenda_documents_draft_and_their_excuse(prepared, cast, login):
    excuse_submit(meeting=prepared, member=cast.member, reason="Đi công tác")
    page = login(cast.member).get(url(prepared)).content.decode()
    for text in ("Nhà văn hóa thôn Đông", "19:30 – 21:00", "còn 3 ngày", "1. Kiểm điểm tháng", "Đề cương",
                 "Chi bộ thống nhất chỉ tiêu quý", "Bổ sung chỉ tiêu đảng phí", "Đồng chí đã xin vắng: “Đi công tác”."):
        assert text in page, text
    assert 'name="text"' in page and 'name="reason"' in page
    assert reverse("document_upload", args=[prepared.public_id]) not in page
    assert reverse("draft_edit", args=[prepared.public_id]) not in page
    assert "Trần Văn Bí</strong>:" not in page  # members do not see others' excuses


def test_the_secretary_gets_the_officer_tools(prepared, cast, login):
    page = login(cast.secretary).get(url(prepared)).content.decode()
    for name in ("document_upload", "draft_edit", "meeting_edit", "meeting_postpone", "meeting_cancel"):
        assert reverse(name, args=[prepared.public_id]) in page, name
    assert "Dành cho chi ủy" in page


def test_the_committee_above_reads_without_tools_or_forms(prepared, cast, login):
    page = login(cast.committee).get(url(prepared)).content.decode()
    assert "Đề cương" in page and "Bổ sung chỉ tiêu đảng phí" in page
    for name in ("document_upload", "draft_edit", "draft_comment", "meeting_excuse", "meeting_edit"):
        assert reverse(name, args=[prepared.public_id]) not in page, name


def test_a_cancelled_meeting_shows_the_reason_and_offers_nothing(meeting, cast, login):
    meeting_cancel(meeting=meeting, reason="Bão số 5")
    page = login(cast.member).get(url(meeting)).content.decode()
    assert "Bão số 5" in page and "Đã hủy" in page
    assert 'name="reason"' not in page


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_people_outside_the_cell_and_its_committees_get_404(meeting, cast, login, who):
    person = cast.outsider if who == "outsider" else f.member(cast.tree.a2, username="stranger")
    assert login(person).get(url(meeting)).status_code == 404


@pytest.mark.parametrize("who", ["member", "secretary", "committee"])
def test_the_page_keeps_a_constant_number_of_queries(prepared, cast, login, constant_queries, who):
    def populate(count):
        for member in grow(cast.tree.a1, count):
            draft_comment_add(meeting=prepared, member=member, text=f"Ý kiến {member.pk}")
            excuse_submit(meeting=prepared, member=member, reason="Bận")
            document_add(meeting=prepared, upload=pdf(size=100))
    populate(8)
    client = login(getattr(cast, who))
    constant_queries(lambda: client.get(url(prepared)), lambda: populate(90), ceiling=16)
