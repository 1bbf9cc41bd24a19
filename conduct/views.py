"""Pages of the conduct registers: the cell's register and its forms (phone first), record
pages, the committee's yearly counts and badge list, with their exports."""

import datetime as dt
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.forms import apply_errors
from conduct import imports, selectors
from conduct.forms import BadgeForm, CommendationForm, DisciplineForm, ImportForm
from conduct.models import Commendation, Discipline
from conduct.rules import badge_occasion, badge_years, is_presentation_date
from conduct.services import badge_present, commendation_record, discipline_record
from handbook.db_router import reads_from_replica
from members.access import can_manage_cell, get_cell_for_manager, get_cell_for_viewer, scope_for
from members.imports import MAX_BYTES

IMPORT_SALT = "conduct.import"
IMPORT_MAX_AGE = 60 * 60


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 1930 <= int(value) <= 2100 else selectors.default_year()


def _occasion(request):
    """The presentation date asked for (?occasion=2026-09-02) if it is one, else the next one."""
    try:
        day = dt.date.fromisoformat(request.GET.get("occasion", ""))
    except ValueError:
        day = None
    if day is None or not is_presentation_date(day) or not 1930 <= day.year <= 2100:
        day = timezone.localdate()
    return badge_occasion(day)


# --- The cell's register --------------------------------------------------------------------

@login_required
def cell_register(request, cell_id):
    scope = scope_for(request.user)
    cell = get_cell_for_viewer(scope, cell_id)
    commendations, disciplines = selectors.cell_register(scope, cell)
    return render(request, "conduct/cell_register.html", {
        "cell": cell, "commendations": commendations, "disciplines": disciplines,
        "can_manage": can_manage_cell(scope, cell),
        "can_record_discipline": selectors.can_record_discipline(scope, cell),
    })


