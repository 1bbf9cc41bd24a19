"""Attendance bands and periods as the committees read them."""

import datetime as dt

import pytest

from reports.figures import Figures, attendance_band
from reports.periods import BadPeriod, Period


@pytest.mark.parametrize("rate,band", [(100, 1), (90, 1), (89.9, 2), (75, 2), (74.9, 3), (65, 3), (64.9, 4), (0, 4)])
def test_attendance_falls_in_the_bands_of_the_domain(rate, band):
    assert attendance_band(rate).number == band


def test_the_bands_come_from_the_settings(settings):
    settings.HANDBOOK_RULES = {**settings.HANDBOOK_RULES, "attendance_bands": [95, 80, 50]}
    assert attendance_band(92).number == 2
    assert attendance_band(92).label == "80–95 %"
    assert attendance_band(49).label == "< 50 %"


def test_no_roll_call_means_no_rate_rather_than_zero():
    assert Figures().attendance_rate is None and Figures().band is None


def test_periods_read_months_quarters_and_years():
    assert Period.parse("2026-05").months() == [dt.date(2026, 5, 1)]
    assert Period.parse("2026-Q2").months() == [dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    assert len(Period.parse("2026").months()) == 12
    assert Period.parse("2026-Q1").shifted(-1).key == "2025-Q4"
    for bad in ("2026-13", "26-05", "2026-Q5", "", "drop table"):
        with pytest.raises(BadPeriod):
            Period.parse(bad)


def test_the_thematic_checkpoints_are_quarter_ends_and_the_running_month():
    current = dt.date(2026, 5, 1)
    assert Period.parse("2026").checkpoints(current) == [dt.date(2026, 3, 1), dt.date(2026, 5, 1)]
    assert Period.parse("2026-04").checkpoints(current) == [dt.date(2026, 4, 1)]
