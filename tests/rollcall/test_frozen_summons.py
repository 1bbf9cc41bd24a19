"""Who was summoned is frozen at the roll call: later roster changes never move a held meeting's
figures (sheet, summary, minutes page, print, PDF, vote base)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings.models import AbsenceExcuse, Attendance
from meetings.roll_call_selectors import attendance_summary, roll_call_sheet
from meetings.services.minutes import minutes_finalize, minutes_save, vote_result
from meetings.services.roll_call import attendance_record
from members.models import MemberImport, MemberStatus
from members.rules import probation_ends
from members.services import member_change_status
from tests import factories as f
from tests.rollcall.conftest import grow, pdf_text
from tests.roster.files import csv_bytes, rows_of

SUMMONED_LINE = "Tổng số đảng viên được triệu tập: 7 đồng chí, trong đó 6 đảng viên chính thức."


def url(name, meeting):
    return reverse(name, kwargs={"meeting_id": meeting.public_id})


@pytest.fixture
def finished(cast, meeting):
    """7 summoned (6 official): 5 present, Hoa excused, one absent; minutes finished, 4 of 6 for."""
    grown = grow(cast.tree.a1, 4)
    probationary = f.member(cast.tree.a1, name="Dự Bị Mới", official=False, admitted=f.at(-100).date())
    attendance_record(meeting=meeting, entries={
        cast.secretary.pk: ("present", ""), grown[0].pk: ("present", ""), grown[1].pk: ("present", ""),
        grown[2].pk: ("present", ""), probationary.pk: ("present", ""),
        cast.member.pk: ("excused", "Đi viện thăm mẹ"), grown[3].pk: ("unexcused", ""),
    })
    meeting.refresh_from_db()
    minutes_save(meeting=meeting, chair=cast.secretary, minute_taker=grown[0], contents="Kiểm điểm tháng",
                 votes_for=4, resolution="Thu đảng phí đúng hạn.")
    minutes_finalize(meeting=meeting)
    return meeting, grown


def figures(meeting):
    summary = attendance_summary(roll_call_sheet(meeting))
    vote = vote_result(meeting.minutes, summary)
    return (summary.summoned, len(summary.present), len(summary.unmarked), summary.rate,
            summary.official_summoned, vote.official_summoned, vote.passed)


def add_five_members_the_same_evening(cast, login):
    """Three imported from a file, one added by hand from the meeting's day, one backdated."""
    client = login(cast.secretary)
    client.post(reverse("member_import", args=[cast.tree.a1.public_id]),
                {"file": SimpleUploadedFile("danh-sach.csv", csv_bytes(rows_of(3)))})
    job = MemberImport.objects.get()
    client.post(reverse("member_import_confirm", args=[cast.tree.a1.public_id, job.public_id]))
    job.refresh_from_db()
    assert job.created_count == 3
    f.member(cast.tree.a1, name="Nguyễn Văn Thêm", start_date=timezone.localdate())
    f.member(cast.tree.a1, name="Nguyễn Văn Lùi Ngày", start_date=dt.date(2015, 1, 1))


def test_members_imported_added_or_backdated_after_the_roll_call_change_nothing(cast, login, finished):
    meeting, _ = finished
    before = figures(meeting)
    assert before == (7, 5, 0, Decimal("71.4"), 6, 6, True)
    add_five_members_the_same_evening(cast, login)
    assert figures(meeting) == before
    assert not {"Nguyễn Văn Thêm", "Nguyễn Văn Lùi Ngày", "Nguyễn Văn Nhập 1"} & {
        row.member.full_name for row in roll_call_sheet(meeting).rows()}

    client = login(cast.secretary)
    roll_call = client.get(url("roll_call", meeting)).content.decode()
    assert 'data-count="unmarked">0<' in roll_call and 'data-count="rate">71,4 %<' in roll_call
    assert "Nguyễn Văn Thêm" not in roll_call and "Nguyễn Văn Nhập" not in roll_call
    for name in ("minutes_edit", "minutes_print"):
        page = client.get(url(name, meeting)).content.decode()
        assert SUMMONED_LINE in page and "71,4 %" in page, name
        assert "Nguyễn Văn Thêm" not in page and "Nguyễn Văn Lùi Ngày" not in page, name
    text = pdf_text(client.get(url("minutes_pdf", meeting)))
    assert SUMMONED_LINE in text and "71,4 %" in text and "Kết quả: thông qua" in text


