"""The rules of the yearly evaluation, each defined once (DOMAIN.md "Annual evaluation").

Pages, exports, the API, the nudges and the roll-ups ask these; the numbers (100 points, the
bands, the quota of "excellent") are data on `EvaluationScheme`, with an effective year and
inherited from the nearest organisation above that has one. Where the roll-ups need a rule
in SQL its twin stands beside it (`PROGRESS_SQL`), and a test runs both on the same rows.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from cells.models import Organization
from common.numbers import percent
from conduct.rules import under_discipline
from evaluations.models import EvaluationScheme, Level
from fees import rules as fee_rules
from meetings.models import Attendance
from meetings.rules import attendance_counts, counted_meetings_of
from members.models import Member, MemberStatus
from members.rules import vote_passes

# --- The form in force -------------------------------------------------------------------------


def scheme_for(organization: Organization | None, year: int) -> EvaluationScheme | None:
    """The form in force for `organization` in `year`: the latest effective one (not after the
    year) of the nearest organisation on its path that has one, else the national form. One query."""
    chain = [] if organization is None else [*organization.ancestor_ids, organization.pk]
    candidates = list(EvaluationScheme.objects.filter(Q(organization_id__in=chain) | Q(organization__isnull=True),
                                                      effective_year__lte=year).prefetch_related("criteria"))
    rank = {org_id: depth for depth, org_id in enumerate(chain)}

    def nearness(scheme):
        return rank.get(scheme.organization_id, -1), scheme.effective_year

    return max(candidates, key=nearness, default=None)


# --- Levels --------------------------------------------------------------------------------------

LEVELS = (Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED)
GOOD_OR_EXCELLENT = (Level.EXCELLENT, Level.GOOD)


def level_for_score(score: int | None, scheme: EvaluationScheme) -> str | None:
    """The level a score falls in, by the form's bands (data)."""
    if score is None:
        return None
    if score >= scheme.excellent_from:
        return Level.EXCELLENT
    if score >= scheme.good_from:
        return Level.GOOD
    if score >= scheme.completed_from:
        return Level.COMPLETED
    return Level.NOT_COMPLETED


def points_refusal(points: dict[int, int], scheme: EvaluationScheme) -> str | None:
    """Why the points given per criterion cannot stand, or None."""
    for criterion in scheme.criteria.all():
        value = points.get(criterion.pk)
        if value is None:
            return _("Give points for every criterion.")
        if not 0 <= value <= criterion.max_points:
            return _("“%(criterion)s”: from 0 to %(max)s points.") % {"criterion": criterion.title,
                                                                      "max": criterion.max_points}
    return None


def excellent_refusal(*, level: str, disciplined: bool) -> str | None:
    """DOMAIN.md: a member under discipline in the year cannot be rated excellent."""
    if level == Level.EXCELLENT and disciplined:
        return _("The member was disciplined during the year evaluated and cannot be rated "
                 "“excellent”.")
    return None


def member_excellent_refusal(member: Member, year: int, level: str) -> str | None:
    return excellent_refusal(level=level, disciplined=level == Level.EXCELLENT and under_discipline(member, year))


# --- Who is evaluated ---------------------------------------------------------------------------

# Members on the rolls are evaluated; members exempt from activity are not classified.
EVALUATED_STATUSES = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.TEMPORARY_TRANSFER)


# --- The cell's vote -----------------------------------------------------------------------------

def review_vote_refusal(*, votes_for: int, official_members: int, committee: bool = False) -> str | None:
    """The review's proposal stands when the vote passes (members.rules.vote_passes, as a
    resolution): counted against a cell's official members, or a grassroots committee's members."""
    if votes_for > official_members:
        if committee:
            return _("More votes for than committee members (%(n)s).") % {"n": official_members}
        return _("More votes for than official members (%(n)s).") % {"n": official_members}
    if not vote_passes(votes_for=votes_for, official_members=official_members):
        if committee:
            return _("The vote did not pass: %(votes)s of %(n)s committee members voted for; more than half "
                     "is needed.") % {"votes": votes_for, "n": official_members}
        return _("The vote did not pass: %(votes)s of %(n)s official members voted for; more than half "
                 "is needed.") % {"votes": votes_for, "n": official_members}
    return None


