"""A member's record: read it, edit it, record a status step, change the role, give an account.

Giving an account composes two floors: members.services makes the account and
notifications.invitations records the invitation in the ledger, in one transaction.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import apply_errors
from members import normalize as norm
from members.access import forget_scope, scope_for
from members.access_codes import access_code_issue
from members.forms import AccountForm, MemberForm, RoleForm, StatusChangeForm, suggest_username
from members.models import CellMembership, is_not_ended
from members.selectors import (
    cells_for_temporary_transfer,
    get_member_for_viewer,
    member_access,
    member_record,
    own_member_public_id,
)
from members.services import (
    member_change_status,
    member_update,
    membership_end_temporary,
    membership_set_role,
    user_create_for_member,
)
from members.status_steps import STEPS, return_status, steps_for
from members.views.access_codes import render_card
from members.views.common import report_number_conflicts
from notifications.invitations import invitation_send


def _load(request, member_id):
    scope = scope_for(request.user)
    member = get_member_for_viewer(scope, member_id)
    record = member_record(member)
    access = member_access(scope, member, record.memberships)
    return scope, member, record, access


def _current(record) -> list[CellMembership]:
    """The member's places now, home cell first."""
    today = timezone.localdate()
    current = [m for m in record.memberships if is_not_ended(m, today)]
    return sorted(current, key=lambda m: m.kind != CellMembership.Kind.HOME)


def _has_home(record) -> bool:
    return any(m.kind == CellMembership.Kind.HOME for m in _current(record))


@login_required
def my_record(request):
    """The menu's "My record": the signed-in member's own record page. An account without a member
    record (an administrator's) is told so on the settings page instead of meeting a 404."""
    public_id = own_member_public_id(scope_for(request.user))
    if public_id is None:
        messages.info(request, _("This account has no member record."))
        return redirect("settings_index")
    return redirect("member_detail", member_id=public_id)


@login_required
def member_detail(request, member_id):
    scope, member, record, access = _load(request, member_id)
    today = timezone.localdate()
    steps = steps_for(member, access.membership, _has_home(record)) if access.can_manage_here else []
    if not access.can_edit:
        steps = [s for s in steps if s.key == "end_attendance"]
    current = _current(record)
    return render(request, "members/member_detail.html", {
        "member": member,
        "record": record,
        "access": access,
        "place": access.membership or (current[0] if current else None),
        "age": norm.age_on(member.date_of_birth, today) if member.date_of_birth else None,
        "steps": steps,
        "changes": [s for s in steps if not s.danger],
        "departures": [s for s in steps if s.danger],
        "today": today,
        "role_form": RoleForm(initial={"role": access.membership.role}) if access.membership else None,
    })


def _load_for_editing(request, member_id):
    scope, member, record, access = _load(request, member_id)
    if not access.can_edit:
        raise Http404
    return scope, member, record, access


@login_required
def member_edit(request, member_id):
    scope, member, record, access = _load_for_editing(request, member_id)
    form = MemberForm(request.POST or None, instance=member, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            member_update(member=member, actor=request.user, **form.record_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("The record was saved."))
            return redirect("member_detail", member_id=member.public_id)
    report_number_conflicts(form, cell=access.cell, user=request.user)
    return render(request, "members/member_form.html", {
        "cell": access.cell, "form": form, "member": member,
        "title": _("Edit the record of %(name)s") % {"name": member.full_name},
    })


@login_required
def member_status(request, member_id, step):
    scope, member, record, access = _load(request, member_id)
    if not access.can_manage_here:
        raise Http404
    allowed = {s.key: s for s in steps_for(member, access.membership, _has_home(record))}
    if not access.can_edit:
        allowed = {k: s for k, s in allowed.items() if k == "end_attendance"}
    if step not in allowed:
        raise Http404
    action = STEPS[step]
    cells = list(cells_for_temporary_transfer(scope, member)[:200]) if action.destination else []
    form = StatusChangeForm(request.POST or None, action=action, member=member, cells=cells)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if action.key == "end_attendance":
                membership_end_temporary(member=member, cell=access.cell, end_date=data["effective_date"],
                                         actor=request.user)
            else:
                member_change_status(
                    member=member, actor=request.user,
                    status=action.status or return_status(member),
                    effective_date=data["effective_date"], decision_ref=data["decision_ref"], note=data["note"],
                    other_organization=data.get("other_organization") or "",
                    temporary_cell=data.get("temporary_cell"),
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(step)s: recorded for %(name)s.") % {
                "step": action.label, "name": member.full_name})
            if _still_visible(request.user, member):
                return redirect("member_detail", member_id=member.public_id)
            return redirect("roster", cell_id=access.cell.public_id)
    return render(request, "members/member_status.html", {
        "member": member, "access": access, "action": action, "form": form,
    })


def _still_visible(user, member) -> bool:
    """After someone leaves the rolls (or a role change), the record may be out of sight."""
    forget_scope(user)  # a role change or a departure may change the user's own scope
    try:
        get_member_for_viewer(scope_for(user), member.public_id)
    except Http404:
        return False
    return True


@login_required
@require_POST
def member_role(request, member_id):
    scope, member, record, access = _load(request, member_id)
    if not access.can_manage_here:
        raise Http404
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            membership_set_role(member=member, cell=access.cell, role=form.cleaned_data["role"], actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The role was changed."))
    else:
        messages.error(request, _("Choose a role."))
    if _still_visible(request.user, member):
        return redirect("member_detail", member_id=member.public_id)
    return redirect("home")


@login_required
def member_account(request, member_id):
    scope, member, record, access = _load_for_editing(request, member_id)
    if member.user_id:
        raise Http404
    form = AccountForm(request.POST or None, initial={"username": suggest_username(member), "email": member.email})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = user_create_for_member(
                    member=member, username=form.cleaned_data["username"], email=form.cleaned_data["email"],
                    actor=request.user,
                )
                # Without an email (a member with a phone only) the secretary prints a code.
                issued = access_code_issue(user=user, actor=request.user) if not user.email else None
                if issued is None:
                    invitation_send(user=user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if issued is not None:
                return render_card(request, member, issued)
            messages.success(request, _("The account %(username)s was created; an invitation was sent to %(email)s.")
                             % {"username": user.username, "email": user.email})
            return redirect("member_detail", member_id=member.public_id)
    return render(request, "members/member_account.html", {"member": member, "access": access, "form": form})


@login_required
@require_POST
def member_invitation(request, member_id):
    scope, member, record, access = _load_for_editing(request, member_id)
    if not member.user_id:
        raise Http404
    try:
        invitation_send(user=member.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The invitation was sent again to %(email)s.") % {"email": member.user.email})
    return redirect("member_detail", member_id=member.public_id)
