"""Scoped reads of the petitions.

Who sees a petition: the officers of the cell that raised it (the seat holders of a committee
that raised it), and the committees whose subtree holds the sender. The holder is always the
sender or one of its ancestors, so "raised in or held by the subtree" is "raised in the subtree".
Anything else is a 404.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cells.models import Organization
from meetings.models import Meeting
from members.access import Scope, organizations_overseen
from members.models import CommitteeSeat, Member
from petitions import rules
from petitions.models import Petition, PetitionAttachment, PetitionCategory, PetitionStep

PAGE_SIZE = 50
STATES = ("unresolved", "overdue", "resolved", "held", "all")


def _under(paths, field_name: str) -> Q:
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in paths), Q(pk__in=[]))


def petitions_visible(scope: Scope) -> QuerySet[Petition]:
    qs = Petition.objects.select_related("sender", "holder", "category")
    if scope.is_superuser:
        return qs
    own = scope.managed_cell_ids | rules.seat_organization_ids(scope)
    return qs.filter(Q(sender_id__in=own) | _under(scope.oversight_paths, "sender__path"))


def get_petition_for_viewer(scope: Scope, public_id) -> Petition:
    petition = petitions_visible(scope).filter(public_id=public_id).first()
    if petition is None:
        raise Http404
    return petition


def get_petition_to_act(scope: Scope, public_id) -> Petition:
    """A petition the user's committee holds (an action on anything else is a 404)."""
    petition = get_petition_for_viewer(scope, public_id)
    if not rules.may_act(scope, petition):
        raise Http404
    return petition


def get_petition_to_reopen(scope: Scope, public_id) -> Petition:
    petition = get_petition_for_viewer(scope, public_id)
    if not (scope.is_superuser or rules.speaks_for(scope, petition.sender)):
        raise Http404
    return petition


def get_attachment(scope: Scope, public_id) -> PetitionAttachment:
    attachment = (PetitionAttachment.objects.filter(public_id=public_id, petition__in=petitions_visible(scope))
                  .select_related("petition").first())
    if attachment is None:
        raise Http404
    return attachment


# --- Senders --------------------------------------------------------------------------------

def senders(scope: Scope) -> QuerySet[Organization]:
    """Organisations the user may raise petitions for: managed cells and seat organisations with a parent."""
    return (Organization.objects.filter(Q(pk__in=scope.managed_cell_ids) | Q(pk__in=rules.seat_organization_ids(scope)))
            .filter(parent__isnull=False).order_by("path"))


def get_sender(scope: Scope, public_id) -> Organization:
    org = senders(scope).filter(public_id=public_id).select_related("parent").first()
    if org is None:
        raise Http404
    return org


def sent_by(org: Organization) -> list[Petition]:
    return list(Petition.objects.filter(sender=org).select_related("sender", "holder", "category"))


def sender_meetings(org: Organization) -> QuerySet[Meeting]:
    """The meetings a petition may come from: the sender's own, the last year's, latest first."""
    since = timezone.localdate() - dt.timedelta(days=366)
    return Meeting.objects.filter(cell=org, scheduled_date__gte=since).exclude(
        status=Meeting.Status.CANCELLED).order_by("-scheduled_date")


def categories() -> QuerySet[PetitionCategory]:
    return PetitionCategory.objects.filter(is_active=True)


# --- One petition ---------------------------------------------------------------------------

@dataclass
class PetitionView:
    petition: Petition
    steps: list[PetitionStep]
    attachments: list[PetitionAttachment]
    age_days: int
    overdue: bool


def petition_view(petition: Petition, today: dt.date | None = None) -> PetitionView:
    today = today or timezone.localdate()
    return PetitionView(
        petition=petition,
        steps=list(petition.steps.select_related("organization", "to_organization")),
        attachments=list(petition.attachments.all()),
        age_days=rules.age_days(petition, today),
        overdue=rules.is_overdue(petition, today),
    )


def holder_members(org: Organization) -> QuerySet[Member]:
    """Whom the holder may assign it to by name: its committee members now."""
    seats = CommitteeSeat.objects.current().filter(organization=org).values("member_id")
    return Member.objects.on_rolls().filter(pk__in=seats)


# --- Committee pages ------------------------------------------------------------------------

def committees(scope: Scope) -> QuerySet[Organization]:
    return organizations_overseen(scope)


def get_committee_org(scope: Scope, public_id) -> Organization:
    org = organizations_overseen(scope).filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


