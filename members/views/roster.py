"""The cell's roster: search, filter, counts; adding a member or a visitor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.selectors import organization_ancestors
from common.forms import apply_errors
from members import normalize as norm
from members.access import can_manage_cell, cells_managed, get_cell_for_manager, scope_for
from members.forms import MemberCreateForm, RosterSearchForm, VisitorForm
from members.selectors import ROSTER_PAGE_SIZE, get_cell_for_roster, roster_counts, roster_memberships
from members.services import member_attend_temporarily, member_create
from members.views.common import report_number_conflicts


@login_required
def my_roster(request):
    """The header's "Roster" link: straight to the one cell the officer manages."""
    scope = scope_for(request.user)
    if len(scope.managed_cell_ids) != 1:
        raise Http404
    cell = cells_managed(scope).get()
    return redirect("roster", cell_id=cell.public_id)


@login_required
def roster(request, cell_id):
    scope = scope_for(request.user)
    cell = get_cell_for_roster(scope, cell_id)
    search = RosterSearchForm(request.GET or None)
    query = status = ""
    if search.is_valid():
        query, status = search.cleaned_data["q"], search.cleaned_data["status"]
    page = Paginator(roster_memberships(cell, query=query, status=status), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for membership in page:
        born = membership.member.date_of_birth
        membership.age = norm.age_on(born, today) if born else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "members/roster.html", {
        "cell": cell,
        "ancestors": organization_ancestors(cell),
        "can_manage": can_manage_cell(scope, cell),
        "search": search,
        "filtering": bool(query or status),
        "page": page,
        "counts": roster_counts(cell),
        "query_string": params.urlencode(),
    })


@login_required
def member_new(request, cell_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    form = MemberCreateForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_create(
                cell=cell, actor=request.user, role=form.cleaned_data["role"],
                start_date=form.cleaned_data["start_date"], decision_ref=form.cleaned_data["decision_ref"],
                **form.record_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(name)s was added to the roster.") % {"name": member.full_name})
            return redirect("member_detail", member_id=member.public_id)
    report_number_conflicts(form, cell=cell, user=request.user)
    return render(request, "members/member_form.html", {
        "cell": cell, "form": form, "title": _("Add a party member"), "creating": True,
    })


@login_required
def member_visitor_new(request, cell_id):
    """Someone from elsewhere attending this cell on a temporary transfer."""
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    form = VisitorForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_attend_temporarily(
                cell=cell, actor=request.user, effective_date=form.cleaned_data["effective_date"],
                other_organization=form.cleaned_data["other_organization"],
                decision_ref=form.cleaned_data["decision_ref"], **form.record_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s now attends the cell temporarily.") % {"name": member.full_name})
            return redirect("member_detail", member_id=member.public_id)
    report_number_conflicts(form, cell=cell, user=request.user)
    return render(request, "members/member_form.html", {
        "cell": cell, "form": form, "title": _("Add a member attending temporarily"), "visitor": True,
    })
