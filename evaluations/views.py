"""Pages of the yearly evaluation (phone first): the member's self-assessment and history, the
cell's review, the committee's decisions with the quota warning, organisations' evaluations,
amendments, the committee's figures and their export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.forms import apply_errors
from evaluations import rules, selectors, services
from evaluations.forms import (
    AmendmentForm,
    DecisionForm,
    ReviewForm,
    RoundForm,
    SchemeForm,
    SelfAssessmentForm,
)
from evaluations.models import Level
from handbook.db_router import reads_from_replica
from members.access import cells_managed, get_cell_for_viewer, scope_for


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else selectors.default_year()


def _points_initial(evaluation) -> dict:
    return {f"c{key}": value for key, value in (evaluation.points or {}).items()} | {"text": evaluation.self_text}


# --- The member ---------------------------------------------------------------------------------

@login_required
@require_GET
def evaluation_mine(request):
    scope = scope_for(request.user)
    return render(request, "evaluations/mine.html", {
        "evaluations": selectors.my_evaluations(scope),
        "cells": list(cells_managed(scope)) if scope.managed_cell_ids else [], "year": selectors.default_year(),
        "committees": list(selectors.evaluation_organizations(scope).filter(
            pk__in=[org_id for org_id, _path in scope.oversight])) if scope.oversight else [],
    })


@login_required
@require_GET
def evaluation_detail(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_member_evaluation(scope, evaluation_id)
    return render(request, "evaluations/detail.html", {
        "evaluation": evaluation, "criteria": _criteria_rows(evaluation),
        "progress": _progress(evaluation), "amendments": list(evaluation.amendments.select_related("amended_by")),
        "can_self_assess": selectors.can_self_assess(scope, evaluation) and evaluation.reviewed_at is None,
        "can_review": selectors.can_review(scope, evaluation) and evaluation.self_assessed_at is not None
        and evaluation.decided_at is None,
        "can_decide": selectors.can_decide(scope, evaluation) and evaluation.reviewed_at is not None
        and evaluation.decided_at is None,
        "can_amend": selectors.can_decide(scope, evaluation) and evaluation.decided_at is not None,
        "is_member": True,
    })


def _progress(evaluation) -> str:
    return rules.progress(self_assessed_at=evaluation.self_assessed_at,
                          reviewed_at=evaluation.reviewed_at, decided_at=evaluation.decided_at)


def _criteria_rows(evaluation) -> list[tuple[str, int, int | None]]:
    points = evaluation.points or {}
    return [(c.title, c.max_points, points.get(str(c.pk))) for c in evaluation.round.scheme.criteria.all()]


@login_required
def evaluation_self(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_member_evaluation(scope, evaluation_id)
    if not selectors.can_self_assess(scope, evaluation):
        raise Http404
    scheme = evaluation.round.scheme
    form = SelfAssessmentForm(request.POST or None, scheme=scheme, initial=_points_initial(evaluation))
    if request.method == "POST" and form.is_valid():
        try:
            services.member_self_assess(evaluation=evaluation, points=form.points(), text=form.cleaned_data["text"],
                                        actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your self-assessment is recorded; the cell will review it."))
            return redirect("evaluation_detail", evaluation_id=evaluation.public_id)
    facts = evaluation.facts if evaluation.self_assessed_at else rules.member_facts(
        evaluation.member, evaluation.year, today=timezone.localdate())
    return render(request, "evaluations/self_form.html", {
        "evaluation": evaluation, "form": form, "facts": facts, "scheme": scheme, "subject": evaluation.member.full_name,
        "closed": evaluation.reviewed_at is not None,
    })


# --- The cell's review --------------------------------------------------------------------------

@login_required
@require_GET
def evaluation_cell(request, cell_id, year):
    scope = scope_for(request.user)
    if not 2000 <= year <= 2100:
        raise Http404
    cell = get_cell_for_viewer(scope, cell_id)
    if not (scope.is_superuser or cell.pk in scope.managed_cell_ids or scope.oversees_path(cell.path)):
        raise Http404
    rows = selectors.cell_member_evaluations(cell, year)
    own = selectors.organization_evaluations_visible(scope).filter(organization=cell, year=year).first()
    return render(request, "evaluations/cell.html", {
        "cell": cell, "year": year, "rows": [(row, _progress(row)) for row in rows], "own": own,
        "own_progress": _progress(own) if own else None,
        "can_review": cell.pk in scope.managed_cell_ids or scope.is_superuser,
        "official_members": services.official_members(cell),
    })


@login_required
def evaluation_review(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_member_evaluation(scope, evaluation_id)
    if not selectors.can_review(scope, evaluation):
        raise Http404
    initial = {"proposed_level": evaluation.proposed_level or evaluation.self_level, "votes_for": evaluation.votes_for,
               "note": evaluation.review_note}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_review(evaluation=evaluation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The cell's review of %(name)s is recorded.") % {"name": evaluation.member.full_name})
            return redirect("evaluation_cell", cell_id=evaluation.cell.public_id, year=evaluation.year)
    return render(request, "evaluations/review_form.html", {
        "evaluation": evaluation, "form": form, "criteria": _criteria_rows(evaluation),
        "official_members": services.official_members(evaluation.cell),
    })


# --- Decisions and amendments -------------------------------------------------------------------

def _decide(request, evaluation, *, decide, quota, back, template_context):
    initial = {"level": getattr(evaluation, "proposed_level", "") or evaluation.self_level}
    form = DecisionForm(request.POST or None, initial=initial)
    over = None
    if request.method == "POST" and form.is_valid():
        try:
            decide(evaluation=evaluation, actor=request.user, **form.cleaned_data)
        except services.OverQuota as error:
            over = error.quota  # shown with the counts above the confirmation box
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The classification is decided: %(level)s.") % {
                "level": Level(form.cleaned_data["level"]).label})
            return back
    level = form.data.get("level") if form.is_bound else initial["level"]
    current = quota(evaluation, level if level in Level.values else Level.GOOD)
    return render(request, "evaluations/decide_form.html", {
        "evaluation": evaluation, "form": form, "over": over, "quota": current, **template_context})


@login_required
def evaluation_decide(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_member_evaluation(scope, evaluation_id)
    if not selectors.can_decide(scope, evaluation) or evaluation.decided_at or not evaluation.reviewed_at:
        raise Http404  # nothing to decide (yet, or any more)
    return _decide(request, evaluation, decide=services.member_decide, quota=services.member_quota,
                   back=redirect("evaluation_org", org_id=evaluation.round.organization.public_id),
                   template_context={"subject": evaluation.member.full_name, "criteria": _criteria_rows(evaluation),
                                     "is_member": True, "deciding": evaluation.round.organization})


def _amend(request, evaluation, *, amend, back, subject):
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            amend(evaluation=evaluation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The amendment is recorded."))
            return back
    return render(request, "evaluations/amend_form.html", {"evaluation": evaluation, "form": form,
                                                            "subject": subject})


@login_required
def evaluation_amend(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_member_evaluation(scope, evaluation_id)
    if not selectors.can_decide(scope, evaluation) or evaluation.decided_at is None:
        raise Http404
    return _amend(request, evaluation, amend=services.member_amend, subject=evaluation.member.full_name,
                  back=redirect("evaluation_detail", evaluation_id=evaluation.public_id))


# --- Organisations' evaluations -----------------------------------------------------------------

@login_required
@require_GET
def unit_detail(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_organization_evaluation(scope, evaluation_id)
    return render(request, "evaluations/detail.html", {
        "evaluation": evaluation, "criteria": _criteria_rows(evaluation), "progress": _progress(evaluation),
        "amendments": list(evaluation.amendments.select_related("amended_by")),
        "can_self_assess": selectors.can_self_assess_organization(scope, evaluation) and evaluation.reviewed_at is None,
        "can_review_unit": selectors.can_self_assess_organization(scope, evaluation)
        and evaluation.self_assessed_at is not None and evaluation.decided_at is None,
        "can_decide": selectors.can_decide_organization(scope, evaluation) and evaluation.reviewed_at is not None
        and evaluation.decided_at is None,
        "can_amend": selectors.can_decide_organization(scope, evaluation) and evaluation.decided_at is not None,
        "is_member": False,
    })


@login_required
def unit_self(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_organization_evaluation(scope, evaluation_id)
    if not selectors.can_self_assess_organization(scope, evaluation):
        raise Http404
    scheme = evaluation.round.scheme
    form = SelfAssessmentForm(request.POST or None, scheme=scheme, initial=_points_initial(evaluation))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_self_assess(evaluation=evaluation, points=form.points(),
                                              text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The organisation's self-assessment is recorded."))
            return redirect("unit_evaluation_detail", evaluation_id=evaluation.public_id)
    return render(request, "evaluations/self_form.html", {
        "evaluation": evaluation, "form": form, "facts": None, "scheme": scheme,
        "subject": evaluation.organization.name, "closed": evaluation.reviewed_at is not None,
    })


@login_required
def unit_review(request, evaluation_id):
    """The cell's meeting (a grassroots organisation: its committee) reviews the organisation's
    self-assessment and votes on the level to propose; the member flow's form and vote rule."""
    scope = scope_for(request.user)
    evaluation = selectors.get_organization_evaluation(scope, evaluation_id)
    if (not selectors.can_self_assess_organization(scope, evaluation) or evaluation.decided_at
            or not evaluation.self_assessed_at):
        raise Http404
    initial = {"proposed_level": evaluation.proposed_level or evaluation.self_level, "votes_for": evaluation.votes_for,
               "note": evaluation.review_note}
    form = ReviewForm(request.POST or None, initial=initial)
    is_cell = evaluation.organization.is_cell
    if not is_cell:
        form.fields["proposed_level"].label = _("Level proposed by the committee")
        form.fields["note"].label = _("Committee's review")
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_review(evaluation=evaluation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The review of %(name)s is recorded.") % {"name": evaluation.organization.name})
            return redirect("unit_evaluation_detail", evaluation_id=evaluation.public_id)
    return render(request, "evaluations/unit_review_form.html", {
        "evaluation": evaluation, "form": form, "criteria": _criteria_rows(evaluation), "is_cell": is_cell,
        "base": services.review_base(evaluation.organization), "is_member": False,
    })


@login_required
def unit_decide(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_organization_evaluation(scope, evaluation_id)
    if (not selectors.can_decide_organization(scope, evaluation) or evaluation.decided_at
            or not evaluation.reviewed_at):
        raise Http404  # nothing to decide (yet, or any more)
    return _decide(request, evaluation, decide=services.organization_decide, quota=services.organization_quota,
                   back=redirect("unit_evaluation_detail", evaluation_id=evaluation.public_id),
                   template_context={"subject": evaluation.organization.name, "criteria": _criteria_rows(evaluation),
                                     "is_member": False, "deciding": evaluation.organization.parent})


@login_required
def unit_amend(request, evaluation_id):
    scope = scope_for(request.user)
    evaluation = selectors.get_organization_evaluation(scope, evaluation_id)
    if not selectors.can_decide_organization(scope, evaluation) or evaluation.decided_at is None:
        raise Http404
    return _amend(request, evaluation, amend=services.organization_amend, subject=evaluation.organization.name,
                  back=redirect("unit_evaluation_detail", evaluation_id=evaluation.public_id))


# --- The criteria form ---------------------------------------------------------------------------

@login_required
def evaluation_scheme(request, org_id):
    """The organisation's committee adjusts the criteria form for its subtree from a year on;
    the form in force (its own or inherited from above) is shown beside it."""
    scope = scope_for(request.user)
    org = selectors.get_organization_with_seat(scope, org_id)
    year = selectors.default_year() + 1
    in_force = rules.scheme_for(org, year)
    form = SchemeForm(request.POST or None, initial=SchemeForm.initial_from(in_force, year))
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_adopt(organization=org, actor=request.user, **form.adoption())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The form “%(name)s” is in force from %(year)s for %(org)s and below.") % {
                "name": scheme.name, "year": scheme.effective_year, "org": org.name})
            return redirect("evaluation_scheme", org_id=org.public_id)
    return render(request, "evaluations/scheme_form.html", {
        "org": org, "year": year, "in_force": in_force, "form": form, "own": selectors.schemes_of(org),
    })


