"""Channels beyond the inbox and email: a fake SMS gateway on 127.0.0.1 and a cell whose
members have phone numbers."""

import dataclasses

import pytest

from meetings import reminders
from members.models import Member, Role
from notifications import kinds
from tests import factories as f
from tests.notifications_channels.fake_zalo import TOKEN, FakeZalo


@pytest.fixture
def zalo(settings, db):
    """The fake ZNS server, and the channel configured for reminders only (the token is stored)."""
    fake = FakeZalo().start()
    settings.HANDBOOK_ZALO_URL = fake.url
    settings.HANDBOOK_ZALO_ACCESS_TOKEN = TOKEN
    settings.HANDBOOK_ZALO_TEMPLATES = {"meeting_reminder": "283713"}
    settings.HANDBOOK_ZALO_TIMEOUT = 5
    yield fake
    fake.stop()


@pytest.fixture
def cell(tree):
    """A secretary and two members with accounts and mobile numbers, one without a number."""
    people = [
        f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="bi", phone="0912 345 671"),
        f.member(tree.a1, name="Lê Thị Hoa", username="hoa", phone="0912.345.672"),
        f.member(tree.a1, name="Đỗ Minh Quân", username="quan", phone="+84 912 345 673"),
        f.member(tree.a1, name="Phan Thu Hà", username="ha"),
    ]
    return tree.a1, people


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what the code enqueues on commit (tasks are eager in the test settings)."""
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


@pytest.fixture
def meeting_kinds_are_reminders(monkeypatch):
    """The meeting reminder and change notices flagged as reminders, as meetings registers
    them (a no-op once meetings/reminders.py passes `reminder=True` itself)."""
    for name in (reminders.REMINDER, reminders.POSTPONED, reminders.CANCELLED, reminders.CHANGED):
        monkeypatch.setitem(kinds._KINDS, name, dataclasses.replace(kinds.get(name), reminder=True))


@pytest.fixture
def notice(monkeypatch):
    """A kind that is not a reminder, sent to the members named in its params."""
    name = "test_notice"
    monkeypatch.setitem(kinds._KINDS, name, kinds.Kind(
        name=name, template="notifications/email/address-refused",
        recipients=lambda params: Member.objects.filter(pk__in=params["members"]),
        context=lambda params: {"address": "a@example.org", "channel": "email", "link": ""},
    ))
    return name
