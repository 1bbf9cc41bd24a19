"""Who is told about a consultation, and when: the members of every cell under the
publisher when a draft is published, and the writers of the summaries not yet sent, some
days before the closing date (HANDBOOK_RULES["consultation_nudge_days_before"]).

Each message is a dispatch named by a key ("consultation:12:published",
"consultation:12:nudge:34:3"); the ledger (notifications) records each key once and fans it
out to its recipients in SQL, so a province's 100,000 members are one dispatch.
"""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cells.models import Organization
from consultations import rules
from consultations.models import Consultation, ConsultationSummary
from members.models import OFFICER_ROLES, CellMembership, CommitteeSeat, Member
from notifications import kinds
from notifications.services.dispatch import DispatchRequest

PUBLISHED = "consultation_published"
NUDGE = "consultation_nudge"


def _link(consultation: Consultation, org: Organization | None = None) -> str:
    if org is None:
        path = reverse("consultation_detail", args=[consultation.public_id])
    else:
        path = reverse("consultation_summary", args=[consultation.public_id, org.public_id])
    return settings.SITE_URL + path


def published_due(consultation_id: int) -> list[DispatchRequest]:
    return [DispatchRequest(key=f"consultation:{consultation_id}:published", kind=PUBLISHED,
                            params={"consultation_id": consultation_id})]


def _nudge_day(now: dt.datetime) -> dt.date:
    local = timezone.localtime(now)
    return local.date() if local.hour >= settings.HANDBOOK_RULES["nudge_hour"] else local.date() - dt.timedelta(days=1)


def nudges_due(now: dt.datetime) -> list[DispatchRequest]:
    """For each open consultation whose closing date is some set number of days away (or
    nearer, once the day has come), one nudge per organisation taking part that has not sent
    its summary, per number of days. A query per open consultation, plus one."""
    day = _nudge_day(now)
    stages = sorted(rules.nudge_days_before(), reverse=True)
    if not stages:
        return []
    requests = []
    for consultation in Consultation.objects.filter(
            status=Consultation.Status.OPEN, closing_on__gte=day,
            closing_on__lte=day + dt.timedelta(days=stages[0])).select_related("organization"):
        left = (consultation.closing_on - day).days
        stage = min(s for s in stages if s >= left)
        sent = ConsultationSummary.objects.filter(consultation=consultation, status=ConsultationSummary.Status.SENT)
        waiting = (rules.participants(consultation.organization).exclude(pk=consultation.organization_id)
                   .exclude(pk__in=sent.values("organization_id")).values_list("pk", flat=True))
        requests += [DispatchRequest(key=f"consultation:{consultation.pk}:nudge:{org_id}:{stage}", kind=NUDGE,
                                     params={"consultation_id": consultation.pk, "organization_id": org_id})
                     for org_id in waiting]
    return requests


# --- Recipients and wording -------------------------------------------------------------------

def _consultation(params: dict) -> Consultation | None:
    return Consultation.objects.select_related("organization").filter(pk=params["consultation_id"]).first()


def _members_under(params: dict) -> QuerySet[Member]:
    """Every member on the rolls of a cell under the publisher (home or temporary): one subquery."""
    consultation = _consultation(params)
    if consultation is None:
        return Member.objects.none()
    in_cells = CellMembership.objects.current().filter(
        cell__path__startswith=consultation.organization.path, cell__kind__in=Organization.CELL_KINDS)
    return Member.objects.on_rolls().filter(pk__in=in_cells.values("member_id"))


def summary_writers(org: Organization) -> QuerySet[Member]:
    """Who writes an organisation's summary: a cell's officers; the committee seated at it."""
    today = timezone.localdate()
    if org.is_cell:
        ids = CellMembership.objects.current(today).filter(cell=org, role__in=OFFICER_ROLES).values("member_id")
    else:
        ids = CommitteeSeat.objects.current(today).filter(organization=org).values("member_id")
    return Member.objects.on_rolls().filter(pk__in=ids)


def _writers(params: dict) -> QuerySet[Member]:
    org = Organization.objects.filter(pk=params["organization_id"]).first()
    return summary_writers(org) if org else Member.objects.none()


def _published_context(params: dict) -> dict | None:
    consultation = _consultation(params)
    if consultation is None or not rules.is_open_for_comments(consultation):
        return None  # closed before the notice went out
    return {"consultation": consultation, "link": _link(consultation)}


def _nudge_context(params: dict) -> dict | None:
    consultation = _consultation(params)
    org = Organization.objects.filter(pk=params["organization_id"]).first()
    if consultation is None or org is None or consultation.status != Consultation.Status.OPEN:
        return None
    if ConsultationSummary.objects.filter(consultation=consultation, organization=org,
                                          status=ConsultationSummary.Status.SENT).exists():
        return None  # sent meanwhile
    return {"consultation": consultation, "organization": org, "link": _link(consultation, org)}


def register_kinds() -> None:
    kinds.register(PUBLISHED, template="consultations/email/published", recipients=_members_under,
                   context=_published_context)
    kinds.register(NUDGE, template="consultations/email/nudge", recipients=_writers, context=_nudge_context)


register_kinds()
