"""Why a member stays away is told to the cell's officers and the committees above, not to the
cell: the finished minutes (page, print, PDF) say "có lý do" to a plain member, and the
meeting page lists other members' excuses only to officers and committees."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings.services.excuses import excuse_submit
from meetings.services.minutes import minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from tests import factories as f

REASON = "Khám bệnh tại viện tâm thần"


def url(name, meeting):
    return reverse(name, kwargs={"meeting_id": meeting.public_id})


@pytest.fixture
def plain(cast):
    """A member of cell A1 with no office."""
    return f.member(cast.tree.a1, name="Ngô Thị Lan", username="plain")


@pytest.fixture
def excused(cast, plain):
    """Hoa excused herself in advance to the secretary; the meeting took place and its
    minutes are finished, her absence recorded with the reason she gave."""
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(days=1))
    excuse_submit(meeting=meeting, member=cast.member, reason=REASON, actor=cast.member.user)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, hours=2), tick=True):
        attendance_record(meeting=meeting, entries={
            cast.secretary.pk: ("present", ""), plain.pk: ("present", ""), cast.member.pk: ("excused", REASON),
        })
        minutes_save(meeting=meeting, number="7", chair=cast.secretary, minute_taker=plain,
                     contents="Kiểm điểm công tác tháng", votes_for=2, resolution="Thu đảng phí đúng hạn.")
        minutes_finalize(meeting=meeting)
        yield meeting


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("page", ["minutes_edit", "minutes_print"])
def test_a_plain_member_reads_that_the_absence_was_excused_not_why(cast, login, plain, excused, page):
    html = login(plain).get(url(page, excused)).content.decode()
    assert "Vắng có lý do (1 đồng chí):" in html and "đồng chí Lê Thị Hoa" in html
    assert REASON not in html


def test_the_pdf_a_plain_member_downloads_keeps_the_reason_out(cast, login, plain, excused):
    text = pdf_text(login(plain).get(url("minutes_pdf", excused)).content)
    assert "Lê Thị Hoa" in text and "có lý do" in text
    assert "viện tâm thần" not in text


@pytest.mark.parametrize("reader", ["secretary", "committee", "orgcom", "admin"])
@pytest.mark.parametrize("page", ["minutes_edit", "minutes_print"])
def test_the_officers_and_the_committees_above_read_the_reason(cast, login, excused, reader, page):
    html = login(getattr(cast, reader)).get(url(page, excused)).content.decode()
    assert f"đồng chí Lê Thị Hoa — {REASON}" in html


def test_the_pdf_the_secretary_downloads_gives_the_reason(cast, login, excused):
    assert "viện tâm thần" in pdf_text(login(cast.secretary).get(url("minutes_pdf", excused)).content)


@pytest.mark.parametrize("page", ["minutes_edit", "minutes_print", "minutes_pdf", "meeting_detail"])
def test_the_outsider_reads_nothing_of_the_meeting(cast, login, excused, page):
    assert login(cast.outsider).get(url(page, excused)).status_code == 404


@pytest.fixture
def upcoming(cast):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(days=1))
    excuse_submit(meeting=meeting, member=cast.member, reason=REASON, actor=cast.member.user)
    return meeting


def test_the_meeting_page_lists_the_excuses_to_officers_and_committees_only(cast, login, plain, upcoming):
    for officer in (cast.secretary, cast.committee, cast.orgcom):
        html = login(officer).get(url("meeting_detail", upcoming)).content.decode()
        assert "Lê Thị Hoa" in html and REASON in html, officer
    html = login(plain).get(url("meeting_detail", upcoming)).content.decode()
    assert "Lê Thị Hoa" not in html and REASON not in html
    assert REASON in login(cast.member).get(url("meeting_detail", upcoming)).content.decode(), "her own excuse"
