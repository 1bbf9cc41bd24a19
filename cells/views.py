"""Pages of the organisation committee (and a grassroots committee, for its own cells) that
run the tree: create, rename, close, move, merge, split, seats and terms, settings, history.

A face like the dashboards: it reads through members.access and cells/members selectors and
writes through cells.services and members.services_tree. Anything outside the user's tree
seats is a 404; a change touching more than one organisation is shown before it is applied.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cells import services
from cells.forms import (
    CloseForm,
    CreateForm,
    EndTermForm,
    InChargeForm,
    MergeForm,
    MoveForm,
    OfficerForm,
    RenameForm,
    SeatForm,
    SettingsForm,
    SplitForm,
)
from cells.models import Organization, OrganizationChange
from cells.selectors import organization_ancestors, organization_settings
from common.forms import apply_errors
from members import selectors_tree, services_tree
from members.access import (
    get_organization_for_tree,
    organizations_in_tree_scope,
    scope_for,
    tree_seat_paths,
)
from members.models import CellInCharge, CellMembership, CommitteeSeat, Role


def _search_text(value: str) -> str:
    """A name typed to filter a list: at most 100 characters, no NUL (PostgreSQL refuses it)."""
    return value[:100].replace("\x00", "")


def _org(request, org_id, *, include_own=False) -> Organization:
    return get_organization_for_tree(scope_for(request.user), org_id, include_own=include_own)


def _done(request, org: Organization, message: str):
    messages.success(request, message)
    return redirect("tree_org", org_id=org.public_id)


@login_required
def tree_home(request):
    scope = scope_for(request.user)
    paths = tree_seat_paths(scope)
    top = organizations_in_tree_scope(scope, paths, include_own=True).order_by("depth", "path").first()
    if top is None:
        raise Http404
    return redirect("tree_org", org_id=top.public_id)


@login_required
def tree_org(request, org_id):
    scope = scope_for(request.user)
    paths = tree_seat_paths(scope)
    org = get_organization_for_tree(scope, org_id, include_own=True)
    runs_it = scope.is_superuser or org.path not in paths
    children = list(Organization.objects.filter(parent=org).select_related("merged_into").order_by("closed_on", "name"))
    ancestors = [a for a in organization_ancestors(org) if scope.is_superuser or any(a.path.startswith(p) for p in paths)]
    return render(request, "cells/org.html", {
        "org": org, "runs_it": runs_it, "ancestors": ancestors,
        "open_children": [c for c in children if not c.is_closed],
        "closed_children": [c for c in children if c.is_closed],
        "settings": organization_settings(org),
        "lineage": org.lineage(),
        "in_charge": selectors_tree.in_charge_now(org) if org.is_cell else None,
        "can_add": any(org.kind in Organization.ALLOWED_PARENTS[k] for k in Organization.Kind),
    })


@login_required
def tree_create(request, org_id):
    parent = _org(request, org_id, include_own=True)
    form = CreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.organization_create(parent=parent, actor=request.user, record=True, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _done(request, child, _("%(name)s created.") % {"name": child.name})
    return render(request, "cells/form.html", {"org": parent, "form": form, "title": _("New organisation under %(name)s") % {"name": parent.name}, "button": _("Create")})


@login_required
def tree_rename(request, org_id):
    org = _org(request, org_id)
    form = RenameForm(request.POST or None, initial={"name": org.name, "code": org.code})
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_rename(org=org, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _done(request, org, _("Renamed. It can be undone from the history for 24 hours."))
    return render(request, "cells/form.html", {"org": org, "form": form, "title": _("Rename %(name)s") % {"name": org.name}, "button": _("Rename")})


@login_required
def tree_close(request, org_id):
    org = _org(request, org_id)
    form = CloseForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services_tree.organization_close(org=org, on=form.cleaned_data["on"], actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _done(request, org, _("%(name)s is closed; its history is kept.") % {"name": org.name})
    return render(request, "cells/form.html", {"org": org, "form": form, "title": _("Close %(name)s") % {"name": org.name}, "button": _("Close the organisation"), "danger": True})


def _parents_for(scope, org: Organization):
    allowed = Organization.ALLOWED_PARENTS[Organization.Kind(org.kind)]
    return (organizations_in_tree_scope(scope, tree_seat_paths(scope), include_own=True)
            .filter(kind__in=allowed, closed_on__isnull=True).exclude(path__startswith=org.path)
            .exclude(pk=org.parent_id).order_by("path"))


@login_required
def tree_move(request, org_id):
    scope = scope_for(request.user)
    org = get_organization_for_tree(scope, org_id)
    form = MoveForm(request.POST or None, parents=_parents_for(scope, org))
    preview = None
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["new_parent"]
        try:
            if "confirm" in request.POST:
                services.organization_move(org=org, new_parent=new_parent, actor=request.user)
                return _done(request, org, _("Moved. It can be undone from the history for 24 hours."))
            preview = services.move_preview(org, new_parent)
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "cells/move.html", {"org": org, "form": form, "preview": preview})


@login_required
def tree_merge(request, org_id):
    parent = _org(request, org_id, include_own=True)
    children = Organization.objects.filter(parent=parent, closed_on__isnull=True).order_by("kind", "name")
    form = MergeForm(request.POST or None, children=children)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sources = list(data["sources"])
        try:
            if "confirm" in request.POST:
                target = services_tree.organizations_merge(
                    sources=sources, target=data["target"], new_name=data["new_name"], new_code=data["new_code"],
                    on=data["on"], actor=request.user)
                return _done(request, target, _("Merged into %(name)s. The figures are being recomputed.") % {
                    "name": target.name})
            if data["target"] is not None:
                services.check_merge(sources, data["target"])
            elif not data["new_name"].strip():
                raise ValidationError({"new_name": _("Name the new organisation, or choose an existing one.")})
            preview = {
                "sources": sources, "target": data["target"], "new_name": data["new_name"],
                "members": CellMembership.objects.not_ended(data["on"]).filter(cell__in=sources).count()
                if sources and sources[0].is_cell else None,
                "units": Organization.objects.filter(parent__in=sources, closed_on__isnull=True).count(),
            }
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "cells/merge.html", {"org": parent, "form": form, "preview": preview})


@login_required
def tree_split(request, org_id):
    cell = _org(request, org_id)
    if not cell.is_cell or cell.is_closed:
        raise Http404
    today = timezone.localdate()
    form = SplitForm(request.POST or None, initial={"on": today})
    people = list(selectors_tree.members_on_rolls(cell, today))
    q = _search_text(request.POST.get("q", request.GET.get("q", "")))
    shown = {m.pk for m in selectors_tree.members_on_rolls(cell, today, q)} if q.strip() else {m.pk for m in people}
    choices = {m.pk: request.POST.get(f"to_{m.public_id}", "") for m in people}
    if request.method == "POST" and "assign_shown" in request.POST:
        bulk = request.POST.get("bulk", "")
        for pk in shown:
            choices[pk] = bulk if bulk in ("", "1", "2", "3") else choices[pk]
    elif request.method == "POST" and form.is_valid():
        assignment = {pk: int(value) - 1 for pk, value in choices.items() if value in ("1", "2", "3")}
        try:
            created = services_tree.organization_split(
                source=cell, parts=form.parts(),
                assignment=assignment, on=form.cleaned_data["on"], close_source=form.cleaned_data["close_source"],
                actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _done(request, cell, _("%(count)s new cells; %(members)s members moved.") % {
                "count": len(created), "members": len(assignment)})
    rows = [(m, choices.get(m.pk, ""), m.pk in shown) for m in people]
    return render(request, "cells/split.html", {"org": cell, "form": form, "rows": rows, "q": q,
                                                "assigned": sum(1 for _m, c, _s in rows if c)})


@login_required
def tree_settings(request, org_id):
    org = _org(request, org_id, include_own=True)
    hours = ", ".join(str(m // 60) for m in org.reminder_offsets_minutes) if org.reminder_offsets_minutes else ""
    form = SettingsForm(request.POST or None, initial={
        "regular_meeting_day": org.regular_meeting_day, "regular_meeting_time": org.regular_meeting_time,
        "reminder_hours": hours, "reminder_choices_minutes": org.reminder_choices_minutes or [],
        "effective_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_settings_change(
                org=org, actor=request.user, effective_date=data["effective_date"],
                regular_meeting_day=data["regular_meeting_day"], regular_meeting_time=data["regular_meeting_time"],
                reminder_offsets_minutes=data["reminder_hours"],
                reminder_choices_minutes=data["reminder_choices_minutes"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _done(request, org, _("Settings saved."))
    inherited = organization_settings(org.parent) if org.parent_id else None
    return render(request, "cells/settings.html", {"org": org, "form": form, "inherited": inherited,
                                                   "effective": organization_settings(org)})


_OFFICER_ROLES = [(r.value, r.label) for r in (Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.COMMITTEE_MEMBER)]


@login_required
def tree_seats(request, org_id):
    """A cell's officer terms and the committee member in charge; an organisation's seats."""
    org = _org(request, org_id, include_own=True)
    if org.is_closed:
        raise Http404
    q = _search_text(request.GET.get("q", ""))
    in_charge_form = None
    if org.is_cell:
        form = OfficerForm(request.POST if "appoint" in request.POST else None,
                           members=selectors_tree.members_on_rolls(org), roles=_OFFICER_ROLES,
                           initial={"start_date": timezone.localdate()})
        committee = services_tree.grassroots_committee_of(org) or org.parent
        in_charge_form = InChargeForm(request.POST if "in_charge" in request.POST else None,
                                      members=selectors_tree.standing_committee_members(committee),
                                      initial={"start_date": timezone.localdate()}, prefix="ic")
    else:
        form = SeatForm(request.POST if "appoint" in request.POST else None,
                        members=selectors_tree.members_in_subtree(org, q, limit=200), roles=CommitteeSeat.Body.choices,
                        initial={"start_date": timezone.localdate()})
        form.fields["role"].label = _("Committee")
    if request.method == "POST":
        try:
            if "appoint" in request.POST and form.is_valid():
                data = form.cleaned_data
                if org.is_cell:
                    services_tree.cell_officer_appoint(member=data["member"], cell=org, role=data["role"],
                                                       start_date=data["start_date"], end_date=data["end_date"],
                                                       actor=request.user)
                else:
                    services_tree.committee_seat_appoint(member=data["member"], organization=org, body=data["role"],
                                                         title=data["title"], start_date=data["start_date"],
                                                         end_date=data["end_date"], actor=request.user)
                messages.success(request, _("Appointed."))
                return redirect("tree_seats", org_id=org.public_id)
            if in_charge_form is not None and "in_charge" in request.POST and in_charge_form.is_valid():
                services_tree.cell_in_charge_assign(cell=org, actor=request.user, **in_charge_form.cleaned_data)
                messages.success(request, _("The committee member in charge now hears the cell's notices."))
                return redirect("tree_seats", org_id=org.public_id)
        except ValidationError as error:
            apply_errors(in_charge_form if "in_charge" in request.POST else form, error)
    return render(request, "cells/seats.html", {
        "org": org, "form": form, "in_charge_form": in_charge_form, "q": q,
        "terms": selectors_tree.officers_of(org) if org.is_cell else selectors_tree.seats_of(org),
        "assignments": CellInCharge.objects.filter(cell=org).select_related("member").order_by("-start_date")
        if org.is_cell else [],
        "end_form": EndTermForm(initial={"end_date": timezone.localdate()}),
    })


@login_required
@require_POST
def tree_term_end(request, org_id, what, row_id):
    """End a term on this page's organisation: an officer's, a seat's, an assignment in charge."""
    org = _org(request, org_id, include_own=True)
    form = EndTermForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the last day of the term."))
        return redirect("tree_seats", org_id=org.public_id)
    end = form.cleaned_data["end_date"]
    try:
        if what == "officer":
            place = get_object_or_404(CellMembership, pk=row_id, cell=org, end_date__isnull=True)
            services_tree.cell_officer_end(member=place.member, cell=org, end_date=end, actor=request.user)
        elif what == "seat":
            seat = get_object_or_404(CommitteeSeat, pk=row_id, organization=org, end_date__isnull=True)
            services_tree.committee_seat_end(seat=seat, end_date=end, actor=request.user)
        elif what == "in-charge":
            row = get_object_or_404(CellInCharge, pk=row_id, cell=org, end_date__isnull=True)
            services_tree.cell_in_charge_end(assignment=row, end_date=end, actor=request.user)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Term ended."))
    return redirect("tree_seats", org_id=org.public_id)


@login_required
def tree_history(request, org_id):
    org = _org(request, org_id, include_own=True)
    changes = list(OrganizationChange.objects.filter(organization_ids__overlap=[org.pk])
                   .select_related("actor", "organization")[:200])
    now = timezone.now()
    return render(request, "cells/history.html", {
        "org": org, "changes": [(c, services.change_undo_refusal(c, now) is None) for c in changes],
    })


@login_required
@require_POST
def tree_undo(request, org_id, change_id):
    org = _org(request, org_id)
    change = get_object_or_404(OrganizationChange, pk=change_id, organization=org)
    try:
        services.organization_change_undo(change=change, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Undone."))
    return redirect("tree_history", org_id=org.public_id)
