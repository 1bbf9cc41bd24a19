"""The parts of the member pages kept per cell (meetings/page_cache.py): every write that changes
what they show is seen at once, one cell's part never shows in another's page, each language
has its own, a member's own excuse is never shared, and a cache that fails renders the page."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cells.services import organization_update
from meetings.services.discussion import draft_comment_add, draft_publish
from meetings.services.documents import document_add, document_delete
from meetings.services.excuses import excuse_submit
from meetings.services.schedule import meeting_cancel, meeting_postpone, meeting_schedule, meeting_update
from tests import factories as f


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="Báo cáo tháng.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * 2000, content_type="application/pdf")


def as_user(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def queries_of(client, path) -> int:
    """The SQL statements of one request of `path`, answered 200."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def home(client) -> str:
    return client.get(reverse("home")).content.decode()


def meeting_list(client, cell) -> str:
    return client.get(reverse("cell_meetings", args=[cell.public_id])).content.decode()


def test_the_home_shows_each_change_to_the_meetings_at_once(cast):
    client = as_user(cast.member)
    assert "Chưa có lịch sinh hoạt." in home(client)  # kept: no meeting yet
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), place="Nhà văn hóa thôn Đông")
    assert "Nhà văn hóa thôn Đông" in home(client)
    meeting_update(meeting=meeting, place="Hội trường xã")
    assert "Hội trường xã" in home(client)
    meeting_postpone(meeting=meeting, starts_at=f.at(5), reason="Trùng lịch thu hoạch")
    page = home(client)
    assert "Trùng lịch thu hoạch" in page and "còn 5 ngày" in page
    meeting_cancel(meeting=meeting, reason="Bão")
    assert "Hội trường xã" not in home(client)


def test_the_home_shows_a_document_posted_or_removed_and_the_draft_comments(cast):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    client = as_user(cast.member)
    assert "Báo cáo tháng" not in home(client)
    document = document_add(meeting=meeting, upload=pdf(), title="Báo cáo tháng")
    assert "Báo cáo tháng" in home(client)
    draft_publish(meeting=meeting, text="Dự thảo")
    assert "0 ý kiến" in home(client)
    draft_comment_add(meeting=meeting, member=cast.secretary, text="Đồng ý")
    assert "1 ý kiến" in home(client)
    document_delete(document=document)
    assert "Báo cáo tháng" not in home(client)


def detail(client, meeting) -> str:
    return client.get(reverse("meeting_detail", args=[meeting.public_id])).content.decode()


def test_the_meeting_page_shows_each_document_and_comment_at_once_to_members_and_officers(cast):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    member, secretary = as_user(cast.member), as_user(cast.secretary)
    assert "Chưa có tài liệu" in detail(member, meeting)
    document = document_add(meeting=meeting, upload=pdf(), title="Báo cáo tháng")
    assert "Báo cáo tháng" in detail(member, meeting)
    page = detail(secretary, meeting)
    assert "Báo cáo tháng" in page and reverse("document_delete", args=[document.public_id]) in page
    assert reverse("document_delete", args=[document.public_id]) not in detail(member, meeting)
    draft_publish(meeting=meeting, text="Dự thảo nghị quyết")
    assert "0 ý kiến" in detail(member, meeting)
    draft_comment_add(meeting=meeting, member=cast.secretary, text="Đồng ý với dự thảo")
    page = detail(member, meeting)
    assert "1 ý kiến" in page and "Đồng ý với dự thảo" in page
    document_delete(document=document)
    assert "Báo cáo tháng" not in detail(member, meeting)


def test_a_meetings_kept_lists_need_fewer_queries_and_never_show_in_another_meeting(cast, settings):
    first = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    second = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(10), kind="extraordinary")
    document_add(meeting=first, upload=pdf(), title="Tài liệu cuộc họp đầu")
    client = as_user(cast.member)
    assert "Tài liệu cuộc họp đầu" in detail(client, first)
    assert "Tài liệu cuộc họp đầu" not in detail(client, second)
    with CaptureQueriesContext(connection) as kept:
        detail(client, first)
    settings.HANDBOOK_PAGE_CACHE = False
    with CaptureQueriesContext(connection) as rendered:
        detail(client, first)
    assert len(kept) < len(rendered)
    assert outsider_status(cast, first) == 404


def outsider_status(cast, meeting) -> int:
    return as_user(cast.outsider).get(reverse("meeting_detail", args=[meeting.public_id])).status_code


def test_a_member_who_joins_a_cell_sees_its_meetings(cast):
    meeting_schedule(cell=cast.tree.a2, starts_at=f.at(3), place="Sân đình thôn Đoài")
    newcomer = f.member(cast.tree.a1, username="newcomer")
    client = as_user(newcomer)
    assert "Sân đình thôn Đoài" not in home(client)
    joined = f.member(cast.tree.a2, username="joined")
    assert "Sân đình thôn Đoài" in home(as_user(joined))


def test_the_meeting_list_shows_each_change_at_once(cast):
    client = as_user(cast.member)
    assert "Chưa có lịch sinh hoạt." in meeting_list(client, cast.tree.a1)
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    page = meeting_list(client, cast.tree.a1)
    assert reverse("meeting_detail", args=[meeting.public_id]) in page
    document_add(meeting=meeting, upload=pdf())
    assert "1 tài liệu" in meeting_list(client, cast.tree.a1)
    excuse_submit(meeting=meeting, member=cast.member, reason="Ốm")
    assert "1 xin vắng trước" in meeting_list(client, cast.tree.a1)
    meeting_postpone(meeting=meeting, starts_at=f.at(6), reason="Mưa")
    assert "Hoãn" in meeting_list(client, cast.tree.a1)


