"""Meeting documents and adopted resolutions reach the cell's library on commit, leave it
when removed, and `library_reindex` puts every existing one there again, idempotently."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from library import selectors
from library.models import LibraryEntry
from meetings.models import Minutes
from meetings.services.documents import document_add, document_delete
from meetings.services.minutes import minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from members.access import scope_for
from tests import factories as f
from tests.library.conftest import pdf_upload


@pytest.fixture
def meeting(cast):
    return meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), agenda="1. Kiểm điểm tháng")


@pytest.fixture
def held(cast):
    """A meeting of A1 held yesterday: the secretary and two members present (3 official of 4 summoned)."""
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-1), kind="thematic")
    present = [f.member(cast.tree.a1, name="Ngô Thị Lan"), f.member(cast.tree.a1, name="Đặng Văn Hùng")]
    attendance_record(meeting=meeting, entries={
        cast.secretary.pk: ("present", ""), present[0].pk: ("present", ""), present[1].pk: ("present", ""),
        cast.member.pk: ("excused", "Ốm"),
    })
    meeting.refresh_from_db()
    return meeting, present


def _finish(cast, held, *, votes_for=3, resolution="Thu đảng phí đúng hạn; sửa đường liên thôn."):
    meeting, present = held
    minutes_save(meeting=meeting, number="12", chair=cast.secretary, minute_taker=present[0],
                 contents="Kiểm điểm công tác tháng", votes_for=votes_for, resolution=resolution)
    minutes_finalize(meeting=meeting, confirm_failed_vote=True)


def _keys(user):
    return {e.source_key for e in selectors.entries_visible(scope_for(user))}


def test_a_posted_document_reaches_the_cells_library_with_its_text(cast, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_add(meeting=meeting, upload=pdf_upload(text="Phòng chống bão lũ."), title="Báo cáo tháng",
                                actor=cast.secretary.user)
    entry = LibraryEntry.objects.get()
    assert (entry.organization, entry.kind, entry.title) == (cast.tree.a1, "meeting_document", "Báo cáo tháng")
    assert entry.file.name == document.file.name and "bão lũ" in entry.text
    assert entry.url == reverse("meeting_detail", args=[meeting.public_id])
    assert _keys(cast.member.user) == {entry.source_key} and _keys(cast.outsider.user) == set()


def test_a_removed_document_leaves_the_library(cast, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_add(meeting=meeting, upload=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document)
    assert not LibraryEntry.objects.exists()


def test_the_library_shows_a_meeting_document_to_exactly_who_opens_the_meeting(
        cast, meeting, django_capture_on_commit_callbacks, login):
    with django_capture_on_commit_callbacks(execute=True):
        document_add(meeting=meeting, upload=pdf_upload())
    entry = LibraryEntry.objects.get()
    from meetings.selectors import meetings_visible

    for person in (cast.member, cast.secretary, cast.committee, cast.orgcom, cast.outsider):
        sees_meeting = meetings_visible(scope_for(person.user)).filter(pk=meeting.pk).exists()
        assert (entry.source_key in _keys(person.user)) == sees_meeting, person


def test_finished_minutes_put_the_adopted_resolution_in_the_library(cast, held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _finish(cast, held)
    entry = LibraryEntry.objects.get()
    assert entry.kind == "resolution" and entry.title.startswith("Nghị quyết số 12-NQ/CB — Sinh hoạt chi bộ chuyên đề tháng")
    assert "sửa đường" in entry.text and entry.organization == cast.tree.a1


def test_a_resolution_whose_vote_failed_is_not_in_the_library(cast, held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _finish(cast, held, votes_for=1)
    assert not LibraryEntry.objects.exists()


def test_minutes_not_yet_complete_are_not_in_the_library(cast, held, django_capture_on_commit_callbacks):
    meeting, present = held
    with django_capture_on_commit_callbacks(execute=True):
        minutes_save(meeting=meeting, chair=cast.secretary, minute_taker=present[0], contents="x", votes_for=3,
                     resolution="Thu đảng phí.")
    assert Minutes.objects.exists() and not LibraryEntry.objects.exists()


def test_reindex_puts_everything_again_and_is_idempotent(cast, held, meeting, django_capture_on_commit_callbacks):
    document_add(meeting=meeting, upload=pdf_upload(text="Vệ sinh môi trường."))
    _finish(cast, held)  # no commit callbacks ran: the library is empty, as after an upgrade
    LibraryEntry.objects.create(source_key="meetings.meeting:999999:document:1", organization=cast.tree.a1,
                                kind="other", title="Gone", issued_on=meeting.scheduled_date, year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("library_reindex", stdout=open("/dev/null", "w"))
    first = dict(LibraryEntry.objects.values_list("source_key", "updated_at"))
    assert len(first) == 2 and not any(":999999:" in key for key in first)
    assert "môi trường" in LibraryEntry.objects.get(kind="meeting_document").text
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("library_reindex", stdout=out)
    assert dict(LibraryEntry.objects.values_list("source_key", "updated_at")) == first
    assert "meetings: 0 documents written" in out.getvalue()
