"""Fixtures for party fees: the standing cast (tests/conftest.py) with fee bases, a frozen day."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.utils import timezone

from fees.models import FeeKind
from fees.services import fee_basis_set
from tests import factories as f

TODAY = dt.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def rates(db):
    """The migration's rates: a transactional test run before (the browser's) flushes them."""
    from django.apps import apps

    importlib.import_module("fees.migrations.0002_default_rates").add_rates(apps, None)


@pytest.fixture
def frozen():
    moment = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=timezone.get_fixed_timezone(7 * 60))
    with time_machine.travel(moment, tick=False):
        yield moment


def salaried(member, amount=5_000_000, since=dt.date(2026, 1, 1)):
    """A member paying 1 % of an insured salary (the migration's rate)."""
    fee_basis_set(member=member, kind=FeeKind.SALARY, base_amount=amount, effective_from=since)
    return member


def grow(cell, count, amount=4_000_000):
    return [salaried(f.member(cell), amount) for _ in range(count)]


@pytest.fixture
def payers(cast, frozen):
    """Cell A1's members, each with a fee basis: the secretary and the member at 5,000,000 đ."""
    salaried(cast.secretary)
    salaried(cast.member)
    return cast


@pytest.fixture
def constant_queries(django_assert_max_num_queries):
    """check(fetch, grow, ceiling): the page's queries stay under `ceiling`, and after `grow()`
    the same page needs no more queries than before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def check(fetch, grow_data, ceiling):
        fetch()  # warm up: first-request work (session, caches) is not what we measure
        with CaptureQueriesContext(connection) as small:
            response = fetch()
        assert response.status_code == 200
        assert len(small) <= ceiling, [q["sql"] for q in small.captured_queries]
        grow_data()
        with django_assert_max_num_queries(len(small)):
            assert fetch().status_code == 200
        return len(small)
    return check
