"""Pages of the admissions register: the cell's candidates and probations (secretary, phone
first), and the committee's yearly figures against plan with the plan itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from admissions import selectors, services
from admissions.forms import (
    STEP_FORMS,
    CandidateForm,
    DocumentForm,
    ImportForm,
    PlanForm,
    ProbationReviewForm,
    WithdrawForm,
)
from admissions.imports import run_import
from admissions.models import AdmissionPlan, CandidateDocument, ProbationReview, Step
from admissions.uploads import download_filename
from common.forms import apply_errors
from common.numbers import format_percent
from common.text import positive_int
from handbook.db_router import reads_from_replica
from members import rules
from members.access import can_manage_cell, get_cell_for_manager, scope_for
from members.rules import AdmissionCategory

IMPORT_SALT = "admissions.import"


def _year(request) -> int:
    this_year = timezone.localdate().year
    year = positive_int(request.GET.get("year"), default=this_year, below=10_000)
    return year if 1945 <= year <= this_year + 1 else this_year


# --- The cell's candidates --------------------------------------------------------------------

@login_required
def candidate_list(request, cell_id):
    scope = scope_for(request.user)
    cell = selectors.get_cell_for_candidates(scope, cell_id)
    return render(request, "admissions/candidate_list.html", {
        "cell": cell, "candidates": selectors.candidate_list(cell), "can_manage": can_manage_cell(scope, cell),
    })


@login_required
def candidate_new(request, cell_id):
    cell = get_cell_for_manager(scope_for(request.user), cell_id)
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        registered_on = data.pop("registered_on")
        try:
            candidate = services.candidate_register(cell=cell, registered_on=registered_on, actor=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is registered as a candidate.") % {"name": candidate.full_name})
            return redirect("admissions_candidate", candidate_id=candidate.public_id)
    return render(request, "admissions/candidate_new.html", {"cell": cell, "form": form})


def _step_form(candidate, step, data=None, files=None):
    form_class = STEP_FORMS[step]
    if step == Step.SPONSORS:
        return form_class(data, sponsors=selectors.sponsor_choices(candidate.cell))
    if step == Step.DECISION:
        return form_class(data, organizations=selectors.decision_organizations(candidate.cell))
    return form_class(data)


def _detail(request, candidate, *, can_manage, step_form=None, withdraw_form=None, document_form=None, status=200):
    step = candidate.next_step
    if can_manage and step and step_form is None:
        step_form = _step_form(candidate, step)
    return render(request, "admissions/candidate_detail.html", {
        "candidate": candidate, "cell": candidate.cell, "can_manage": can_manage,
        "next_step": Step(step) if step else None, "step_form": step_form if can_manage else None,
        "withdraw_form": (withdraw_form or WithdrawForm()) if can_manage and candidate.is_open else None,
        "document_form": (document_form or DocumentForm(initial={"step": candidate.stage})) if can_manage else None,
        "steps": {s.step: s for s in candidate.steps.select_related("recorded_by")},
        "documents": list(candidate.documents.all()),
    }, status=status)


@login_required
def candidate_detail(request, candidate_id):
    scope = scope_for(request.user)
    candidate = selectors.get_candidate(scope, candidate_id)
    return _detail(request, candidate, can_manage=selectors.can_manage_candidate(scope, candidate))


@login_required
@require_POST
def candidate_step(request, candidate_id, step):
    scope = scope_for(request.user)
    candidate = selectors.get_candidate(scope, candidate_id)
    if not selectors.can_manage_candidate(scope, candidate) or step not in STEP_FORMS:
        raise Http404
    form = _step_form(candidate, step, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        record = {
            Step.COURSE: lambda: services.candidate_record_course(
                candidate=candidate, on=data["course_on"], certificate=data["course_certificate"], actor=request.user),
            Step.SPONSORS: lambda: services.candidate_record_sponsors(
                candidate=candidate, sponsors=(data["sponsor_1"], data["sponsor_2"]), on=data["sponsors_on"],
                actor=request.user),
            Step.VOTE: lambda: services.candidate_record_vote(
                candidate=candidate, on=data["vote_on"], votes_for=data["votes_for"],
                votes_against=data["votes_against"], official_members=data["official_members"], actor=request.user),
            Step.DECISION: lambda: services.candidate_record_decision(
                candidate=candidate, number=data["decision_number"], on=data["decision_on"],
                organization=data["decision_organization"], actor=request.user),
            Step.CEREMONY: lambda: services.candidate_admit(
                candidate=candidate, on=data["ceremony_on"], party_card_number=data["party_card_number"],
                actor=request.user),
        }[step]
        try:
            record()
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(step)s: recorded.") % {"step": Step(step).label})
            return redirect("admissions_candidate", candidate_id=candidate.public_id)
    return _detail(request, candidate, can_manage=True, step_form=form, status=200)


@login_required
@require_POST
def candidate_withdraw(request, candidate_id):
    scope = scope_for(request.user)
    candidate = selectors.get_candidate(scope, candidate_id)
    if not selectors.can_manage_candidate(scope, candidate):
        raise Http404
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_withdraw(candidate=candidate, on=form.cleaned_data["withdrawn_on"],
                                        reason=form.cleaned_data["withdrawal_reason"], actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The candidate is withdrawn."))
            return redirect("admissions_candidate", candidate_id=candidate.public_id)
    return _detail(request, candidate, can_manage=True, withdraw_form=form)


@login_required
@require_POST
def candidate_document_upload(request, candidate_id):
    scope = scope_for(request.user)
    candidate = selectors.get_candidate(scope, candidate_id)
    if not selectors.can_manage_candidate(scope, candidate):
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.candidate_document_add(candidate=candidate, step=form.cleaned_data["step"],
                                            upload=form.cleaned_data["file"], title=form.cleaned_data["title"],
                                            actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The paper is attached."))
            return redirect("admissions_candidate", candidate_id=candidate.public_id)
    return _detail(request, candidate, can_manage=True, document_form=form)


@login_required
def candidate_document_download(request, document_id):
    scope = scope_for(request.user)
    document = (CandidateDocument.objects.filter(public_id=document_id, candidate__in=selectors.candidates_visible(scope))
                .first())
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type, as_attachment=True,
                            filename=download_filename(document.title, document.file.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Import of the paper register -----------------------------------------------------------------

@login_required
def candidate_import(request, cell_id):
    """Upload → every row checked (nothing written) → one confirm writes them all."""
    cell = get_cell_for_manager(scope_for(request.user), cell_id)
    form, result, token = ImportForm(request.POST or None, request.FILES or None), None, ""
    if request.method == "POST" and request.POST.get("token"):
        try:
            stored = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
        except signing.BadSignature:
            raise Http404 from None
        if stored["user"] != request.user.pk or stored["cell"] != cell.pk or not default_storage.exists(stored["path"]):
            raise Http404
        with default_storage.open(stored["path"], "rb") as handle:
            data = handle.read()
        result = run_import(cell=cell, name=stored["name"], data=data, actor=request.user, write=True)
        if result.ok:
            default_storage.delete(stored["path"])
            messages.success(request, _("%(n)s rows imported.") % {"n": result.rows})
            return redirect("admissions_candidates", cell_id=cell.public_id)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = run_import(cell=cell, name=upload.name, data=data, actor=request.user, write=False)
        if result.ok:
            # Kept until the confirm (or cleared with the media's temporary files).
            path = default_storage.save("admission-imports/upload.xlsx", ContentFile(data))
            token = signing.dumps({"user": request.user.pk, "cell": cell.pk, "path": path, "name": upload.name},
                                  salt=IMPORT_SALT)
    return render(request, "admissions/candidate_import.html", {
        "cell": cell, "form": form, "result": result, "token": token,
    })


# --- Probation ---------------------------------------------------------------------------------------

@login_required
def probation_list(request, cell_id):
    scope = scope_for(request.user)
    cell = selectors.get_cell_for_candidates(scope, cell_id)
    return render(request, "admissions/probation_list.html", {
        "cell": cell, "rows": selectors.probation_list(cell), "can_manage": can_manage_cell(scope, cell),
        "today": timezone.localdate(),
    })


@login_required
def probation_review(request, cell_id, member_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    member = selectors.get_probationary_member(scope, cell, member_id)
    form = ProbationReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.probation_review_record(
                member=member, recognised=data["outcome"] == ProbationReview.Outcome.RECOGNISED,
                vote_on=data["vote_on"], votes_for=data["votes_for"], votes_against=data["votes_against"],
                official_members=data["official_members"], decision_number=data["decision_number"],
                decision_on=data["decision_on"], effective_date=data["effective_date"], note=data["note"],
                actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(outcome)s: recorded for %(name)s.") % {
                "outcome": review.get_outcome_display(), "name": member.full_name})
            return redirect("admissions_probation", cell_id=cell.public_id)
    ends = rules.probation_ends(member.admission_date) if member.admission_date else None
    return render(request, "admissions/probation_review.html", {
        "cell": cell, "member": member, "form": form, "ends": ends,
        "reviews": list(member.probation_reviews.all()),
    })


# --- The committee's figures and plan ------------------------------------------------------------

def _figures_table(org, year, rows, total):
    from reports.tables import Column, Table

    columns = [Column("name", _("Grassroots organisation"), "text", 34),
               Column("target", _("Planned")), Column("admitted", _("Admitted")),
               Column("rate", _("Of plan"), "percent"), Column("in_preparation", _("Candidates in preparation"))]
    for key in AdmissionCategory.ALL:
        label = str(AdmissionCategory.LABELS[key])
        columns += [Column(key, label), Column(f"target_{key}", _("%(category)s, planned") % {"category": label})]

    def line(name, figures):
        values = [name, figures.target, figures.admitted, figures.rate, figures.in_preparation]
        for key in AdmissionCategory.ALL:
            values += [figures.by_category[key], figures.targets[key]]
        return values

    body = [line(row.organization.name, row) for row in rows]
    body.append(line(_("Total: %(org)s") % {"org": org.name}, total))
    return Table("admissions", _("Admissions %(year)s") % {"year": year}, columns, body)


@login_required
@reads_from_replica
def admissions_committee(request, org_id):
    scope = scope_for(request.user)
    org = selectors.get_organization_for_admissions(scope, org_id)
    year = _year(request)
    rows, total = selectors.admission_figures(org, year)
    fmt = request.GET.get("format", "")
    if fmt:
        from reports.exports import FORMATS
        from reports.exports import render as render_table

        if fmt not in FORMATS:
            raise Http404
        table = _figures_table(org, year, rows, total)
        heading = _("Admissions against plan, %(year)s — %(org)s") % {"year": year, "org": org.name}
        response = HttpResponse(render_table(table, fmt, heading=heading), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="ket-nap-{year}.{fmt}"'
        return response
    summary = _("%(admitted)s admissions, %(rate)s of plan") % {
        "admitted": total.admitted, "rate": format_percent(total.rate)}
    return render(request, "admissions/committee.html", {
        "org": org, "year": year, "rows": rows, "total": total, "summary": summary,
        "categories": AdmissionCategory.LABELS, "years": range(timezone.localdate().year + 1,
                                                               timezone.localdate().year - 5, -1),
        "plan_settable": {row.organization.pk for row in rows if selectors.can_set_plan(scope, row.organization)},
    })


@login_required
def admissions_plan(request, org_id):
    scope = scope_for(request.user)
    org = selectors.get_organization_for_plan(scope, org_id)
    year = _year(request)
    plan = AdmissionPlan.objects.filter(organization=org, year=year).first()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.admission_plan_set(organization=org, year=year, actor=request.user, target=data["target"],
                                        **{k: v for k, v in data.items() if k != "target"})
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The %(year)s plan of %(org)s is saved.") % {"year": year, "org": org.name})
            return redirect(f"{request.path}?year={year}")
    return render(request, "admissions/plan.html", {"org": org, "year": year, "form": form})