# --- The quota of "excellent" --------------------------------------------------------------------

@dataclass(frozen=True)
class Quota:
    """Excellent and good at the deciding organisation, counting the decision about to be saved."""

    excellent: int
    good: int
    quota_percent: int

    @property
    def allowed(self) -> int:
        """How many "excellent" the good ones allow (rounded down)."""
        return self.good * self.quota_percent // 100

    @property
    def exceeded(self) -> bool:
        return 100 * self.excellent > self.quota_percent * self.good


def quota_after(*, excellent: int, good: int, old_level: str, new_level: str, quota_percent: int) -> Quota:
    """The counts once a decision changes one evaluation from `old_level` ('' if undecided) to `new_level`."""
    counts = {Level.EXCELLENT: excellent, Level.GOOD: good}
    if old_level in counts:
        counts[old_level] -= 1
    if new_level in counts:
        counts[new_level] += 1
    return Quota(counts[Level.EXCELLENT], counts[Level.GOOD], quota_percent)


# --- Progress ------------------------------------------------------------------------------------

NOT_STARTED = "not_started"
SELF_ASSESSED = "self_assessed"
REVIEWED = "reviewed"
DECIDED = "decided"
PROGRESS = (NOT_STARTED, SELF_ASSESSED, REVIEWED, DECIDED)


def progress(*, self_assessed_at, reviewed_at=None, decided_at) -> str:
    """The step an evaluation has reached."""
    if decided_at is not None:
        return DECIDED
    if reviewed_at is not None:
        return REVIEWED
    if self_assessed_at is not None:
        return SELF_ASSESSED
    return NOT_STARTED


def progress_sql(alias: str) -> str:
    """SQL twin of `progress` over a row `alias` (a member's or an organisation's evaluation)."""
    return (f"(CASE WHEN {alias}.decided_at IS NOT NULL THEN '{DECIDED}' "
            f"WHEN {alias}.reviewed_at IS NOT NULL THEN '{REVIEWED}' "
            f"WHEN {alias}.self_assessed_at IS NOT NULL THEN '{SELF_ASSESSED}' ELSE '{NOT_STARTED}' END)")


def is_late(*, deadline: dt.date, decided_at, today: dt.date) -> bool:
    """Not decided once the round's deadline has passed."""
    return decided_at is None and today > deadline


# --- The percentages -----------------------------------------------------------------------------

def good_or_excellent_rate(*, excellent: int, good: int, decided: int):
    """Share of those classified rated good or excellent (DOMAIN.md: 85.17 % of members)."""
    return percent(excellent + good, decided)


def not_completed_rate(*, not_completed: int, decided: int):
    return percent(not_completed, decided)


def decided_rate(*, decided: int, expected: int):
    """Progress: share of those to evaluate whose classification is decided."""
    return percent(decided, expected)


# --- Facts the handbook already knows ------------------------------------------------------------

def member_facts(member: Member, year: int, *, today: dt.date) -> dict:
    """Meetings attended, excused and unexcused (meetings.rules), party-fee months unpaid
    (fees.rules) and discipline (conduct.rules) in the year, for the self-assessment."""
    rows = Attendance.objects.filter(counted_meetings_of("meeting__"), member=member,
                                     year=year).only("basis", "status")  # year: the meeting's period year
    counts = attendance_counts(rows)
    unpaid = 0
    owed = 0
    for cell_id in set(member.memberships.filter(start_date__lte=dt.date(year, 12, 31))
                       .values_list("cell_id", flat=True)):
        found = fee_rules.unpaid_months(cell_id=cell_id, year=year, today=today, member_ids=[member.pk])
        if member.pk in found:
            unpaid += found[member.pk].months
            owed += found[member.pk].owed
    return {"summoned": counts.summoned, "present": counts.present, "excused": counts.excused,
            "unexcused": counts.unexcused, "unpaid_fee_months": unpaid, "fees_owed": owed,
            "disciplined": under_discipline(member, year)}
