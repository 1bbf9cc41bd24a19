"""Roster fixtures on top of the standing cast (tests/conftest.py)."""

import datetime as dt

import pytest

from tests import factories as f


@pytest.fixture
def fill_cell():
    """Add `n` members to a cell, each with a phone and a date of birth."""

    def _fill(cell, n, **fields):
        return [
            f.member(cell, date_of_birth=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                     phone=f"09{i:08d}", **fields)
            for i in range(n)
        ]

    return _fill
