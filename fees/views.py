"""Pages of party fees: a cell's month on one phone screen, the cell's year (and its xlsx for
the treasurer), a member's fee basis, the remittance to the level above, the import of a paper
ledger, the committee's figures, and a member's own fees. Thin: selectors read, services write."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from fees import imports, selectors, services
from fees.forms import FeeBasisForm, ImportForm, RemittanceForm, parse_amount
from fees.models import FeeBasis
from handbook.db_router import reads_from_replica
from members.access import get_cell_for_manager, members_managed, scope_for
from members.models import CellMembership, Member

FULL, NONE, PART = "full", "none", "part"


def _received_from_post(post, sheet: selectors.Sheet) -> tuple[dict[int, int], list[str]]:
    """{member id: amount received} from the `fee-<member uuid>` choices (full, none, part
    with `amount-<member uuid>`); "everyone paid" fills the rows left without a choice."""
    rows = sheet.by_public_id()
    received, errors = {}, []
    for key, choice in post.items():
        if not key.startswith("fee-"):
            continue
        row = rows.get(key.removeprefix("fee-"))
        if row is None:
            errors.append(_("The sheet named someone who does not owe this cell's fees; nothing was saved."))
            continue
        if choice == FULL:
            received[row.member.pk] = row.suggested if row.due is not None else 0
        elif choice == NONE:
            received[row.member.pk] = 0
        elif choice == PART:
            amount = parse_amount(post.get("amount-" + str(row.member.public_id), ""))
            if amount is None:
                errors.append(_("Enter the amount received from comrade %(name)s as a whole number of đồng.")
                              % {"name": row.member.full_name})
            else:
                received[row.member.pk] = amount
    if post.get("all_paid"):
        for row in sheet.rows:
            if row.due is not None and not row.saved and row.member.pk not in received:
                received[row.member.pk] = row.suggested
    return received, list(dict.fromkeys(errors))


def _collector_choices(cell) -> list[Member]:
    today = timezone.localdate()
    return list(Member.objects.filter(pk__in=CellMembership.objects.current(today).filter(cell=cell)
                                      .values("member_id")).order_by("full_name"))


@login_required
@require_http_methods(["GET", "POST"])
def fees_sheet(request, cell_id):
    scope = scope_for(request.user)
    cell, can_write = selectors.get_cell_for_fees(scope, cell_id)
    today = timezone.localdate()
    month = selectors.parse_month(request.GET.get("month") or request.POST.get("month"), today=today)
    sheet = selectors.fee_sheet(cell, month, today=today)
    collectors = _collector_choices(cell)
    errors = []
    if request.method == "POST":
        if not can_write:
            raise Http404
        received, errors = _received_from_post(request.POST, sheet)
        collector = next((m for m in collectors if str(m.public_id) == request.POST.get("collected_by")), None)
        try:
            collected_on = dt.date.fromisoformat(request.POST.get("collected_on", ""))
        except ValueError:
            collected_on = None
            errors.append(_("Enter the day the fees were collected."))
        if not errors:
            try:
                services.fee_sheet_record(cell=cell, month=month, received=received, collected_on=collected_on,
                                          collected_by=collector, actor=request.user,
                                          idempotency_key=request.POST.get("idempotency_key", "").strip())
            except ValidationError as exc:
                errors = exc.messages
        if not errors:
            messages.success(request, _("The month's fees are saved."))
            return redirect(f"{reverse('fees_sheet', kwargs={'cell_id': cell.public_id})}?month={month:%Y-%m}")
    own = next((m for m in collectors if m.pk == scope.member_id), None)
    return render(request, "fees/sheet.html", {
        "cell": cell,
        "sheet": sheet,
        "month": month,
        "months": selectors.recent_months(today),
        "can_write": can_write,
        "errors": errors,
        "collectors": collectors,
        "collected_by": sheet.recorded.collected_by if sheet.recorded else own,
        "collected_on": sheet.recorded.collected_on if sheet.recorded else today,
        "idempotency_key": request.POST.get("idempotency_key") if errors else uuid.uuid4().hex,
    }, status=400 if errors else 200)


def _ledger_table(year_data: selectors.CellYear):
    from reports.tables import Column, Table

    columns = [Column("name", str(_("Member")), "text", 30)]
    columns += [Column(f"m{month.month}", month.strftime("%m/%Y"), "int", 11) for month in year_data.months]
    columns += [Column("due", str(pgettext("fee", "Due")), "int", 13), Column("paid", str(pgettext("fee", "Paid")), "int", 13)]
    rows = []
    for line in year_data.lines:
        cells = [line.months[m].amount_paid if m in line.months else None for m in year_data.months]
        rows.append([line.member.full_name, *cells, line.due, line.paid])
    totals = year_data.month_totals()
    rows.append([str(_("Total paid")), *[paid for _m, _due, paid in totals],
                 sum(d for _m, d, _p in totals), sum(p for _m, _d, p in totals)])
    rows.append([str(_("Total due")), *[due for _m, due, _paid in totals], None, None])
    return Table("fees-ledger", str(_("Party fees")), columns, rows)


@login_required
def fees_ledger(request, cell_id):
    """The cell's year, member rows × months; `?format=xlsx` is the treasurer's workbook."""
    scope = scope_for(request.user)
    cell, can_write = selectors.get_cell_for_fees(scope, cell_id)
    today = timezone.localdate()
    year = selectors.parse_year(request.GET.get("year"), today=today)
    data = selectors.cell_year(cell, year)
    if request.GET.get("format") == "xlsx":
        from reports.exports import FORMATS
        from reports.exports import render as render_table

        heading = _("Party fees of %(cell)s, %(year)s (paid per month, đồng)") % {"cell": cell.name, "year": year}
        response = HttpResponse(render_table(_ledger_table(data), "xlsx", heading=heading),
                                content_type=FORMATS["xlsx"])
        response["Content-Disposition"] = f'attachment; filename="dang-phi-{year}.xlsx"'
        return response
    return render(request, "fees/ledger.html", {
        "cell": cell, "data": data, "year": year, "can_write": can_write,
        "years": list(range(today.year, today.year - 5, -1)),
        "levels": selectors.upper_levels(cell),
        "remittance_form": RemittanceForm(levels=selectors.upper_levels(cell),
                                          initial={"month": today.replace(day=1), "remitted_on": today}),
    })


@login_required
@require_POST
def fees_remittance(request, cell_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    levels = selectors.upper_levels(cell)
    form = RemittanceForm(request.POST, levels=levels)
    if form.is_valid():
        target = next(org for org in levels if org.pk == form.cleaned_data["to_organization"])
        try:
            services.remittance_record(cell=cell, month=form.cleaned_data["month"], amount=form.cleaned_data["amount"],
                                       remitted_on=form.cleaned_data["remitted_on"], to_organization=target,
                                       actor=request.user)
            messages.success(request, _("The remittance is recorded."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    year = form.cleaned_data["month"].year if form.is_valid() else timezone.localdate().year
    return redirect(f"{reverse('fees_ledger', kwargs={'cell_id': cell.public_id})}?year={year}")


@login_required
@require_http_methods(["GET", "POST"])
def fee_basis(request, cell_id, member_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    member = members_managed(scope).filter(public_id=member_id, memberships__cell=cell).distinct().first()
    if member is None:
        raise Http404
    history = FeeBasis.objects.filter(member=member).order_by("-effective_from")
    form = FeeBasisForm(request.POST or None, initial={"effective_from": timezone.localdate().replace(day=1)})
    if request.method == "POST" and form.is_valid():
        try:
            services.fee_basis_set(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The fee basis is saved."))
            return redirect("fees_sheet", cell_id=cell.public_id)
    return render(request, "fees/basis.html", {"cell": cell, "member": member, "form": form, "history": history},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def fees_import(request, cell_id):
    """Check the paper ledger's rows; every bad row is listed and nothing is written until
    all are good, then the same file is confirmed in one more request."""
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"year": timezone.localdate().year})
    report = None
    if request.method == "POST" and form.is_valid():
        report = imports.check(cell, form.cleaned_data["file"], year=form.cleaned_data["year"])
        if not report.errors and request.POST.get("confirm"):
            imports.apply(cell, report, actor=request.user)
            messages.success(request, _("The paper ledger is imported."))
            return redirect(f"{reverse('fees_ledger', kwargs={'cell_id': cell.public_id})}"
                            f"?year={form.cleaned_data['year']}")
    return render(request, "fees/import.html", {"cell": cell, "form": form, "report": report},
                  status=400 if report and report.errors else 200)


@login_required
@reads_from_replica
def fees_committee(request, org_id):
    """The committee's yearly fees: collected over due, members paid, remitted, per unit."""
    scope = scope_for(request.user)
    org = selectors.get_organization_for_committee(scope, org_id)
    today = timezone.localdate()
    year = selectors.parse_year(request.GET.get("year"), today=today)
    figures = selectors.committee_fees(org, year)
    if request.GET.get("format") in ("xlsx", "csv"):
        from reports.exports import FORMATS
        from reports.exports import render as render_table
        from reports.tables import Column, Table

        columns = [Column("name", str(_("Unit")), "text", 34), Column("due", str(pgettext("fee", "Due")), "int", 15),
                   Column("paid", str(pgettext("fee", "Collected")), "int", 15), Column("rate", str(_("Collected / due")), "percent"),
                   Column("members", str(_("Member-months"))), Column("members_paid", str(_("Member-months paid"))),
                   Column("remitted", str(_("Remitted")), "int", 15)]
        rows = [[u.organization.name, u.due, u.paid, u.rate, u.members, u.members_paid, u.remitted]
                for u in [*figures.units, figures.total]]
        fmt = request.GET["format"]
        heading = _("Party fees under %(org)s, %(year)s") % {"org": org.name, "year": year}
        response = HttpResponse(render_table(Table("fees", str(_("Party fees")), columns, rows), fmt,
                                             heading=heading), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="dang-phi-{year}.{fmt}"'
        return response
    return render(request, "fees/committee.html", {
        "org": org, "figures": figures, "year": year, "years": list(range(today.year, today.year - 5, -1)),
    })


@login_required
def fees_mine(request):
    scope = scope_for(request.user)
    if scope.member_id is None:
        raise Http404
    return render(request, "fees/mine.html", {"rows": selectors.member_fee_months(scope)[:36]})