def test_a_cells_meetings_never_show_in_another_cells_pages(cast):
    ours = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), place="Nhà văn hóa thôn Đông")
    theirs = meeting_schedule(cell=cast.tree.a2, starts_at=f.at(3), place="Sân đình thôn Đoài")
    member, other = as_user(cast.member), as_user(cast.orgcom)  # orgcom belongs to A2
    assert "Nhà văn hóa thôn Đông" in home(member) and "Sân đình thôn Đoài" in home(other)
    assert "Sân đình thôn Đoài" not in home(member) and "Nhà văn hóa thôn Đông" not in home(other)
    ours_page, theirs_page = meeting_list(member, cast.tree.a1), meeting_list(other, cast.tree.a2)
    assert reverse("meeting_detail", args=[ours.public_id]) in ours_page
    assert reverse("meeting_detail", args=[theirs.public_id]) not in ours_page
    assert reverse("meeting_detail", args=[theirs.public_id]) in theirs_page
    assert reverse("meeting_detail", args=[ours.public_id]) not in theirs_page


def test_an_outsider_gets_404_from_a_cell_whose_list_is_cached(cast):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    meeting_list(as_user(cast.member), cast.tree.a1)
    response = as_user(cast.outsider).get(reverse("cell_meetings", args=[cast.tree.a1.public_id]))
    assert response.status_code == 404


def test_each_language_has_its_own_part(cast):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    client = as_user(cast.member)
    assert "còn 3 ngày" in home(client)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = home(client)
    assert "in 3 days" in page and "còn 3 ngày" not in page
    assert "Upcoming" in meeting_list(client, cast.tree.a1)
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "còn 3 ngày" in home(client) and "Sắp tới" in meeting_list(client, cast.tree.a1)


def test_a_members_own_excuse_is_never_shown_to_another(cast):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    excuse_submit(meeting=meeting, member=cast.member, reason="Ốm")
    assert "Đồng chí đã xin vắng: “Ốm”." in home(as_user(cast.member))
    page = home(as_user(cast.secretary))
    assert "Ốm" not in page and "Tôi không dự được: xin vắng" in page


def test_the_officers_links_are_not_shown_to_a_member(cast):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1) - dt.timedelta(hours=3))
    roll_call = reverse("roll_call", args=[meeting.public_id])
    assert roll_call in meeting_list(as_user(cast.secretary), cast.tree.a1)
    assert roll_call not in meeting_list(as_user(cast.member), cast.tree.a1)


def test_the_home_shows_a_corrected_roll_call_at_once_and_each_member_their_own(cast):
    from meetings.services.roll_call import attendance_record
    from tests.meetings.conftest import hold

    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-2), kind="extraordinary")
    hold(meeting, {cast.member: "present", cast.secretary: "unexcused"})
    client = as_user(cast.member)
    assert "100,0 %" in home(client) and "Vắng không lý do" not in home(client)
    assert "Vắng không lý do" in home(as_user(cast.secretary))  # same rows rendered, not the same part
    attendance_record(meeting=meeting, entries={cast.member.pk: ("unexcused", "")})
    page = home(client)
    assert "Vắng không lý do" in page and "0,0 %" in page


def test_a_renamed_cell_is_renamed_on_its_members_home(cast):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    client = as_user(cast.member)
    assert "Chi bộ thôn Đông" in home(client)
    organization_update(org=cast.tree.a1, name="Chi bộ thôn Đông Mới")
    assert "Chi bộ thôn Đông Mới" in home(client)


def test_the_countdown_moves_on_at_midnight(cast):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    client = as_user(cast.member)
    assert "còn 3 ngày" in home(client)
    tomorrow = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(8)))
    with time_machine.travel(tomorrow, tick=False):
        assert "còn 2 ngày" in home(as_user(cast.member))  # signed in again: a night is past the idle limit


def test_a_cache_that_fails_renders_the_pages(cast, monkeypatch):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), place="Nhà văn hóa thôn Đông")

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get", "get_many", "set", "add", "delete_many"):
        monkeypatch.setattr(cache, name, broken)
    client = as_user(cast.member)
    assert "Nhà văn hóa thôn Đông" in home(client)
    assert client.get(reverse("cell_meetings", args=[cast.tree.a1.public_id])).status_code == 200


@pytest.mark.parametrize("page", ["home", "cell_meetings"])
def test_a_kept_page_needs_fewer_queries_and_the_same_whatever_the_cell_size(cast, settings, page):
    for days in range(1, 4):
        meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days) + dt.timedelta(minutes=days),
                                   kind="extraordinary")
        document_add(meeting=meeting, upload=pdf())
    client = as_user(cast.member)
    path = reverse(page) if page == "home" else reverse(page, args=[cast.tree.a1.public_id])

    client.get(path)
    kept = queries_of(client, path)
    settings.HANDBOOK_PAGE_CACHE = False
    rendered = queries_of(client, path)
    assert kept < rendered
    for days in range(4, 30):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days), kind="extraordinary")
    assert queries_of(client, path) == rendered  # in full, still constant
    settings.HANDBOOK_PAGE_CACHE = True
    client.get(path)
    assert queries_of(client, path) == kept
