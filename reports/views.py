"""Committee dashboards, cell reports, exports and the monthly report. Thin: scope,
selectors, template; anything out of the user's scope is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaulttags import querystring
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cells.models import Organization
from common import pdf
from common.months import current_month
from common.numbers import format_percent
from handbook.db_router import reads_from_replica
from meetings import rules
from members.access import organizations_overseen, scope_for
from reports import builders, charts, exports, params, selectors, services
from reports.figures import COUNTS, STATUS_LABELS, band_choices, figures_from
from reports.models import ExportJob
from reports.periods import period_choices
from reports.tables import trend_table

# Above this many rows an export runs as a background job (settings may lower it in tests).
SYNC_EXPORT_MAX_ROWS = 1000


def _period(request):
    period, bad = params.period_from(request.GET)
    if bad:
        messages.warning(request, _("“%(text)s” is not a month, quarter or year; showing %(period)s.")
                         % {"text": bad, "period": period.label})
    return period


def _unit_headers(request, query, level: str) -> list[dict]:
    """The table's headings: label, whether numeric, the link of the sort it sets (toggling the
    direction of the current one; {% querystring %} worked out here once) and its aria-sort."""
    columns = [
        ("name", _("Cell") if level == "cells" else _("Grassroots organisation"), False),
        ("status", _("Regular meeting"), False),
        ("thematic", _("Thematic meeting"), False),
        ("documents", _("Documents on time"), True),
        ("minutes", _("Minutes within 2 days"), True),
        ("attendance", _("Attendance"), True),
        ("last_meeting", _("Last meeting"), False),
        ("risk", _("Members at risk"), True),
        ("accounts", _("With an account"), True),
        ("signed_in", _("Signed in, 30 days"), True),
        (None, _("Opened notices"), True),
    ]
    current, descending = query.sort.lstrip("-"), query.sort.startswith("-")
    return [{
        "label": label, "num": num,
        "href": querystring(None, request.GET, sort=f"-{key}" if key == query.sort else key, page=None)
        if key else None,
        "aria": ("descending" if descending else "ascending") if key == current else None,
    } for key, label, num in columns]


def _day(value, form: str) -> str:
    return f"{value:{form}}" if value else ""


def _unit_rows(units: selectors.UnitPage, period) -> list[dict]:
    """The table's rows as read, worked out once per row rather than per cell in the template
    (plain dicts: the cheapest lookups there): the link (reversed here, cheaper than {% url %}
    in the loop), the dates, the rates (common.numbers' one figure style) and the counts."""
    rows = []
    for unit in units.units:
        extra = unit.extra
        name = "cell_report" if extra["unit_kind"] in Organization.CELL_KINDS else "org_dashboard"
        late = unit.status == rules.LATE and extra.get("regular_held_on")
        last_meeting_at, band = unit.last_meeting_at, unit.band
        rows.append({
            "url": reverse(name, args=[extra["unit_public_id"]]) + f"?period={period.key}",
            "name": extra["unit_name"],
            "status_pill": unit.status_pill,
            "status_label": unit.status_label,
            "held_on": _day(extra["regular_held_on"], "%d/%m") if late else "",
            "scheduled": _day(extra["regular_scheduled_date"], "%d/%m") if late else "",
            "on_time": unit.regular_on_time,
            "due": unit.cells_due,
            "late": unit.regular_late,
            "missed": unit.regular_missed,
            "thematic": unit.thematic,
            "thematic_due": unit.thematic_due,
            "documents": format_percent(unit.documents_rate),
            "minutes": format_percent(unit.minutes_rate),
            "attendance": format_percent(unit.attendance_rate),
            "band_number": band.number if band else None,
            "band_label": band.label if band else None,
            "last_meeting": f"{timezone.localtime(last_meeting_at):%d/%m/%Y}" if last_meeting_at else "—",
            "at_risk": unit.members_at_risk,
            "to_remove": unit.members_to_remove,
            "accounts": format_percent(unit.account_rate),
            "signed_in": format_percent(unit.signed_in_rate),
            "opened": format_percent(unit.opened_rate),
        })
    return rows


def _trend(overview):
    """The charts, the months (`trend`) and the rows of the charts' table as read (`trend_rows`)."""
    return {
        "attendance_chart": charts.attendance_chart(overview.trend),
        "compliance_chart": charts.compliance_chart(overview.trend),
        "trend": overview.trend,
        "trend_rows": [{
            "month": f"{point.month:%m/%Y}", "due": point.figures.cells_due, "on_time": point.figures.regular_on_time,
            "late": point.figures.regular_late, "missed": point.figures.regular_missed,
            "attendance": format_percent(point.figures.attendance_rate),
        } for point in overview.trend],
    }


def _period_nav(org, period, overview):
    """The period picker offers only periods with figures: from the first roll-up month on."""
    month = current_month()
    first = overview.first_month or selectors.first_figures_month(org)
    previous = period.shifted(-1)
    return {
        "period": period,
        "period_choices": period_choices(month, first),
        "previous_period": previous if first is not None and previous.last >= first else None,
        "next_period": period.shifted(1) if period.shifted(1).start <= month else None,
        "in_progress": period.start <= month <= period.last,
        "in_future": period.start > month,
    }


@login_required
@require_GET
@reads_from_replica
def dashboard(request):
    public_id = selectors.dashboard_home(scope_for(request.user))
    if public_id is None:
        raise Http404
    return redirect("org_dashboard", org_id=public_id)


@login_required
@require_GET
@reads_from_replica
def org_dashboard(request, org_id):
    scope = scope_for(request.user)
    org = selectors.get_organization_for_reports(scope, org_id)
    if org.is_cell:
        url = reverse("cell_report", kwargs={"cell_id": org.public_id})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    period = _period(request)
    query = params.unit_query_from(request.GET)
    units = selectors.unit_page(org, period, query, page=params.page_from(request.GET))
    overview = selectors.organization_overview(org, period)
    return render(request, "reports/org_dashboard.html", {
        "org": org,
        "crumbs": selectors.breadcrumbs(scope, org),
        "query": query,
        "units": units,
        "unit_rows": _unit_rows(units, period),
        "totals": overview.totals,
        "registers": selectors.register_year(org, period.start.year),
        "unit_headers": _unit_headers(request, query, units.level),
        "status_by_month": units.level == "cells" and period.kind == "month",
        "thematic_by_quarter": units.level == "cells" and period.kind != "year",
        "status_choices": list(STATUS_LABELS.items())[:4],
        "band_choices": band_choices(),
        "filtered": bool(query.status or query.band or query.risk or query.q),
        **_period_nav(org, period, overview),
        **_trend(overview),
    })


@login_required
@require_GET
@reads_from_replica
def cell_report(request, cell_id):
    scope = scope_for(request.user)
    cell = selectors.get_cell_for_reports(scope, cell_id)
    period = _period(request)
    overview, months = selectors.cell_overview(cell, period)
    parent = cell.parent if cell.parent and (scope.is_superuser or scope.oversees_path(cell.parent.path)) else None
    month_rows = [{
        "month": row.month, "scheduled": row.regular_scheduled_date, "held_on": row.regular_held_on,
        "thematic": row.thematic_quarter, "figures": figures_from({name: getattr(row, name) for name in COUNTS}),
    } for row in months]
    return render(request, "reports/cell_report.html", {
        "cell": cell,
        "parent": parent,
        "totals": overview.totals,
        "months": months,
        "month_rows": month_rows,
        "meetings": selectors.cell_meetings(cell, period),
        "at_risk": list(selectors.members_at_risk(cell, period)),
        **_period_nav(cell, period, overview),
        **_trend(overview),
    })


def _download(table, fmt: str, *, heading: str, filename: str) -> HttpResponse:
    response = HttpResponse(exports.render(table, fmt, heading=heading), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
@reads_from_replica
def org_export(request, org_id):
    scope = scope_for(request.user)
    org = selectors.get_organization_for_reports(scope, org_id)
    name, fmt = request.GET.get("table", "units"), request.GET.get("format", "xlsx")
    if name not in builders.ORG_TABLES or fmt not in exports.FORMATS:
        raise Http404
    period, _bad = params.period_from(request.GET)
    level = builders.org_table_level(org, name)
    if level and selectors.unit_count(org, level) > SYNC_EXPORT_MAX_ROWS:
        job = services.export_job_create(user=request.user, organization=org, table=name, fmt=fmt, query=request.GET)
        return redirect("export_job", job_id=job.public_id)
    table = builders.org_table(org, name, period, params.unit_query_from(request.GET))
    return _download(table, fmt, heading=builders.heading(org, period, table),
                     filename=builders.filename(org, period, table, fmt))


@login_required
@require_GET
@reads_from_replica
def cell_export(request, cell_id):
    scope = scope_for(request.user)
    cell = selectors.get_cell_for_reports(scope, cell_id)
    name, fmt = request.GET.get("table", "meetings"), request.GET.get("format", "xlsx")
    if name not in builders.CELL_TABLES or fmt not in exports.FORMATS:
        raise Http404
    period, _bad = params.period_from(request.GET)
    table = builders.cell_table(cell, name, period)
    return _download(table, fmt, heading=builders.heading(cell, period, table),
                     filename=builders.filename(cell, period, table, fmt))


def _job_for(request, job_id) -> ExportJob:
    """The user's own job, and only while its organisation is still in their scope."""
    scope = scope_for(request.user)
    job = (ExportJob.objects.filter(public_id=job_id, user=request.user,
                                    organization__in=organizations_overseen(scope))
           .select_related("organization").first())
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def export_job(request, job_id):
    job = _job_for(request, job_id)
    template = "reports/_export_job_status.html" if request.htmx else "reports/export_job.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_download(request, job_id):
    job = _job_for(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                        content_type=exports.FORMATS[job.format])


def _monthly_context(request, org_id):
    scope = scope_for(request.user)
    org = selectors.get_organization_for_reports(scope, org_id)
    period, bad = params.month_from(request.GET)
    if bad:
        messages.warning(request, _("“%(text)s” is not a month; showing %(period)s.")
                         % {"text": bad, "period": period.label})
    query = params.unit_query_from({})
    level = "cells" if org.is_cell else selectors.unit_level(org)
    overview = selectors.organization_overview(org, period) if not org.is_cell else selectors.cell_overview(org, period)[0]
    units = list(selectors.unit_rows_iter(org, period, query, level=level))
    return {
        "org": org,
        "period": period,
        "level": level,
        "totals": overview.totals,
        "units": units,
        "late_or_missed": [u for u in units if u.status in ("late", "missed")] if level == "cells" else [],
        # Names only for a grassroots committee: higher levels read the counts.
        "at_risk": list(selectors.members_at_risk(org, period)) if level == "cells" else [],
        "today": timezone.localdate(),
        "open_data": True,
        **_trend(overview),
    }


@login_required
@require_GET
@reads_from_replica
def monthly_report(request, org_id):
    return render(request, "reports/monthly_report.html", _monthly_context(request, org_id))


@login_required
@require_GET
@reads_from_replica
def monthly_report_pdf(request, org_id):
    context = _monthly_context(request, org_id)
    html = render_to_string("reports/monthly_report_pdf.html", context, request=request)
    response = HttpResponse(pdf.render_pdf(html, stylesheets=["reports/print.css"], allow_data_urls=True),
                            content_type="application/pdf")
    name = builders.filename(context["org"], context["period"], trend_table(context["trend"]), "pdf").replace("-trend-", "-")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
