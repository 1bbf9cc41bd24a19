"""Pages of the petitions: the sender's list, raise and reopen forms (phone first), a petition's
steps and the holder's actions, the committee's figures rolled up the tree and their export."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cells.models import Organization
from common.forms import apply_errors
from handbook.db_router import reads_from_replica
from members.access import scope_for
from petitions import rules, selectors
from petitions.forms import ActionForm, RaiseForm, ReopenForm
from petitions.models import PetitionCategory
from petitions.services import ACTIONS, petition_raise, petition_reopen


@login_required
@require_GET
def petitions_home(request):
    """Where an officer starts: the organisations they raise petitions for and the committees they sit on."""
    scope = scope_for(request.user)
    if not scope.is_officer:
        raise Http404
    if scope.is_superuser and not scope.oversight:
        committees = Organization.objects.filter(parent__isnull=True)
    else:
        committees = Organization.objects.filter(pk__in=rules.seat_organization_ids(scope))
    return render(request, "petitions/home.html", {
        "senders": list(selectors.senders(scope)), "committees": list(committees.order_by("path")),
    })


@login_required
@require_GET
def petitions_sent(request, org_id):
    org = selectors.get_sender(scope_for(request.user), org_id)
    return render(request, "petitions/sent.html", {"org": org, "petitions": selectors.sent_by(org),
                                                   "today": timezone.localdate()})


@login_required
def petition_new(request, org_id):
    org = selectors.get_sender(scope_for(request.user), org_id)
    form = RaiseForm(request.POST or None, request.FILES or None, categories=selectors.categories(),
                     meetings=selectors.sender_meetings(org))
    if request.method == "POST" and form.is_valid():
        try:
            petition = petition_raise(sender=org, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The petition was sent to %(org)s.") % {"org": org.parent.name})
            return redirect("petition_detail", petition_id=petition.public_id)
    return render(request, "petitions/raise.html", {"org": org, "form": form})


def _detail(request, petition, *, bound: ActionForm | None = None, status=200):
    scope = scope_for(request.user)
    actions = rules.holder_actions(scope, petition)
    members = selectors.holder_members(petition.holder) if rules.ASSIGN in actions else None
    forms = [bound if bound is not None and bound.action == action else ActionForm(action=action, members=members)
             for action in actions]
    return render(request, "petitions/detail.html", {
        "view": selectors.petition_view(petition), "petition": petition, "forms": forms,
        "may_reopen": rules.may_reopen(scope, petition), "sees_sender_page": rules.speaks_for(scope, petition.sender),
    }, status=status)


@login_required
@require_GET
def petition_detail(request, petition_id):
    return _detail(request, selectors.get_petition_for_viewer(scope_for(request.user), petition_id))


@login_required
@require_POST
def petition_act(request, petition_id, action):
    if action not in ACTIONS:
        raise Http404
    scope = scope_for(request.user)
    petition = selectors.get_petition_to_act(scope, petition_id)
    if not rules.is_unresolved(petition):
        messages.error(request, _("This petition is resolved; only its sender may reopen it."))
        return redirect("petition_detail", petition_id=petition.public_id)
    if action not in rules.holder_actions(scope, petition):
        raise Http404  # forwarding from the top of the tree
    members = selectors.holder_members(petition.holder) if action == rules.ASSIGN else None
    form = ActionForm(request.POST, action=action, members=members)
    if form.is_valid():
        try:
            ACTIONS[action](petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("petition_detail", petition_id=petition.public_id)
    return _detail(request, petition, bound=form, status=400)


@login_required
def petition_reopen_view(request, petition_id):
    scope = scope_for(request.user)
    petition = selectors.get_petition_to_reopen(scope, petition_id)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            petition_reopen(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The petition is reopened."))
            return redirect("petition_detail", petition_id=petition.public_id)
    return render(request, "petitions/reopen.html", {"petition": petition, "form": form,
                                                     "may_reopen": rules.may_reopen(scope, petition)})


@login_required
@require_GET
def petition_file(request, attachment_id):
    attachment = selectors.get_attachment(scope_for(request.user), attachment_id)
    extension = PurePath(attachment.file.name).suffix.lower()
    name = PurePath(attachment.original_name).stem[:80] + extension
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name,
                        content_type=attachment.content_type or "application/octet-stream")


# --- Committee ----------------------------------------------------------------------------------

def _committee_query(request, categories):
    state = request.GET.get("state", "unresolved")
    if state not in selectors.STATES:
        state = "unresolved"
    value = request.GET.get("category", "")
    return state, next((c for c in categories if c.code == value), None)


def _page(request) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and 1 <= int(value) <= 10_000 else 1


@login_required
@require_GET
def petitions_committee(request, org_id):
    org = selectors.get_committee_org(scope_for(request.user), org_id)
    today = timezone.localdate()
    categories = list(PetitionCategory.objects.all())
    state, category = _committee_query(request, categories)
    page = _page(request)
    start = (page - 1) * selectors.PAGE_SIZE
    rows = list(selectors.committee_list(org, state=state, today=today, category=category)[
        start:start + selectors.PAGE_SIZE + 1])
    return render(request, "petitions/committee.html", {
        "org": org, "summary": selectors.committee_summary(org, today, categories=categories), "state": state,
        "category": category, "states": _state_labels(),
        "petitions": [(p, rules.age_days(p, today), rules.is_overdue(p, today)) for p in rows[:selectors.PAGE_SIZE]],
        "page": page, "has_next": len(rows) > selectors.PAGE_SIZE,
    })


@login_required
@require_GET
@reads_from_replica
def petitions_dashboard_card(request, org_id):
    """The committee dashboard's card (loaded by reports/org_dashboard.html): the committee page's totals."""
    org = selectors.get_committee_org(scope_for(request.user), org_id)
    return render(request, "petitions/_dashboard_figures.html", {
        "org": org, "petitions": selectors.dashboard_figures(org)})


def _state_labels():
    return [("unresolved", _("Not resolved")), ("overdue", _("Overdue")), ("held", _("Held here")),
            ("resolved", _("Resolved")), ("all", _("All"))]


@login_required
@require_GET
@reads_from_replica
def petitions_export(request, org_id):
    from reports.exports import FORMATS
    from reports.tables import Column, Table

    org = selectors.get_committee_org(scope_for(request.user), org_id)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    today = timezone.localdate()
    categories = list(PetitionCategory.objects.all())
    if request.GET.get("table") == "units":
        table = _units_table(selectors.committee_summary(org, today, categories=categories))
        heading = _("%(org)s — petitions by organisation on %(day)s") % {
            "org": org.name, "day": today.strftime("%d/%m/%Y")}
        return _download(table, fmt, heading, f"kien-nghi-theo-to-chuc-{today:%Y-%m-%d}.{fmt}")
    state, category = _committee_query(request, categories)
    petitions = selectors.committee_list(org, state=state, today=today, category=category)
    table = Table("petitions", str(_("Petitions")), [
        Column("title", str(_("Title")), "text", 40),
        Column("sender", str(_("Raised by")), "text", 30),
        Column("holder", str(_("Held by")), "text", 30),
        Column("category", str(_("Category")), "text", 24),
        Column("status", str(_("Status")), "text", 14),
        Column("raised_on", str(_("Raised on")), "date", 12),
        Column("due_on", str(_("Due on")), "date", 12),
        Column("age", str(_("Age (days)"))),
        Column("overdue", str(_("Days overdue"))),
        Column("resolved_on", str(_("Resolved on")), "date", 12),
        Column("answer", str(_("Answer")), "text", 50),
    ], [
        [p.title, p.sender.name, p.holder.name, p.category.label, p.get_status_display(), p.raised_on, p.due_on,
         rules.age_days(p, today), (today - p.due_on).days if rules.is_overdue(p, today) else 0, p.resolved_on,
         p.answer]
        for p in petitions.iterator(chunk_size=2000)
    ])
    heading = _("%(org)s — petitions on %(day)s") % {"org": org.name, "day": today.strftime("%d/%m/%Y")}
    return _download(table, fmt, heading, f"kien-nghi-{today:%Y-%m-%d}.{fmt}")


def _units_table(summary):
    """The committee page's first table: each unit's figures, then the total (numbers as numbers)."""
    from reports.tables import Column, Table

    rows = [[str(_("Raised by this organisation")) if row.own else row.organization.name, row.counts.unresolved,
             row.counts.overdue, row.counts.long_unresolved, row.counts.oldest_age(summary.today), row.counts.resolved]
            for row in summary.units if not row.own or row.counts.total]
    rows.append([str(_("Total")), summary.total.unresolved, summary.total.overdue, summary.total.long_unresolved,
                 summary.total.oldest_age(summary.today), summary.total.resolved])
    return Table("petitions_units", str(_("By organisation")), [
        Column("name", str(_("Organisation")), "text", 34),
        Column("unresolved", str(_("Not resolved"))),
        Column("overdue", str(_("Overdue"))),
        Column("long_unresolved", str(ngettext("Over %(days)s day", "Over %(days)s days", summary.days)
                                      % {"days": summary.days})),
        Column("oldest", str(_("Oldest open (days)"))),
        Column("resolved", str(_("Resolved"))),
    ], rows)


def _download(table, fmt: str, heading: str, filename: str) -> HttpResponse:
    from reports.exports import FORMATS
    from reports.exports import render as render_table

    response = HttpResponse(render_table(table, fmt, heading=heading), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
