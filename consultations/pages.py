"""What the consultation pages show, composed from the selectors and rules (a few queries
each, whatever the size of the tree)."""

from dataclasses import dataclass, field

from cells.models import Organization
from consultations import rules, selectors
from consultations.models import Consultation, ConsultationComment, ConsultationSummary, SummaryPoint
from members.access import Scope


@dataclass
class Writing:
    """An organisation whose summary the user writes, with its summary and its progress below."""

    organization: Organization
    summary: ConsultationSummary | None
    progress: rules.Progress


@dataclass
class Detail:
    consultation: Consultation
    cell: Organization | None  # where the user comments
    comments: list[ConsultationComment]
    cell_summary: ConsultationSummary | None
    can_comment: bool
    comments_open: bool
    member_id: int | None
    writing: list[Writing]
    publisher_readable: bool


def writing_for(scope: Scope, consultation: Consultation) -> list[Organization]:
    """Organisations taking part whose summary this user writes (cells they manage, committees they sit on)."""
    publisher = consultation.organization
    if scope.is_superuser:
        return [publisher]
    ids = set(scope.managed_cell_ids) | selectors.seat_organization_ids(scope)
    if not ids:
        return []
    return list(rules.taking_part(Organization.objects.filter(pk__in=ids, path__startswith=publisher.path)))


def writings(consultation: Consultation, orgs: list[Organization]) -> list[Writing]:
    summaries = {s.organization_id: s for s in ConsultationSummary.objects.filter(
        consultation=consultation, organization__in=orgs)}
    progress = rules.progress_of(consultation, [org for org in orgs if not org.is_cell])
    return [Writing(org, summaries.get(org.pk), progress.get(org.pk, rules.Progress(org, []))) for org in orgs]


def detail(scope: Scope, consultation: Consultation) -> Detail:
    cell = selectors.comment_cell(scope, consultation)
    comments, cell_summary = [], None
    if cell is not None:
        comments = selectors.cell_comments(consultation, cell)
        cell_summary = selectors.summary_of(consultation, cell)
    return Detail(
        consultation=consultation, cell=cell, comments=comments,
        cell_summary=cell_summary if selectors.summary_readable(scope, cell, cell_summary) else None,
        can_comment=cell is not None and rules.comment_editable(consultation, cell_summary),
        comments_open=rules.is_open_for_comments(consultation), member_id=scope.member_id,
        writing=writings(consultation, writing_for(scope, consultation)),
        publisher_readable=selectors.can_read_organization(scope, consultation.organization),
    )


@dataclass
class Line:
    """A line of the summary editor: a comment or a summary from below, taken or not, and its group."""

    key: str  # the public id of its source, used in the form's field names
    comment: ConsultationComment | None = None
    child: ConsultationSummary | None = None
    taken: bool = False
    group: str = ""


@dataclass
class Group:
    name: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class SummaryPage:
    consultation: Consultation
    organization: Organization
    summary: ConsultationSummary | None  # None when there is none, or the user may not read it
    can_edit: bool
    lines: list[Line]
    progress: rules.Progress | None  # organisations below (not for a cell)
    parent: Organization | None  # the level this summary goes to, when the user may open it

    @property
    def taken_groups(self) -> list[Group]:
        groups: dict[str, Group] = {}
        for line in self.lines:
            if line.taken:
                groups.setdefault(line.group, Group(line.group)).lines.append(line)
        return sorted(groups.values(), key=lambda g: (g.name == "", g.name))

    @property
    def sent_by_name(self) -> str:
        user = self.summary.sent_by if self.summary else None
        if user is None:
            return ""
        member = getattr(user, "member", None)
        return member.full_name if member else user.get_username()

    @property
    def is_publisher(self) -> bool:
        return self.organization.pk == self.consultation.organization_id


def _lines(summary, sources, kind: str) -> list[Line]:
    points = selectors.points_by_source(summary)
    lines = []
    for source in sources:
        point: SummaryPoint | None = points.get((kind, source.pk))
        line = Line(key=str(source.public_id), taken=bool(point and point.taken), group=point.group if point else "")
        setattr(line, "comment" if kind == "comment" else "child", source)
        lines.append(line)
    return lines


def summary_page(scope: Scope, consultation: Consultation, org: Organization) -> SummaryPage:
    summary = selectors.summary_of(consultation, org)
    readable = selectors.summary_readable(scope, org, summary)
    can_edit = selectors.can_write_for(scope, org) and rules.summary_editable(consultation, summary)
    shown = summary if readable else None
    progress = None
    if org.is_cell:
        lines = _lines(shown, selectors.cell_comments(consultation, org), "comment")
    else:
        progress = rules.progress_of(consultation, [org])[org.pk]
        children = selectors.child_summaries_sent(consultation, [child.organization for child in progress.children])
        lines = _lines(shown, children, "summary")
    parent = None
    if org.pk != consultation.organization_id and org.parent_id:
        parent = Organization.objects.filter(pk=org.parent_id).first()
    elif consultation.reports_to_id:
        parent = consultation.reports_to
    if parent is not None and not selectors.can_read_organization(scope, parent):
        parent = None
    return SummaryPage(consultation, org, shown, can_edit, lines, progress, parent)

