"""The minutes and resolution PDF is a tagged PDF/UA document a screen reader can follow."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from meetings.minutes_document import render_pdf
from meetings.models import Minutes
from meetings.services.minutes import minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from tests import factories as f
from tests.pdf import structure


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def minutes(cast):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() - dt.timedelta(minutes=30),
                               agenda="1. Kiểm điểm công tác tháng")
    taker = f.member(cast.tree.a1, name="Ngô Thị Lan")
    attendance_record(meeting=meeting, entries={cast.secretary.pk: ("present", ""), taker.pk: ("present", ""),
                                                cast.member.pk: ("excused", "Đi viện thăm mẹ")})
    meeting.refresh_from_db()
    minutes_save(meeting=meeting, number="12", chair=cast.secretary, minute_taker=taker,
                 contents="Kiểm điểm công tác tháng; triển khai nhiệm vụ sửa đường.", votes_for=2,
                 resolution="Thu đảng phí đúng hạn.")
    minutes_finalize(meeting=meeting)
    return Minutes.objects.select_related("meeting__cell").get(meeting=meeting)


def test_the_minutes_pdf_is_tagged_in_vietnamese_with_its_title(cast, login, minutes):
    response = login(cast.secretary).get(reverse("minutes_pdf", kwargs={"meeting_id": minutes.meeting.public_id}))
    pdf = structure.read(response.content)
    assert pdf.marked and pdf.ua_claimed
    assert pdf.lang == "vi"
    assert pdf.title.startswith("Biên bản — Chi bộ thôn Đông — ") and pdf.display_title
    assert pdf.elements["Document"] == 1
    assert pdf.elements["H1"] == 2, "the minutes and the resolution each have their title"
    assert pdf.elements["H2"] >= 6, "the numbered parts of the minutes"
    assert pdf.elements["P"] and pdf.elements["L"] and pdf.elements["LI"]
    for phrase in ("BIÊN BẢN", "ĐẢNG CỘNG SẢN VIỆT NAM", "Đi viện thăm mẹ", "Kiểm điểm công tác tháng; triển khai nhiệm vụ sửa đường.",
                   "NGHỊ QUYẾT", "Thu đảng phí đúng hạn."):
        assert phrase in pdf.text, phrase


def test_the_minutes_pdf_is_in_english_for_a_reader_who_chose_english(cast, minutes):
    with translation.override("en"):
        pdf = structure.read(render_pdf(minutes.meeting, minutes, show_reasons=True))
    assert pdf.lang == "en" and pdf.title.startswith("Minutes — Chi bộ thôn Đông — ")
    assert "MINUTES" in pdf.text and "Chi bộ thôn Đông".upper() in pdf.text
