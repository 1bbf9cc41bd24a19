"""A draft resolution that failed its vote: the secretary confirms before finishing, and the
print and PDF say it was not adopted instead of printing a resolution."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Minutes
from meetings.services.minutes import FAILED_VOTE, minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from tests import factories as f
from tests.rollcall.conftest import pdf_text


def url(name, meeting):
    return reverse(name, kwargs={"meeting_id": meeting.public_id})


@pytest.fixture
def held(cast, meeting):
    """5 official members summoned; the secretary and two others present."""
    present = [f.member(cast.tree.a1, name="Ngô Thị Lan"), f.member(cast.tree.a1, name="Đặng Văn Hùng")]
    absent = f.member(cast.tree.a1, name="Bùi Văn Vắng")
    attendance_record(meeting=meeting, entries={
        cast.secretary.pk: ("present", ""), present[0].pk: ("present", ""), present[1].pk: ("present", ""),
        cast.member.pk: ("excused", "Ốm"), absent.pk: ("unexcused", ""),
    })
    meeting.refresh_from_db()
    return meeting, present


def failing(cast, held, **overrides):
    """2 for of the 5 official members summoned: not more than half."""
    meeting, present = held
    return {"chair": str(cast.secretary.public_id), "minute_taker": str(present[0].public_id),
            "contents": "Bàn dự thảo nghị quyết sửa đường", "votes_for": "2", "votes_against": "1",
            "votes_abstain": "0", "resolution": "Làm đường bê tông liên thôn.", **overrides}


def test_finishing_minutes_whose_vote_failed_needs_a_confirmation(cast, held):
    meeting, present = held
    minutes_save(meeting=meeting, chair=cast.secretary, minute_taker=present[0], contents="Nội dung",
                 votes_for=2, votes_against=1, resolution="Dự thảo")
    with pytest.raises(ValidationError) as caught:
        minutes_finalize(meeting=meeting)
    assert caught.value.code == FAILED_VOTE and "2" in caught.value.messages[0] and "5" in caught.value.messages[0]
    assert Minutes.objects.get().finalized_at is None
    assert minutes_finalize(meeting=meeting, confirm_failed_vote=True).finalized_at is not None


def test_the_secretary_is_warned_keeps_the_form_and_confirms(cast, login, held):
    meeting, _ = held
    client = login(cast.secretary)
    warned = client.post(url("minutes_edit", meeting), {**failing(cast, held), "finalize": "1"})
    assert warned.status_code == 400
    page = warned.content.decode()
    assert 'name="confirm_failed_vote" value="1"' in page
    assert "Bàn dự thảo nghị quyết sửa đường" in page and "Làm đường bê tông liên thôn." in page
    assert Minutes.objects.get().finalized_at is None
    confirmed = client.post(url("minutes_edit", meeting), {**failing(cast, held), "confirm_failed_vote": "1"})
    assert confirmed.status_code == 302
    minutes = Minutes.objects.get()
    assert minutes.finalized_at is not None and (minutes.votes_for, minutes.votes_against) == (2, 1)


def test_a_passing_vote_finishes_without_a_question(cast, login, held):
    meeting, _ = held
    response = login(cast.secretary).post(url("minutes_edit", meeting), {**failing(cast, held, votes_for="3", votes_against="0"),
                                                                         "finalize": "1"})
    assert response.status_code == 302 and Minutes.objects.get().finalized_at is not None


def finished_failing(cast, held):
    meeting, present = held
    minutes_save(meeting=meeting, number="7", chair=cast.secretary, minute_taker=present[0], contents="Nội dung",
                 votes_for=2, votes_against=1, resolution="Làm đường bê tông liên thôn.")
    minutes_finalize(meeting=meeting, confirm_failed_vote=True)
    return meeting


def test_the_print_of_a_failed_vote_says_not_adopted_and_prints_no_resolution(cast, login, held):
    meeting = finished_failing(cast, held)
    page = login(cast.secretary).get(url("minutes_print", meeting)).content.decode()
    assert "Kết quả: không thông qua" in page and 'data-vote="failed"' in page
    assert "Làm đường bê tông liên thôn." in page  # the draft put to the vote is in the minutes
    assert "CHI BỘ QUYẾT NGHỊ" not in page and "Số: 7-NQ/CB" not in page and "doc-resolution" not in page
    assert "Số: 7-BB/CB" in page


def test_the_pdf_of_a_failed_vote_has_no_resolution_page(cast, login, held):
    meeting = finished_failing(cast, held)
    text = pdf_text(login(cast.secretary).get(url("minutes_pdf", meeting)))
    assert "Kết quả: không thông qua" in text and "Làm đường bê tông liên thôn." in text
    assert "CHI BỘ QUYẾT NGHỊ" not in text and "7-NQ/CB" not in text


def test_the_english_print_states_the_draft_was_not_adopted_against_the_vote_base(cast, login, held):
    meeting = finished_failing(cast, held)
    client = login(cast.secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(url("minutes_print", meeting)).content.decode()
    assert "The draft resolution was not adopted." in page
    assert "2 for, of the 5 official members summoned." in page and "RESOLVES" not in page
