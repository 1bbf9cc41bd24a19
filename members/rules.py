"""Rules about a member's admission and probation (DOMAIN.md "Members"), in one place.

Pure functions of dates and values: the admissions services, the member status page and the
probation nudge all call them, so "when does probation end" or "may this person be admitted"
has one answer. The numbers come from settings.HANDBOOK_RULES (they change every few years).
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.months import add_months, add_years
from common.text import normalize_search
from members.models import Member, MemberStatus

# Read when the key is missing from HANDBOOK_RULES (DOMAIN.md: admission at 18 to 60; a
# "young" admission is one under 30, as the yearly reports count them).
DEFAULT_ADMISSION_AGE = (18, 60)
DEFAULT_YOUNG_UNDER = 30


def _rules() -> dict:
    return settings.HANDBOOK_RULES


# --- Probation ---------------------------------------------------------------------------------

def probation_ends(admission_date: dt.date) -> dt.date:
    """The day probation ends: `probation_months` (12) after admission, clamped to the month's
    end (admitted 29/02/2024 -> 28/02/2025). Recognition takes effect from this day at the earliest."""
    return add_months(admission_date, _rules()["probation_months"])


def recognition_refusal(*, status: str, admission_date: dt.date | None, on: dt.date) -> str | None:
    """Why a member may not be recognised as official on `on`, or None when they may:
    only a probationary member, and not before probation ends."""
    if status != MemberStatus.PROBATIONARY:
        return _("Only a probationary member can be recognised as official.")
    if admission_date is None:
        return _("The member's admission date is not recorded: record it before the recognition.")
    ends = probation_ends(admission_date)
    if on < ends:
        return _("Probation ends on %(date)s: recognition as official member cannot be dated earlier.") % {
            "date": ends.strftime("%d/%m/%Y")}
    return None


# --- Admission -------------------------------------------------------------------------------------

def admission_age_bounds() -> tuple[int, int]:
    return tuple(_rules().get("admission_age", DEFAULT_ADMISSION_AGE))


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Age in completed years on a day (a birthday on 29/02 falls on 28/02 in common years)."""
    years = on.year - date_of_birth.year
    return years - 1 if add_years(date_of_birth, years) > on else years


def admission_age_refusal(date_of_birth: dt.date | None, on: dt.date) -> str | None:
    """Why someone born on `date_of_birth` may not be admitted on `on`, or None.

    From the 18th birthday to the 60th birthday, both included (the Charter's "from eighteen
    to sixty years old", counted in months). Refused, never only warned.
    """
    youngest, oldest = admission_age_bounds()
    if date_of_birth is None:
        return _("Enter the date of birth: the age at admission is checked.")
    if on < add_years(date_of_birth, youngest):
        return _("On %(date)s the candidate is %(age)s: a party member is admitted from the age of %(min)s "
                 "(from %(from)s).") % {"date": on.strftime("%d/%m/%Y"), "age": age_on(date_of_birth, on),
                                        "min": youngest, "from": add_years(date_of_birth, youngest).strftime("%d/%m/%Y")}
    if on > add_years(date_of_birth, oldest):
        return _("On %(date)s the candidate is %(age)s: a party member is admitted up to the age of %(max)s "
                 "(until %(until)s).") % {"date": on.strftime("%d/%m/%Y"), "age": age_on(date_of_birth, on),
                                          "max": oldest, "until": add_years(date_of_birth, oldest).strftime("%d/%m/%Y")}
    return None


def vote_passes(*, votes_for: int, official_members: int) -> bool:
    """DOMAIN.md: a cell's vote passes with more than half of the official members summoned
    (a meeting's resolution, an admission, a recognition: meetings.rules.vote_passes asks here)."""
    return official_members > 0 and 2 * votes_for > official_members


# --- Categories the yearly admission plan counts -------------------------------------------------

class AdmissionCategory:
    """The categories of the yearly plan (as code, not data: each is a rule on the record)."""

    NON_STATE = "non_state"
    RELIGIOUS = "religious"
    YOUNG = "young"
    FEMALE = "female"
    ETHNIC_MINORITY = "ethnic_minority"

    LABELS = {
        NON_STATE: gettext_lazy("Non-state enterprises"),
        RELIGIOUS: gettext_lazy("Religious"),
        YOUNG: gettext_lazy("Young (under 30)"),
        FEMALE: gettext_lazy("Women"),
        ETHNIC_MINORITY: gettext_lazy("Ethnic minorities"),
    }
    ALL = tuple(LABELS)


# What people write for "no religion" and for the majority ethnic group, compared without diacritics.
_NO_RELIGION = {"", "khong", "khong co", "khong ton giao", "none", "-"}
_MAJORITY_ETHNICITY = {"", "kinh", "viet"}


def admission_categories(*, date_of_birth: dt.date | None, gender: str, ethnicity: str, religion: str,
                         workplace_kind: str, admitted_on: dt.date) -> set[str]:
    """The plan categories an admission counts in."""
    categories = set()
    if workplace_kind == Member.Workplace.NON_STATE:
        categories.add(AdmissionCategory.NON_STATE)
    if normalize_search(religion) not in _NO_RELIGION:
        categories.add(AdmissionCategory.RELIGIOUS)
    if date_of_birth and age_on(date_of_birth, admitted_on) < _rules().get("young_under", DEFAULT_YOUNG_UNDER):
        categories.add(AdmissionCategory.YOUNG)
    if gender == Member.Gender.FEMALE:
        categories.add(AdmissionCategory.FEMALE)
    if normalize_search(ethnicity) not in _MAJORITY_ETHNICITY:
        categories.add(AdmissionCategory.ETHNIC_MINORITY)
    return categories