@dataclass
class Counts:
    unresolved: int = 0
    overdue: int = 0
    resolved: int = 0
    long_unresolved: int = 0
    oldest_raised_on: dt.date | None = None

    def add(self, other: "Counts") -> None:
        self.unresolved += other.unresolved
        self.overdue += other.overdue
        self.resolved += other.resolved
        self.long_unresolved += other.long_unresolved
        if other.oldest_raised_on and (self.oldest_raised_on is None or other.oldest_raised_on < self.oldest_raised_on):
            self.oldest_raised_on = other.oldest_raised_on

    @property
    def total(self) -> int:
        return self.unresolved + self.resolved

    def oldest_age(self, today: dt.date) -> int | None:
        return (today - self.oldest_raised_on).days if self.oldest_raised_on else None


@dataclass
class UnitRow:
    organization: Organization
    own: bool  # the organisation's own petitions, not a unit below it
    counts: Counts = field(default_factory=Counts)


@dataclass
class CategoryRow:
    category: PetitionCategory
    counts: Counts = field(default_factory=Counts)


@dataclass
class Summary:
    org: Organization
    today: dt.date
    days: int
    units: list[UnitRow]
    categories: list[CategoryRow]
    total: Counts
    held_here: int


def _aggregates(today: dt.date, days: int) -> dict:
    return {
        "unresolved": Count("pk", filter=rules.unresolved_q()),
        "overdue": Count("pk", filter=rules.overdue_q(today)),
        "resolved": Count("pk", filter=~rules.unresolved_q()),
        "long_unresolved": Count("pk", filter=rules.long_unresolved_q(today, days)),
        "oldest_raised_on": Min("raised_on", filter=rules.unresolved_q()),
    }


def _counts(row: dict) -> Counts:
    return Counts(row["unresolved"], row["overdue"], row["resolved"], row["long_unresolved"], row["oldest_raised_on"])


def committee_summary(org: Organization, today: dt.date | None = None, days: int | None = None,
                      categories: list[PetitionCategory] | None = None) -> Summary:
    """Open / overdue / resolved and the oldest open, for the organisation's own petitions and each
    unit directly below it (its whole subtree rolled up), by category, and in total. Two queries
    (three without `categories`, every category) whatever the size of the tree."""
    today = today or timezone.localdate()
    days = rules.unresolved_days_limit() if days is None else days
    children = list(Organization.objects.filter(parent=org).order_by("path"))
    rows = {org.pk: UnitRow(org, own=True)} | {child.pk: UnitRow(child, own=False) for child in children}
    if categories is None:
        categories = list(PetitionCategory.objects.all())
    category_rows = {c.pk: CategoryRow(c) for c in categories}
    total, held_here = Counts(), 0
    grouped = (Petition.objects.filter(sender__path__startswith=org.path)
               .values("sender__path", "category_id", "holder_id").annotate(**_aggregates(today, days)).order_by())
    for row in grouped:
        counts = _counts(row)
        ids = [int(part) for part in row["sender__path"].strip("/").split("/")]
        unit = ids[org.depth + 1] if len(ids) > org.depth + 1 else org.pk
        rows[unit].counts.add(counts)
        category_rows[row["category_id"]].counts.add(counts)
        total.add(counts)
        if row["holder_id"] == org.pk:
            held_here += counts.unresolved
    return Summary(org=org, today=today, days=days, units=list(rows.values()),
                   categories=list(category_rows.values()), total=total, held_here=held_here)


def committee_list(org: Organization, *, state: str = "unresolved", today: dt.date | None = None,
                   category: PetitionCategory | None = None) -> QuerySet[Petition]:
    """The petitions raised in the organisation's subtree, in one state, oldest first while open."""
    today = today or timezone.localdate()
    qs = Petition.objects.filter(sender__path__startswith=org.path).select_related("sender", "holder", "category")
    if category is not None:
        qs = qs.filter(category=category)
    if state == "unresolved":
        return qs.filter(rules.unresolved_q()).order_by("raised_on", "id")
    if state == "overdue":
        return qs.filter(rules.overdue_q(today)).order_by("due_on", "id")
    if state == "resolved":
        return qs.filter(~rules.unresolved_q()).order_by("-resolved_on", "-id")
    if state == "held":
        return qs.filter(rules.unresolved_q(), holder=org).order_by("raised_on", "id")
    return qs.order_by("-raised_on", "-id")


@dataclass
class DashboardFigures:
    unresolved: int
    overdue: int
    long_unresolved: int
    resolved: int
    days: int


def dashboard_figures(org: Organization, today: dt.date | None = None, days: int | None = None) -> DashboardFigures:
    """The dashboard card: one query over the subtree (the committee page's total row, equal)."""
    today = today or timezone.localdate()
    days = rules.unresolved_days_limit() if days is None else days
    row = Petition.objects.filter(sender__path__startswith=org.path).aggregate(**_aggregates(today, days))
    return DashboardFigures(row["unresolved"], row["overdue"], row["long_unresolved"], row["resolved"], days)
