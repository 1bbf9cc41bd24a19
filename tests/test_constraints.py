"""What must never happen is refused by the database itself, not only by forms."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError

from meetings.models import Attendance, Meeting
from meetings.services.schedule import meeting_schedule
from members.models import CellMembership, Member, Role
from tests import factories as f


def test_one_attendance_row_per_member_per_meeting(tree):
    m = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    Attendance.objects.create(meeting=meeting, member=m, status="present", basis="official")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, member=m, status="excused", basis="official")


def test_an_attendance_outcome_must_be_one_of_three_or_unmarked(tree):
    m = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, member=m, status="late", basis="official")


def test_the_roll_call_says_why_a_member_is_on_it(tree):
    m = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, member=m, status="present", basis="")


def test_an_exempt_member_is_on_the_roll_call_only_as_present(tree):
    m = f.member(tree.a1)
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting, member=m, status="unexcused", basis="exempt")


def test_one_open_secretary_per_cell(tree):
    f.member(tree.a1, role=Role.SECRETARY)
    second = f.member(tree.a1)
    # The services refuse it with a message; the database refuses it even past them.
    with pytest.raises(ValidationError):
        f.member(tree.a1, role=Role.SECRETARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        CellMembership.objects.filter(member=second).update(role=Role.SECRETARY)


def test_two_secretaries_terms_never_overlap_even_when_dated(tree):
    first = f.member(tree.a1)
    second = f.member(tree.a1)
    CellMembership.objects.filter(member=first).update(end_date=None)
    CellMembership.objects.create(member=first, cell=tree.a2, role=Role.SECRETARY,
                                  start_date=dt.date(2020, 1, 1), end_date=dt.date(2022, 12, 31))
    with pytest.raises(DatabaseError), transaction.atomic():
        CellMembership.objects.create(member=second, cell=tree.a2, role=Role.SECRETARY, kind="temporary",
                                      start_date=dt.date(2022, 6, 1), end_date=dt.date(2023, 6, 1))
    # A term that starts after the first one ended is fine.
    CellMembership.objects.create(member=second, cell=tree.a2, role=Role.SECRETARY, kind="temporary",
                                  start_date=dt.date(2023, 1, 1))


def test_a_member_has_one_open_home_cell(tree):
    m = f.member(tree.a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CellMembership.objects.create(member=m, cell=tree.a2, kind="home", start_date=dt.date(2024, 1, 1))


def test_a_meeting_ends_after_it_starts(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(ends_at=meeting.starts_at)


def test_one_regular_meeting_per_cell_per_month(tree):
    meeting_schedule(cell=tree.a1, starts_at=f.at(40).replace(day=5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            cell=tree.a1, kind="regular", scheduled_date=f.at(40).replace(day=20).date(),
            period=f.at(40).date().replace(day=1), starts_at=f.at(40).replace(day=20),
            ends_at=f.at(40).replace(day=20) + dt.timedelta(hours=2),
        )


def test_a_cancelled_or_postponed_meeting_carries_a_reason(tree):
    meeting = meeting_schedule(cell=tree.a1, starts_at=f.at(3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")


def test_a_party_card_number_has_twelve_digits(tree):
    m = f.member(tree.a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=m.pk).update(party_card_number="12345")


def test_two_members_cannot_share_a_party_card_number(tree):
    f.member(tree.a1, party_card_number="350100000001")
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        f.member(tree.a2, party_card_number="350100000001")
    assert "party_card_number" in caught.value.message_dict
