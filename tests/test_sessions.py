"""The session store reads a session with one plain statement (handbook/sessions.py): a live
session reads whole, an expired or unknown one reads empty and gets a new key when saved."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from handbook.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_live_session_reads_whole_in_one_query():
    key = saved(_auth_user_id="7", colour="đỏ")
    with CaptureQueriesContext(connection) as queries:
        store = SessionStore(session_key=key)
        assert store["colour"] == "đỏ" and store["_auth_user_id"] == "7"
    assert len(queries) == 1


def test_an_expired_session_reads_empty_and_is_not_revived():
    key = saved(_auth_user_id="7")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    store = SessionStore(session_key=key)
    assert store.load() == {} and store.session_key is None
    store["fresh"] = True
    store.save()
    assert store.session_key != key


def test_an_unknown_or_malformed_key_reads_empty():
    assert SessionStore(session_key="x" * 32).load() == {}
    assert SessionStore(session_key="short").load() == {}
    assert SessionStore(session_key="'; DROP TABLE django_session; --" + "a" * 8).load() == {}
    assert Session.objects.exists() is False
