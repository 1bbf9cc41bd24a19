"""The rules of a consultation, in one place: who takes part, whose summary goes to whom,
whether a comment or a summary may still change, and the progress of each level.

The tree has any depth: a draft published by an organisation reaches every cell under it;
every organisation between the publisher and those cells writes a summary from the summaries
of the organisations directly below it that take part, and sends it up — the same step at
every level. The publisher's own summary goes to `reports_to` when there is one.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cells.models import Organization
from consultations.models import Consultation, ConsultationSummary

# Organisations below a cell (party groups) comment through their cell: they write no summary.
_NOT_TAKING_PART = (Organization.Kind.PARTY_GROUP,)


def nudge_days_before() -> list[int]:
    """Days before the closing date on which organisations that have not sent are nudged."""
    return list(settings.HANDBOOK_RULES.get("consultation_nudge_days_before", [3, 1]))


def taking_part(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    """Those of `organizations` that write a summary: cells, and organisations with a cell
    under them (an organisation with no cell below has no one to comment)."""
    cells_below = Organization.objects.filter(kind__in=Organization.CELL_KINDS, is_active=True,
                                              path__startswith=OuterRef("path"))
    return (organizations.active().exclude(kind__in=_NOT_TAKING_PART)
            .filter(Q(kind__in=Organization.CELL_KINDS) | Exists(cells_below)).order_by("path"))


def participants(publisher: Organization) -> QuerySet[Organization]:
    """Every organisation that writes a summary, in tree order, the publisher included."""
    return taking_part(Organization.objects.subtree(publisher))


def children_taking_part(parent_ids) -> QuerySet[Organization]:
    """The organisations directly below these that write a summary (one query for all)."""
    return taking_part(Organization.objects.filter(parent_id__in=list(parent_ids)))


def may_publish_from(publisher: Organization) -> bool:
    """A draft goes from a committee to the cells under it: the publisher has cells below."""
    return not publisher.is_cell and Organization.objects.subtree(publisher, include_self=False).cells().active().exists()


def is_open_for_comments(consultation: Consultation, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return consultation.status == Consultation.Status.OPEN and today <= consultation.closing_on


def comment_editable(consultation: Consultation, cell_summary: ConsultationSummary | None,
                     today: dt.date | None = None) -> bool:
    """A comment is written and changed while the draft is open and until the cell's summary is sent."""
    return is_open_for_comments(consultation, today) and not (cell_summary and cell_summary.is_sent)


def summary_editable(consultation: Consultation, summary: ConsultationSummary | None) -> bool:
    """A summary is edited until it is sent (then it is final); a closed consultation takes no more."""
    return consultation.status == Consultation.Status.OPEN and not (summary and summary.is_sent)


@dataclass(frozen=True)
class ChildProgress:
    organization: Organization
    summary: ConsultationSummary | None

    @property
    def sent(self) -> bool:
        return bool(self.summary and self.summary.is_sent)


@dataclass(frozen=True)
class Progress:
    organization: Organization
    children: list[ChildProgress]

    @property
    def sent_count(self) -> int:
        return sum(1 for child in self.children if child.sent)

    @property
    def total(self) -> int:
        return len(self.children)


def progress_of(consultation: Consultation, orgs: list[Organization]) -> dict[int, Progress]:
    """For each of `orgs`: the organisations directly below it that take part, each with its
    summary (or none). Two queries, whatever the number of organisations."""
    children = list(children_taking_part(org.pk for org in orgs))
    summaries = {s.organization_id: s for s in ConsultationSummary.objects.filter(
        consultation=consultation, organization_id__in=[child.pk for child in children])}
    return {org.pk: Progress(org, [ChildProgress(child, summaries.get(child.pk))
                                   for child in children if child.parent_id == org.pk]) for org in orgs}
