"""One meeting: details, documents, the draft resolution and comments, the member's excuse."""

import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from meetings import page_cache, rules
from meetings.forms import CommentForm, DocumentForm, DraftForm, ExcuseForm, apply_service_errors
from meetings.models import MeetingDocument
from meetings.selectors import (
    MeetingPage,
    get_document_for_manager,
    get_document_for_viewer,
    get_meeting_for_manager,
    get_meeting_page,
    get_member_for_scope,
    minutes_of,
)
from meetings.services.discussion import comments_open, draft_comment_add, draft_publish
from meetings.services.documents import (
    DocumentSizeLimitHandler,
    document_add,
    document_delete,
    download_filename,
    max_document_label,
    too_large_message,
)
from meetings.services.excuses import excuse_submit, excuse_withdraw, excuses_open
from members.access import scope_for


def _lists_html(request, page: MeetingPage) -> dict:
    """The meeting's documents and the draft's comments, rendered. They read alike for everyone who
    sees the meeting but its officers (whose list has buttons to remove a document), so for the
    others they are kept per cell like the member pages' parts (meetings/page_cache.py): posting or
    removing a document and commenting drop the cell's token."""
    slot = page_cache.Slot(None) if page.can_manage else page_cache.slot("meeting_lists", [page.meeting.cell_id],
                                                                        page.meeting.pk)
    shared = slot.get()
    if shared is None:
        shared = {
            "documents_html": render_to_string("meetings/partials/meeting_documents.html", {"page": page}, request),
            "comments_html": render_to_string("meetings/partials/draft_comments.html", {"page": page}, request)
            if page.draft else "",
        }
        slot.put(shared)
    return shared


def _render(request, page: MeetingPage, **forms):
    """The meeting page; a form that failed is passed in bound, so what was typed stays."""
    now = timezone.now()
    meeting = page.meeting
    context = {
        # Rendered by our own templates, escaped there.
        **{name: mark_safe(html) for name, html in _lists_html(request, page).items()},
        "page": page,
        "meeting": meeting,
        "cell": meeting.cell,
        "minutes": minutes_of(meeting),
        "can_excuse": page.is_member and excuses_open(meeting, now=now),
        # The meeting moved after the excuse was given: the member confirms or withdraws it.
        "excuse_to_confirm": rules.excuse_needs_confirmation(page.my_excuse, meeting),
        "can_comment": page.is_member and page.draft is not None and comments_open(meeting, now=now),
        "comments_open": comments_open(meeting, now=now),
        "excuse_form": forms.get("excuse_form") or ExcuseForm(
            initial={"reason": page.my_excuse.reason} if page.my_excuse and not page.my_excuse.withdrawn_at else None),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "max_document_size": max_document_label(),
        "section": "meetings",
    }
    if page.can_manage:
        # After the start only what the meeting produced may be posted: offer the signed minutes.
        context["document_form"] = forms.get("document_form") or DocumentForm(
            initial={"kind": MeetingDocument.Kind.MINUTES} if meeting.starts_at <= now else None)
        context["draft_form"] = forms.get("draft_form") or DraftForm(
            initial={"text": page.draft.text} if page.draft else None)
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_detail(request, meeting_id):
    return _render(request, get_meeting_page(scope_for(request.user), meeting_id))


def _back(request, meeting, anchor: str = ""):
    """Back to where the form was sent from (the member's home or the meeting page)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(f"{meeting_url(meeting)}{anchor}")


def meeting_url(meeting) -> str:
    return reverse("meeting_detail", kwargs={"meeting_id": meeting.public_id})


# --- Members: excuse, comment ------------------------------------------------------------------

def _member_page(request, meeting_id) -> tuple[MeetingPage, object]:
    """The page and the member record of a member of the meeting's cell; anyone else gets 404."""
    scope = scope_for(request.user)
    page = get_meeting_page(scope, meeting_id)
    if not page.is_member:
        raise Http404
    return page, get_member_for_scope(scope)


@login_required
@require_POST
def meeting_excuse(request, meeting_id):
    page, member = _member_page(request, meeting_id)
    form = ExcuseForm(request.POST)
    if form.is_valid():
        try:
            excuse_submit(meeting=page.meeting, member=member, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your excuse is sent to the cell secretary."))
            return _back(request, page.meeting, "#excuse")
    return _render(request, page, excuse_form=form)


@login_required
@require_POST
def meeting_excuse_withdraw(request, meeting_id):
    page, member = _member_page(request, meeting_id)
    try:
        excuse_withdraw(meeting=page.meeting, member=member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your excuse is withdrawn: you are expected at the meeting."))
    return _back(request, page.meeting, "#excuse")


@login_required
@require_POST
def draft_comment(request, meeting_id):
    page, member = _member_page(request, meeting_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            draft_comment_add(meeting=page.meeting, member=member, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your comment is added to the draft."))
            return _back(request, page.meeting, "#draft")
    return _render(request, page, comment_form=form)


# --- Officers: documents, draft ----------------------------------------------------------------

def _manager_page(request, meeting_id) -> MeetingPage:
    scope = scope_for(request.user)
    get_meeting_for_manager(scope, meeting_id)  # 404 unless the user manages the cell
    return get_meeting_page(scope, meeting_id)


@csrf_exempt
@login_required
@require_POST
def document_upload(request, meeting_id):
    # The size limit has to be installed before anything reads the body, and the CSRF check
    # reads it: so CSRF is checked right after, by the inner view.
    limiter = DocumentSizeLimitHandler(request)
    request.upload_handlers.insert(0, limiter)
    return _document_upload(request, meeting_id, limiter)


@csrf_protect
def _document_upload(request, meeting_id, limiter):
    page = _manager_page(request, meeting_id)
    form = DocumentForm(request.POST, request.FILES)
    valid = form.is_valid()
    if limiter.skipped:
        form.errors.pop("file", None)
        form.add_error("file", too_large_message())
    elif valid:
        try:
            document = document_add(meeting=page.meeting, upload=form.cleaned_data["file"],
                                    title=form.cleaned_data["title"], kind=form.cleaned_data["kind"],
                                    actor=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is posted for the members.") % {"title": document.title})
            return redirect(f"{meeting_url(page.meeting)}#documents")
    return _render(request, page, document_form=form)


@login_required
@require_POST
def document_delete_view(request, document_id):
    document = get_document_for_manager(scope_for(request.user), document_id)
    meeting = document.meeting
    document_delete(document=document, actor=request.user)
    messages.success(request, _("“%(title)s” is removed.") % {"title": document.title})
    return redirect(f"{meeting_url(meeting)}#documents")


def attachment_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / RFC 5987),
    so Vietnamese names survive in every browser and nothing can break out of the header."""
    plain = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if c.isascii() and c.isprintable() and c not in '"\\;') or "download"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


@login_required
def document_download(request, document_id):
    document = get_document_for_viewer(scope_for(request.user), document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = attachment_disposition(download_filename(document))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def draft_edit(request, meeting_id):
    page = _manager_page(request, meeting_id)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            draft_publish(meeting=page.meeting, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft resolution is posted; members can comment until the meeting starts."))
            return redirect(f"{meeting_url(page.meeting)}#draft")
    return _render(request, page, draft_form=form)
