"""Importing a roster file: upload, preview with every problem, confirm, follow a large job."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import imports
from members.access import get_cell_for_manager, scope_for
from members.forms import ImportUploadForm
from members.import_template import template_csv, template_xlsx
from members.selectors import get_member_import, member_imports_recent
from members.services_import import (
    import_is_stale,
    import_progress,
    member_import_cancel,
    member_import_confirm,
    member_import_retry,
    member_import_start,
)

SHOWN_PROBLEMS = 500


@login_required
def member_import(request, cell_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = member_import_start(cell=cell, name=upload.name, data=upload.read(), actor=request.user)
        except imports.ImportFileError as error:
            form.add_error("file", imports.message_for(error.code, error.params))
        else:
            return redirect("member_import_detail", cell_id=cell.public_id, import_id=job.public_id)
    return render(request, "members/import/start.html", {
        "cell": cell, "form": form, "recent": member_imports_recent(cell), "columns": imports.COLUMNS,
        "limits": {"rows": imports.MAX_ROWS, "mb": imports.MAX_BYTES // (1024 * 1024),
                   "background": imports.BACKGROUND_ROWS},
    })


def _described(problems):
    return [{**p, "reason": imports.message_for(p["code"], p.get("params"))} for p in problems[:SHOWN_PROBLEMS]]


@login_required
def member_import_detail(request, cell_id, import_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    job = get_member_import(cell, import_id)
    done, _reported = import_progress(job) if job.is_running else (job.rows_done, None)
    context = {
        "cell": cell, "job": job,
        "errors": _described(job.errors), "warnings": _described(job.warnings),
        "more_errors": max(len(job.errors) - SHOWN_PROBLEMS, 0),
        "more_warnings": max(len(job.warnings) - SHOWN_PROBLEMS, 0),
        "done": done, "percent": int(100 * done / job.rows_total) if job.rows_total else 0,
        "stale": import_is_stale(job),
    }
    template = "members/import/_status.html" if request.htmx else "members/import/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def member_import_confirm_view(request, cell_id, import_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    job = get_member_import(cell, import_id)
    try:
        member_import_confirm(job=job, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("member_import_detail", cell_id=cell.public_id, import_id=job.public_id)


@login_required
@require_POST
def member_import_cancel_view(request, cell_id, import_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    job = get_member_import(cell, import_id)
    try:
        member_import_cancel(job=job, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("member_import_detail", cell_id=cell.public_id, import_id=job.public_id)
    messages.info(request, _("The import was cancelled; nothing was written."))
    return redirect("member_import", cell_id=cell.public_id)


@login_required
@require_POST
def member_import_retry_view(request, cell_id, import_id):
    scope = scope_for(request.user)
    cell = get_cell_for_manager(scope, cell_id)
    job = get_member_import(cell, import_id)
    try:
        member_import_retry(job=job, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("member_import_detail", cell_id=cell.public_id, import_id=job.public_id)


TEMPLATES = {
    "xlsx": (template_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (template_csv, "text/csv; charset=utf-8"),
}


@login_required
def member_import_template(request, fmt):
    scope = scope_for(request.user)
    if fmt not in TEMPLATES or not (scope.is_superuser or scope.managed_cell_ids):
        raise Http404
    build, content_type = TEMPLATES[fmt]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mau-danh-sach-dang-vien.{fmt}"'
    return response
