"""Nudges of the yearly evaluation, through the notification ledger like every other message.

- a member who has not assessed themself is told from `evaluation_notice_days` (7) before the
  round's deadline, once (key "member-evaluation:<id>:self-assessment");
- once the deadline has passed, the cell's secretary and the grassroots standing committee are
  told of the cell's evaluations not yet decided, once per round and cell, for a week
  (`nudge_catch_up_days`) after the deadline.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from cells.models import Organization
from evaluations.models import EvaluationRound, MemberEvaluation
from meetings.reminders import officers_to_tell
from members.models import Member
from notifications import kinds
from notifications.services.dispatch import DispatchRequest

SELF_ASSESSMENT = "evaluation_self_assessment"
LATE = "evaluation_late"
DEFAULT_NOTICE_DAYS = 7


def _notice_days() -> int:
    return settings.HANDBOOK_RULES.get("evaluation_notice_days", DEFAULT_NOTICE_DAYS)


def _catch_up_days() -> int:
    return settings.HANDBOOK_RULES.get("nudge_catch_up_days", 7)


def _day(now: dt.datetime) -> dt.date:
    local = timezone.localtime(now)
    hour = settings.HANDBOOK_RULES.get("nudge_hour", 8)
    return local.date() if local.hour >= hour else local.date() - dt.timedelta(days=1)


def self_assessment_nudges_due(now: dt.datetime) -> list[DispatchRequest]:
    day = _day(now)
    rows = MemberEvaluation.objects.filter(
        self_assessed_at__isnull=True, decided_at__isnull=True, round__deadline__gte=day,
        round__deadline__lte=day + dt.timedelta(days=_notice_days()),
    ).values_list("pk", flat=True)
    return [DispatchRequest(key=f"member-evaluation:{pk}:self-assessment", kind=SELF_ASSESSMENT,
                            params={"evaluation_id": pk}) for pk in rows]


def late_nudges_due(now: dt.datetime) -> list[DispatchRequest]:
    day = _day(now)
    rows = (MemberEvaluation.objects.filter(
        decided_at__isnull=True, round__deadline__lt=day,
        round__deadline__gte=day - dt.timedelta(days=_catch_up_days()))
        .values("round_id", "cell_id").annotate(n=Count("pk")).order_by("round_id", "cell_id"))
    return [DispatchRequest(key=f"evaluation-round:{row['round_id']}:cell:{row['cell_id']}:late", kind=LATE,
                            params={"round_id": row["round_id"], "cell_id": row["cell_id"]}) for row in rows]


def nudges_due(now: dt.datetime) -> list[DispatchRequest]:
    return [*self_assessment_nudges_due(now), *late_nudges_due(now)]


# --- Recipients and wording -------------------------------------------------------------------------

def _link(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _evaluation(params: dict) -> MemberEvaluation | None:
    return (MemberEvaluation.objects.select_related("round", "member", "cell")
            .filter(pk=params["evaluation_id"]).first())


def _self_recipients(params: dict) -> QuerySet[Member]:
    evaluation = _evaluation(params)
    return Member.objects.on_rolls().filter(pk=evaluation.member_id) if evaluation else Member.objects.none()


def _self_context(params: dict) -> dict | None:
    evaluation = _evaluation(params)
    if evaluation is None or evaluation.self_assessed_at is not None or evaluation.decided_at is not None:
        return None  # done meanwhile
    return {"evaluation": evaluation, "year": evaluation.year, "deadline": evaluation.round.deadline,
            "link": _link("evaluation_self", evaluation_id=evaluation.public_id)}


def _late_recipients(params: dict) -> QuerySet[Member]:
    cell = Organization.objects.filter(pk=params["cell_id"]).first()
    return officers_to_tell(cell, upper_level=True) if cell else Member.objects.none()


def _late_context(params: dict) -> dict | None:
    evaluation_round = EvaluationRound.objects.filter(pk=params["round_id"]).first()
    cell = Organization.objects.filter(pk=params["cell_id"]).first()
    if evaluation_round is None or cell is None:
        return None
    undecided = MemberEvaluation.objects.filter(round=evaluation_round, cell=cell, decided_at__isnull=True).count()
    if not undecided:
        return None
    return {"cell": cell, "year": evaluation_round.year, "deadline": evaluation_round.deadline,
            "undecided": undecided,
            "link": _link("evaluation_cell", cell_id=cell.public_id, year=evaluation_round.year)}


def register_kinds() -> None:
    kinds.register(SELF_ASSESSMENT, template="evaluations/email/self-assessment", recipients=_self_recipients,
                   context=_self_context)
    kinds.register(LATE, template="evaluations/email/late", recipients=_late_recipients, context=_late_context)


register_kinds()
