"""Pages of the document library (phone first): search with filters, one document, its file
through the access check, bookmarks, and a committee's upload."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.forms import apply_errors
from common.text import positive_int
from library import selectors, services
from library.forms import UploadForm
from library.models import LibraryEntry
from members.access import scope_for

PAGE_SIZE = 20
_UNSAFE_FILENAME = str.maketrans({c: "_" for c in '/\\:*?"<>|'} | {chr(i): None for i in range(32)})


def entry_url(entry: LibraryEntry) -> str:
    return reverse("library_entry", args=[entry.public_id])


def page_of(qs, number: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    """One page of results and whether another follows, without counting them all (a count
    over a province's library would cost more than the page)."""
    rows = list(qs[(number - 1) * size:number * size + 1])
    return rows[:size], len(rows) > size


@login_required
@require_GET
def library_index(request):
    scope = scope_for(request.user)
    organization = None
    if request.GET.get("org"):
        try:
            organization = selectors.get_library_for_viewer(scope, request.GET["org"])
        except ValidationError:
            raise Http404 from None
    filters = selectors.Filters.from_query(request.GET, organization=organization)
    number = positive_int(request.GET.get("page"), default=1, below=1000)
    entries, has_next = page_of(selectors.with_bookmarks(selectors.entries_search(scope, filters), request.user),
                                number)
    return render(request, "library/index.html", {
        "filters": filters, "organization": organization, "entries": entries, "page_number": number,
        "has_next": has_next, "kinds": LibraryEntry.Kind.choices, "years": selectors.library_years(),
        "libraries": selectors.my_libraries(scope),
        "upload_to": selectors.organizations_for_upload(scope).order_by("path")[:20] if scope.oversight
        or scope.is_superuser else [],
    })


@login_required
@require_GET
def entry_detail(request, entry_id):
    scope = scope_for(request.user)
    entry = selectors.get_entry_for_viewer(scope, entry_id)
    return render(request, "library/entry_detail.html", {
        "entry": entry,
        "is_bookmarked": entry.bookmarks.filter(user=request.user).exists(),
        "can_remove": selectors.entry_removable(scope, entry),
    })


def download_filename(entry: LibraryEntry) -> str:
    """The name a download is saved under: the title (Vietnamese kept) and the file's extension."""
    stem = entry.title.translate(_UNSAFE_FILENAME).strip(" .") or "tai-lieu"
    return f"{stem[:120]}{PurePath(entry.file.name).suffix.lower()}"


@login_required
@require_GET
def entry_file(request, entry_id):
    entry = selectors.get_entry_for_viewer(scope_for(request.user), entry_id)
    if not entry.file:
        raise Http404
    try:
        handle = entry.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=download_filename(entry),
                            content_type=entry.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def bookmark_toggle(request, entry_id):
    entry = selectors.get_entry_for_viewer(scope_for(request.user), entry_id)
    if request.POST.get("bookmark") == "0":
        services.bookmark_remove(user=request.user, entry=entry)
        messages.success(request, _("Removed from your bookmarks."))
    else:
        services.bookmark_add(user=request.user, entry=entry)
        messages.success(request, _("Bookmarked: you will find it under “My bookmarks”."))
    return _back(request, entry_url(entry))


@login_required
@require_GET
def bookmarks(request):
    scope = scope_for(request.user)
    number = positive_int(request.GET.get("page"), default=1, below=1000)
    entries, has_next = page_of(selectors.bookmarked_entries(scope, request.user), number)
    return render(request, "library/bookmarks.html", {"entries": entries, "page_number": number,
                                                      "has_next": has_next})


@login_required
def entry_upload(request, organization_id):
    organization = selectors.get_organization_for_upload(scope_for(request.user), organization_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.directive_upload(organization=organization, upload=form.cleaned_data["file"],
                                              title=form.cleaned_data["title"], kind=form.cleaned_data["kind"],
                                              issued_by=form.cleaned_data["issued_by"],
                                              issued_on=form.cleaned_data["issued_on"], actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is in the library of %(organization)s and every "
                                        "organisation under it.") % {"title": entry.title,
                                                                      "organization": organization.name})
            return redirect(entry_url(entry))
    return render(request, "library/upload.html", {"organization": organization, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def entry_remove(request, entry_id):
    scope = scope_for(request.user)
    entry = selectors.get_entry_for_viewer(scope, entry_id)
    if not selectors.entry_removable(scope, entry):
        raise Http404
    services.entry_remove(source_key=entry.source_key, actor=request.user)
    messages.success(request, _("“%(title)s” is taken out of the library.") % {"title": entry.title})
    return redirect("library")