# --- The committee ------------------------------------------------------------------------------

@login_required
def evaluation_org(request, org_id):
    scope = scope_for(request.user)
    org = selectors.get_organization_for_committee(scope, org_id)
    year = _year(request)
    evaluation_round = selectors.round_of(org, year)
    form = None
    if org.kind in org.GRASSROOTS_KINDS and evaluation_round is None:
        form = RoundForm(request.POST or None, initial={"year": year})
        if request.method == "POST" and form.is_valid():
            try:
                services.round_open(organization=org, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The evaluation of %(year)s is open.") % {"year": form.cleaned_data["year"]})
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    elif request.method == "POST":
        raise Http404
    this_year, last_year = selectors.figures_for(org, year)
    units = selectors.unit_rows(org, year)
    own = selectors.organization_evaluations_visible(scope).filter(organization=org, year=year).first()
    return render(request, "evaluations/committee.html", {
        "org": org, "year": year, "round": evaluation_round, "form": form, "figures": this_year, "last": last_year,
        "units": units, "awaiting": selectors.awaiting_decision(scope, org, year),
        "can_adjust_scheme": scope.is_superuser or any(org_id == org.pk for org_id, _path in scope.oversight),
        "units_awaiting": selectors.organizations_awaiting_decision(scope, org, year),
        "own": own, "own_progress": _progress(own) if own else None,
        "late": bool(evaluation_round and rules.is_late(deadline=evaluation_round.deadline, decided_at=None,
                                                        today=timezone.localdate())
                     and this_year.members["decided"] < this_year.members["expected"]),
    })


@login_required
@require_GET
@reads_from_replica
def evaluation_export(request, org_id):
    from reports.exports import FORMATS
    from reports.exports import render as render_table
    from reports.tables import Column, Table

    org = selectors.get_organization_for_committee(scope_for(request.user), org_id)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    year = _year(request)
    this_year, _last = selectors.figures_for(org, year)
    columns = [Column("name", str(_("Organisation")), "text", 34),
               Column("expected", str(_("Members to evaluate"))),
               Column("not_started", str(_("Not started"))),
               Column("self_assessed", str(_("Self-assessed"))),
               Column("reviewed", str(_("Reviewed by the cell"))),
               Column("decided", str(_("Decided"))),
               *(Column(level, str(label)) for level, label in Level.choices),
               Column("good_rate", str(_("Good or excellent")), "percent"),
               Column("not_completed_rate", str(_("Not completed")), "percent")]

    def line(name, figures):
        m = figures.members
        return [name, m["expected"], m["not_started"], m["self_assessed"], m["reviewed"], m["decided"],
                *(m[level] for level in Level.values), m["good_rate"], m["not_completed_rate"]]

    body = [line(row.organization.name, row.figures) for row in selectors.unit_rows(org, year)]
    body.append(line(str(_("Total")), this_year))
    table = Table("evaluations", str(_("Evaluation and classification")), columns, body)
    heading = _("%(org)s — evaluation and classification of members, %(year)s") % {"org": org.name, "year": year}
    response = HttpResponse(render_table(table, fmt, heading=heading), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="danh-gia-xep-loai-{year}.{fmt}"'
    return response
