"""Test data built through the services, so tests exercise the same doors as users."""

import datetime as dt
import itertools

from django.utils import timezone

from cells.models import Organization
from cells.services import organization_create
from members.models import CommitteeSeat, Role, User
from members.services import committee_seat_add, member_create, user_create_for_member

_seq = itertools.count(1)


def org(name=None, *, kind=Organization.Kind.CELL, parent=None, **settings) -> Organization:
    return organization_create(name=name or f"Tổ chức {next(_seq)}", kind=kind, parent=parent, **settings)


def member(cell, *, name=None, role=Role.MEMBER, official=True, username=None, admitted=None, **fields):
    n = next(_seq)
    admitted = admitted or dt.date(2010, 3, 1)
    record = member_create(
        cell=cell, role=role, full_name=name or f"Nguyễn Văn Thử {n}",
        party_card_number=fields.pop("party_card_number", f"{n:012d}"),
        admission_date=admitted,
        official_date=(admitted + dt.timedelta(days=365)) if official else None,
        start_date=fields.pop("start_date", dt.date(2015, 1, 1)),
        **fields,
    )
    if username:
        user_create_for_member(member=record, username=username, password="pw-12345-test")
        record.refresh_from_db()
    return record


def user(username, **kwargs) -> User:
    return User.objects.create_user(username=username, password="pw-12345-test", **kwargs)


def seat(record, organization, body=CommitteeSeat.Body.STANDING_COMMITTEE):
    return committee_seat_add(member=record, organization=organization, body=body, start_date=dt.date(2020, 1, 1))


def at(days=0, hour=19, minute=30) -> dt.datetime:
    """An aware datetime `days` from today at hour:minute, local time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