def test_a_member_exempted_after_the_meeting_still_counts_as_summoned(cast, finished):
    meeting, grown = finished
    before = figures(meeting)
    member_change_status(member=grown[3], status=MemberStatus.EXEMPT, effective_date=f.at(-30).date())
    assert figures(meeting) == before
    row = next(row for row in roll_call_sheet(meeting).summoned if row.member == grown[3])
    assert (row.basis, row.status) == ("official", "unexcused")


def test_a_correction_after_a_roster_change_keeps_the_frozen_summons(cast, finished):
    meeting, grown = finished
    late = f.member(cast.tree.a1, name="Nguyễn Văn Đến Sau", start_date=dt.date(2015, 1, 1))
    with pytest.raises(Exception, match="triệu tập|summoned"):
        attendance_record(meeting=meeting, entries={late.pk: ("present", "")})
    attendance_record(meeting=meeting, entries={grown[3].pk: ("excused", "Ốm")})
    assert figures(meeting)[:3] == (7, 5, 0)
    assert not meeting.attendances.filter(member=late).exists()


def test_the_first_save_freezes_every_summoned_member_unmarked_until_marked(cast, login, meeting):
    others = grow(cast.tree.a1, 2)
    attendance_record(meeting=meeting, entries={cast.secretary.pk: ("present", "")})
    assert dict(meeting.attendances.values_list("member_id", "status")) == {
        cast.secretary.pk: "present", cast.member.pk: "unmarked", others[0].pk: "unmarked", others[1].pk: "unmarked"}
    page = login(cast.secretary).get(url("roll_call", meeting)).content.decode()
    # Not marked is no option, and nothing is chosen for a member not marked yet.
    assert 'value="unmarked"' not in page
    assert f'name="status-{cast.member.public_id}" value="present" checked' not in page
    assert f'name="status-{cast.member.public_id}" value="unexcused" checked' not in page
    assert 'data-count="unmarked">3<' in page and 'data-count="rate">25,0 %<' in page
    answer = login(cast.secretary).post(url("roll_call", meeting), {"idempotency_key": "unmarked-key-01",
                                                                    f"status-{others[0].public_id}": "present"},
                                        HTTP_ACCEPT="application/json").json()
    assert answer["saved"][str(cast.member.public_id)] == {"status": "", "reason": ""}


def test_an_excuse_for_the_old_time_is_not_prefilled_and_is_shown_as_needing_confirmation(cast, login, meeting):
    AbsenceExcuse.objects.create(meeting=meeting, member=cast.member, reason="Đi công tác",
                                 confirmed_for=meeting.starts_at - dt.timedelta(days=1))
    row = next(row for row in roll_call_sheet(meeting).summoned if row.member == cast.member)
    assert (row.status, row.reason, row.excuse_needs_confirmation) == ("", "", True)
    page = login(cast.secretary).get(url("roll_call", meeting)).content.decode()
    assert 'data-excuse="needs-confirmation"' in page and "Đi công tác" in page
    assert f'name="status-{cast.member.public_id}" value="excused" checked' not in page
    assert 'data-count="excused">0<' in page


def test_the_vote_base_is_the_official_members_summoned_as_frozen(cast, finished):
    meeting, grown = finished
    # Recognised official after the meeting: the vote base stays what it was on the day.
    probationary = Attendance.objects.get(meeting=meeting, basis="probationary").member
    member_change_status(member=probationary, status=MemberStatus.OFFICIAL,
                         effective_date=probation_ends(probationary.admission_date))
    assert figures(meeting)[4:6] == (6, 6)
