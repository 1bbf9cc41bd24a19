"""The rules of commendation, discipline and party badges: each in one place (DOMAIN.md).

Numbers come from settings.HANDBOOK_RULES ("badge_years", "badge_presentation_days",
"badge_notice_days"); they change every few years.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, QuerySet

from common.months import add_years
from conduct.models import BadgePresentation, Discipline
from members.models import Member

# --- Discipline -------------------------------------------------------------------------------

# DOMAIN.md: a probationary member may only be reprimanded or warned.
PROBATIONARY_LEVELS = (Discipline.Level.REPRIMAND, Discipline.Level.WARNING)


def discipline_allowed(level: str, *, official: bool) -> bool:
    """Whether a member (official or probationary) may be given this form of discipline."""
    return official or level in PROBATIONARY_LEVELS


def disciplined_in(year: int, member_ids: Iterable[int] | None = None) -> set[int]:
    """Members under discipline that year: a discipline decision dated in the calendar year.

    The annual evaluation reads this (a member disciplined in the year is not rated above
    "completed"), so the rule lives here once."""
    rows = Discipline.objects.filter(decision_date__year=year)
    if member_ids is not None:
        rows = rows.filter(member_id__in=list(member_ids))
    return set(rows.values_list("member_id", flat=True).distinct())


def under_discipline(member: Member, year: int) -> bool:
    return bool(disciplined_in(year, [member.pk]))


def under_discipline_exists(year: int, member_ref: str = "pk") -> Exists:
    """The same rule as an expression, to annotate or filter a member queryset in one query."""
    return Exists(Discipline.objects.filter(member_id=OuterRef(member_ref), decision_date__year=year))


# --- Party badges -----------------------------------------------------------------------------

def _rules() -> dict:
    return settings.HANDBOOK_RULES


def badge_years() -> list[int]:
    return sorted(_rules()["badge_years"])


def presentation_dates(years: Iterable[int]) -> list[dt.date]:
    """The badge presentation dates (3 Feb, 19 May, 2 Sep, 7 Nov) of the given years, in order."""
    return sorted(dt.date(year, month, day) for year in years for month, day in _rules()["badge_presentation_days"])


def is_presentation_date(day: dt.date) -> bool:
    return (day.month, day.day) in {tuple(pair) for pair in _rules()["badge_presentation_days"]}


@dataclass(frozen=True)
class Occasion:
    """A presentation date and the one before it: the badges presented on `date` are those
    whose anniversary falls after `previous` and on or before `date`."""

    previous: dt.date
    date: dt.date


def badge_occasion(day: dt.date) -> Occasion:
    """The next presentation date on or after `day` (the day itself when it is one)."""
    dates = presentation_dates((day.year - 1, day.year, day.year + 1))
    for previous, upcoming in zip(dates, dates[1:], strict=False):
        if previous < day <= upcoming:
            return Occasion(previous, upcoming)
    raise AssertionError("a year always has a presentation date")  # pragma: no cover


def badge_notice_occasion(day: dt.date) -> Occasion | None:
    """The next occasion when `day` is within the notice before it (badge_notice_days)."""
    occasion = badge_occasion(day)
    if day >= occasion.date - dt.timedelta(days=_rules()["badge_notice_days"]):
        return occasion
    return None


def badge_reached(admitted: dt.date, occasion: Occasion) -> int | None:
    """The badge (years) a member admitted on `admitted` is presented at `occasion`, if any."""
    for years in badge_years():
        if occasion.previous < add_years(admitted, years) <= occasion.date:
            return years
    return None


def _admitted_for(occasion: Occasion) -> Q:
    # The anniversary window read backwards, per milestone; badge_reached checks each row exactly.
    condition = Q()
    for years in badge_years():
        condition |= Q(admission_date__gt=add_years(occasion.previous, -years) - dt.timedelta(days=1),
                       admission_date__lte=add_years(occasion.date, -years) + dt.timedelta(days=1))
    return condition


@dataclass(frozen=True)
class BadgeDue:
    member_id: int
    years: int
    anniversary: dt.date
    occasion: Occasion


def badges_due(occasion: Occasion, members: QuerySet[Member] | None = None) -> list[BadgeDue]:
    """Members on the rolls who reach a badge at `occasion` and were not presented it yet.

    `members` narrows the list (an organisation's subtree); one query."""
    members = Member.objects.on_rolls() if members is None else members.filter(
        pk__in=Member.objects.on_rolls().values("pk"))
    presented = BadgePresentation.objects.filter(member_id=OuterRef("pk"))
    rows = (members.filter(_admitted_for(occasion), admission_date__isnull=False)
            .annotate(presented_years=ArraySubquery(presented.values("years")))
            .values_list("pk", "admission_date", "presented_years"))
    due = []
    for pk, admitted, presented_years in rows:
        years = badge_reached(admitted, occasion)
        if years is not None and years not in (presented_years or ()):
            due.append(BadgeDue(pk, years, add_years(admitted, years), occasion))
    return due


def badge_presented(member_id: int, years: int) -> bool:
    return BadgePresentation.objects.filter(member_id=member_id, years=years).exists()


def badge_may_be_presented(member: Member, years: int, on: dt.date) -> bool:
    """Whether a `years` badge presented on `on` is possible: a milestone, and the anniversary
    falls on or before the presentation date that `on` belongs to (a ceremony may be held a
    few days before the official date)."""
    return (years in badge_years() and member.admission_date is not None
            and add_years(member.admission_date, years) <= badge_occasion(on).date)
