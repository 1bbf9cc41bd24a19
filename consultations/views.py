"""Pages of consultations (phone first): the list, publishing a draft, the draft with the
cell's comments, each organisation's summary (editor, merge and progress) and its PDF."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.forms import apply_errors
from consultations import pages, rules, selectors
from consultations.document import render_pdf
from consultations.forms import CommentForm, PublishForm
from consultations.models import Consultation
from consultations.services import PointChoice, comment_add, comment_edit, consultation_publish, summary_save
from members.access import scope_for


@login_required
@require_GET
def consultation_list(request):
    scope = scope_for(request.user)
    # "open" sorts after "closed": descending puts the open drafts first.
    consultations = list(selectors.consultations_visible(scope).order_by("-status", "-published_at")[:100])
    publishers = [] if scope.is_superuser else list(rules.taking_part(selectors.publishers_for(scope))[:20])
    return render(request, "consultations/list.html", {
        "open": [c for c in consultations if c.status == Consultation.Status.OPEN],
        "closed": [c for c in consultations if c.status == Consultation.Status.CLOSED],
        "publishers": publishers,
    })


@login_required
def consultation_new(request, org_id):
    scope = scope_for(request.user)
    publisher = selectors.get_publisher(scope, org_id)
    form = PublishForm(request.POST or None, request.FILES or None, parent=publisher.parent)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = consultation_publish(publisher=publisher, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The draft is published to every cell under %(org)s.")
                             % {"org": publisher.name})
            return redirect("consultation_detail", consultation_id=consultation.public_id)
    return render(request, "consultations/publish.html", {"publisher": publisher, "form": form})


def _detail(request, consultation, comment_form=None):
    page = pages.detail(scope_for(request.user), consultation)
    return render(request, "consultations/detail.html", {
        "page": page, "consultation": consultation, "comment_form": comment_form or CommentForm(),
    })


@login_required
@require_GET
def consultation_detail(request, consultation_id):
    return _detail(request, selectors.get_consultation_for_viewer(scope_for(request.user), consultation_id))


@login_required
@require_POST
def comment_new(request, consultation_id):
    scope = scope_for(request.user)
    consultation = selectors.get_consultation_for_viewer(scope, consultation_id)
    cell = selectors.comment_cell(scope, consultation)
    if cell is None:
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_add(consultation=consultation, member=selectors.my_member(scope), cell=cell,
                        text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your comment is sent to the cell."))
            return redirect("consultation_detail", consultation_id=consultation.public_id)
    return _detail(request, consultation, form)


@login_required
def comment_change(request, consultation_id, comment_id):
    scope = scope_for(request.user)
    consultation = selectors.get_consultation_for_viewer(scope, consultation_id)
    comment = selectors.get_own_comment(scope, consultation, comment_id)
    form = CommentForm(request.POST or None, initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            comment_edit(comment=comment, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your comment is changed."))
            return redirect("consultation_detail", consultation_id=consultation.public_id)
    return render(request, "consultations/comment_edit.html",
                  {"consultation": consultation, "comment": comment, "form": form})


@login_required
@require_GET
def consultation_file(request, consultation_id):
    consultation = selectors.get_consultation_for_viewer(scope_for(request.user), consultation_id)
    if not consultation.attachment:
        raise Http404
    extension = PurePath(consultation.attachment.name).suffix.lower()
    return FileResponse(consultation.attachment.open("rb"), as_attachment=True,
                        filename=f"du-thao-{consultation.published_at:%Y%m%d}{extension}",
                        content_type=consultation.attachment_type or "application/octet-stream")


def _choices(request, page) -> list[PointChoice]:
    choices = []
    for line in page.lines:
        taken = request.POST.get(f"take-{line.key}") == "on"
        group = request.POST.get(f"group-{line.key}", "")
        line.taken, line.group = taken, group  # what was typed stays on the page if it is refused
        choices.append(PointChoice(comment_id=line.comment.pk if line.comment else None,
                                   child_summary_id=line.child.pk if line.child else None, taken=taken, group=group))
    return choices


@login_required
def consultation_summary(request, consultation_id, org_id):
    scope = scope_for(request.user)
    consultation = selectors.get_consultation_for_viewer(scope, consultation_id)
    org = selectors.get_organization_in(scope, consultation, org_id)
    page = pages.summary_page(scope, consultation, org)
    text = page.summary.text if page.summary else ""
    errors = []
    if request.method == "POST":
        if not page.can_edit:
            raise Http404
        text = request.POST.get("text", "")
        send = request.POST.get("action") == "send"
        try:
            summary_save(consultation=consultation, organization=org, text=text, points=_choices(request, page),
                         send=send, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The summary is sent up.") if send else _("The summary is saved."))
            return redirect("consultation_summary", consultation_id=consultation.public_id, org_id=org.public_id)
    return render(request, "consultations/summary.html",
                  {"page": page, "consultation": consultation, "org": org, "text": text, "errors": errors})


@login_required
@require_GET
def consultation_summary_pdf(request, consultation_id, org_id):
    scope = scope_for(request.user)
    consultation = selectors.get_consultation_for_viewer(scope, consultation_id)
    org = selectors.get_organization_in(scope, consultation, org_id)
    page = pages.summary_page(scope, consultation, org)
    if page.summary is None or not page.summary.is_sent:
        raise Http404
    response = HttpResponse(render_pdf(page), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tong-hop-y-kien-{page.summary.sent_at:%Y%m%d}-{org.public_id.hex[:8]}.pdf"')
    return response
