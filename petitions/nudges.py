"""Who is told about a petition, through the notification ledger (the floor below knows no
petition: this module registers the kinds): each step is told to the other side (a new petition
to the receiving committee, an answer to the sender...), and an overdue petition nudges the
committee that holds it, once a day."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from members.models import OFFICER_ROLES, CellMembership, CommitteeSeat, Member
from notifications import kinds
from notifications.services.dispatch import DispatchRequest
from petitions import rules
from petitions.models import Petition, PetitionStep

OVERDUE = "petition_overdue"
STEP = "petition_step"
# Which side hears of each step: the one that did not take it.
AUDIENCES = {
    PetitionStep.Kind.RAISED: ("holder",), PetitionStep.Kind.ASSIGNED: ("sender",),
    PetitionStep.Kind.ANSWERED: ("sender",), PetitionStep.Kind.FORWARDED: ("sender", "holder"),
    PetitionStep.Kind.RESOLVED: ("sender",), PetitionStep.Kind.REOPENED: ("holder",),
}


def step_notices(step: PetitionStep) -> list[DispatchRequest]:
    return [DispatchRequest(key=f"petition:{step.petition_id}:step:{step.pk}:{audience}", kind=STEP,
                            params={"petition_id": step.petition_id, "step_id": step.pk, "audience": audience})
            for audience in AUDIENCES[step.kind]]


def nudge_day(now: dt.datetime) -> dt.date | None:
    """Today from the nudge hour (HANDBOOK_RULES["nudge_hour"]) on; before it, nothing is due yet."""
    local = timezone.localtime(now)
    return local.date() if local.hour >= settings.HANDBOOK_RULES["nudge_hour"] else None


def overdue_nudges_due(now: dt.datetime) -> list[DispatchRequest]:
    """One nudge per overdue petition per day, named by its key: a scan run twice sends it once."""
    day = nudge_day(now)
    if day is None:
        return []
    stamp = day.strftime("%Y%m%d")
    return [
        DispatchRequest(key=f"petition:{pk}:overdue@{stamp}", kind=OVERDUE,
                        params={"petition_id": pk, "day": day.isoformat()})
        for pk in Petition.objects.filter(rules.overdue_q(day)).order_by("pk").values_list("pk", flat=True)
    ]


def _petition(params: dict) -> Petition | None:
    return Petition.objects.select_related("sender", "holder", "category").filter(pk=params["petition_id"]).first()


def _committee(org_id: int) -> QuerySet[Member]:
    seats = CommitteeSeat.objects.current().filter(organization_id=org_id).values("member_id")
    return Member.objects.on_rolls().filter(pk__in=seats)


def _holder_committee(params: dict) -> QuerySet[Member]:
    petition = _petition(params)
    return _committee(petition.holder_id) if petition else Member.objects.none()


def _step_audience(params: dict) -> QuerySet[Member]:
    """The sender's officers (a cell's secretary and committee, a committee's members), or the holder's committee."""
    petition = _petition(params)
    if petition is None:
        return Member.objects.none()
    if params["audience"] == "holder":
        return _committee(petition.holder_id)
    if petition.sender.is_cell:
        officers = CellMembership.objects.current().filter(cell_id=petition.sender_id, role__in=OFFICER_ROLES)
        return Member.objects.on_rolls().filter(pk__in=officers.values("member_id"))
    return _committee(petition.sender_id)


def _step_context(params: dict) -> dict | None:
    step = (PetitionStep.objects.select_related("petition__sender", "petition__holder", "organization",
                                                "to_organization").filter(pk=params["step_id"]).first())
    if step is None:
        return None
    return {"petition": step.petition, "step": step, "link": _link(step.petition)}


def _link(petition: Petition) -> str:
    return settings.SITE_URL + reverse("petition_detail", kwargs={"petition_id": petition.public_id})


def _overdue_context(params: dict) -> dict | None:
    petition = _petition(params)
    day = dt.date.fromisoformat(params["day"])
    if petition is None or not rules.is_overdue(petition, day):
        return None  # resolved meanwhile
    return {"petition": petition, "days_late": (day - petition.due_on).days, "link": _link(petition)}


kinds.register(OVERDUE, template="petitions/email/overdue", recipients=_holder_committee, context=_overdue_context)
kinds.register(STEP, template="petitions/email/step", recipients=_step_audience, context=_step_context)