def _record_form(request, cell, form_class, record, template):
    members = selectors.cell_members(cell)
    initial = {"member": request.GET.get("member")} if request.GET.get("member") else None
    form = form_class(request.POST or None, request.FILES or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = record(actor=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Recorded: %(record)s.") % {"record": saved})
            return redirect("conduct_cell", cell_id=cell.public_id)
    return render(request, template, {"cell": cell, "form": form})


@login_required
def commendation_new(request, cell_id):
    cell = get_cell_for_manager(scope_for(request.user), cell_id)
    return _record_form(request, cell, CommendationForm, commendation_record, "conduct/commendation_form.html")


@login_required
def discipline_new(request, cell_id):
    cell = selectors.get_cell_for_discipline(scope_for(request.user), cell_id)
    return _record_form(request, cell, DisciplineForm, discipline_record, "conduct/discipline_form.html")


@login_required
@require_GET
def commendation_detail(request, record_id):
    record = selectors.get_commendation_for_viewer(scope_for(request.user), record_id)
    return render(request, "conduct/record_detail.html", {"record": record, "is_discipline": False})


@login_required
@require_GET
def discipline_detail(request, record_id):
    record = selectors.get_discipline_for_viewer(scope_for(request.user), record_id)
    return render(request, "conduct/record_detail.html", {"record": record, "is_discipline": True})


def _attachment(record):
    if not record.attachment:
        raise Http404
    extension = PurePath(record.attachment.name).suffix.lower()
    name = f"quyet-dinh-{record.decision_date:%Y%m%d}{extension}"
    return FileResponse(record.attachment.open("rb"), as_attachment=True, filename=name,
                        content_type=record.attachment_type or "application/octet-stream")


@login_required
@require_GET
def commendation_file(request, record_id):
    return _attachment(selectors.get_commendation_for_viewer(scope_for(request.user), record_id))


@login_required
@require_GET
def discipline_file(request, record_id):
    return _attachment(selectors.get_discipline_for_viewer(scope_for(request.user), record_id))


# --- Import of the paper register ------------------------------------------------------------

@login_required
def register_import(request, cell_id):
    """Upload → every row checked (bad rows listed, nothing written) → confirm → written."""
    cell = get_cell_for_manager(scope_for(request.user), cell_id)
    form, result, token = ImportForm(), None, ""
    if request.method == "POST" and "token" in request.POST:
        try:
            rows = signing.loads(request.POST["token"], salt=f"{IMPORT_SALT}:{cell.pk}:{request.user.pk}",
                                 max_age=IMPORT_MAX_AGE)
            count = imports.write(cell=cell, rows=rows, actor=request.user)
        except signing.BadSignature:
            messages.error(request, _("The check has expired; upload the file again."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s records imported.") % {"count": count})
            return redirect("conduct_cell", cell_id=cell.public_id)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = imports.check(cell=cell, name=upload.name, data=upload.read(MAX_BYTES + 1))
            except imports.RegisterFileError as error:
                form.add_error("file", error.message)
            else:
                if result.ok:
                    token = signing.dumps(result.rows, salt=f"{IMPORT_SALT}:{cell.pk}:{request.user.pk}",
                                          compress=True)
    return render(request, "conduct/import.html", {"cell": cell, "form": form, "result": result, "token": token})


# --- Badges -----------------------------------------------------------------------------------

@login_required
def badge_record(request, member_id, years):
    scope = scope_for(request.user)
    member = selectors.get_member_for_badge(scope, member_id)
    if years not in badge_years():
        raise Http404
    occasion = badge_occasion(timezone.localdate())
    form = BadgeForm(request.POST or None, initial={"presented_on": min(occasion.date, timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        try:
            badge_present(member=member, years=years, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The %(years)s-year party badge of %(name)s is recorded as presented.")
                             % {"years": years, "name": member.full_name})
            return redirect(request.GET.get("next") if _safe_next(request) else "home")
    return render(request, "conduct/badge_form.html", {"member": member, "years": years, "form": form})


def _safe_next(request) -> bool:
    target = request.GET.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure())


@login_required
@require_GET
def badges_committee(request, org_id):
    org = selectors.get_organization_for_badges(scope_for(request.user), org_id)
    occasion = _occasion(request)
    due, presented = selectors.badge_list(org, occasion)
    following = badge_occasion(occasion.date + dt.timedelta(days=1))
    previous = badge_occasion(occasion.previous)
    return render(request, "conduct/badges.html", {
        "org": org, "occasion": occasion, "due": due, "presented": presented,
        "following": following.date, "previous": previous.date,
    })


@login_required
@require_GET
@reads_from_replica
def badges_export(request, org_id):
    from reports.exports import FORMATS
    from reports.tables import Column, Table

    org = selectors.get_organization_for_badges(scope_for(request.user), org_id)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    occasion = _occasion(request)
    due, presented = selectors.badge_list(org, occasion)
    table = Table("badges", str(_("Party badges")), [
        Column("name", str(_("Full name")), "text", 28),
        Column("card", str(_("Party card number")), "text", 16),
        Column("cell", str(_("Cell")), "text", 28),
        Column("admission", str(_("Admission date")), "date", 12),
        Column("years", str(_("Badge (years)"))),
        Column("anniversary", str(_("Anniversary")), "date", 12),
        Column("presented_on", str(_("Presented on")), "date", 12),
        Column("decision", str(_("Decision number")), "text", 16),
    ], [
        [r.member.full_name, r.member.party_card_number or "", r.cell.name, r.member.admission_date, r.years,
         r.anniversary, r.presentation.presented_on if r.presentation else None,
         r.presentation.decision_number if r.presentation else ""]
        for r in [*due, *presented]
    ])
    heading = _("%(org)s — party badges presented on %(day)s") % {"org": org.name, "day": occasion.date.strftime("%d/%m/%Y")}
    return _download(table, fmt, heading, f"huy-hieu-{occasion.date:%Y-%m-%d}.{fmt}")


def _download(table, fmt: str, heading: str, filename: str) -> HttpResponse:
    from reports.exports import FORMATS
    from reports.exports import render as render_table

    response = HttpResponse(render_table(table, fmt, heading=heading), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Yearly counts ------------------------------------------------------------------------------

@login_required
@require_GET
def conduct_committee(request, org_id):
    org = selectors.get_organization_for_committee(scope_for(request.user), org_id)
    year = _year(request)
    rows, total = selectors.yearly_counts(org, year)
    return render(request, "conduct/committee.html", {
        "org": org, "year": year, "rows": rows, "total": total,
        "kinds": Commendation.Kind.choices, "levels": Discipline.Level.choices,
    })


@login_required
@require_GET
@reads_from_replica
def conduct_export(request, org_id):
    from reports.exports import FORMATS
    from reports.tables import Column, Table

    org = selectors.get_organization_for_committee(scope_for(request.user), org_id)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    year = _year(request)
    rows, total = selectors.yearly_counts(org, year)
    columns = [Column("name", str(_("Grassroots organisation")), "text", 34)]
    columns += [Column(f"c_{key}", str(label)) for key, label in Commendation.Kind.choices]
    columns.append(Column("c_total", str(_("Commendations"))))
    columns += [Column(f"d_{key}", str(label)) for key, label in Discipline.Level.choices]
    columns.append(Column("d_total", str(_("Discipline"))))
    body = [[row.organization.name, *row.commendation_list(), row.commendation_total,
             *row.discipline_list(), row.discipline_total] for row in [*rows, total]]
    body[-1][0] = str(_("Total"))
    table = Table("conduct", str(_("Commendation and discipline")), columns, body)
    heading = _("%(org)s — commendation and discipline, %(year)s") % {"org": org.name, "year": year}
    return _download(table, fmt, heading, f"khen-thuong-ky-luat-{year}.{fmt}")
