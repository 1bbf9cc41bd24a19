"""Writes of the document library: entries put and removed by the apps that own documents
(idempotent, by `source_key`), a committee's own upload, members' bookmarks, and the text
read out of PDF and Word files. Every write is atomic and audited."""

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.db.models.functions import MD5
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import Organization
from common import uploads
from common.audit import audit_context
from common.text import control_characters, normalize_text
from library import extraction
from library.models import Bookmark, LibraryEntry
from members.models import User

ALLOWED_TYPES = uploads.allowed(".pdf", ".docx", ".jpg", ".jpeg", ".png")
ACCEPT_ATTRIBUTE = uploads.accept_attribute(ALLOWED_TYPES)


def _user(actor):
    return actor if isinstance(actor, User) else None


def _clean_text(text: str) -> str:
    text = normalize_text(text or "")
    hidden = set(control_characters(text))  # NUL and the like: PostgreSQL refuses them
    return "".join(c for c in text if c not in hidden)[: extraction.MAX_TEXT_CHARS]


def _extract_on_commit(entry_id: int) -> None:
    from library.tasks import library_extract_text

    transaction.on_commit(lambda: library_extract_text.delay(entry_id), robust=True)


def _drop_owned_file(entry: LibraryEntry) -> None:
    if entry.owns_file and entry.file:
        name, storage = entry.file.name, entry.file.storage
        transaction.on_commit(lambda: storage.delete(name))  # only once the row surely changed


@transaction.atomic
def entry_put(*, source_key: str, organization: Organization, kind: str, title: str, issued_by: str,
              issued_on: dt.date, file=None, url: str = "", text: str = "", actor=None) -> LibraryEntry:
    """Put a document in the library, or update it: idempotent by `source_key`.

    - `source_key`: unique, the owner's name for the document, e.g. "meetings.document:123",
      "consultations.draft:<uuid>"; putting the same key again updates that entry.
    - `organization`: whose library it belongs to. The members of that organisation and of
      every organisation under it, and the committees above it, may read it
      (library.selectors.entries_visible).
    - `kind`: a `LibraryEntry.Kind` value ("meeting_document", "resolution", "draft",
      "directive", "other").
    - `title`, `issued_by` (the issuing body, as text), `issued_on` (a date; the year filter
      is taken from it).
    - `file`: None, a file posted elsewhere and kept there (a `FieldFile`, e.g.
      `document.file`: referenced, never copied nor deleted by the library), or new content
      (an upload or a `django.core.files.File`, with a name): stored by the library.
      A PDF or a Word file's text is read on commit by a Celery task, unless `text` is given.
      Passing None keeps the file the entry already has.
    - `url`: a link to the source page (e.g. the meeting: a path of the site, or an http(s)
      address), shown with the entry.
    - `text`: the document's text when the caller has it (a resolution typed in the app).
    - `actor`: the user who caused the change (audit), or None for the system.
    """
    title = normalize_text(title).strip()[:300]
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    if url and not url.startswith(("/", "https://", "http://")):
        raise ValueError(f"entry_put(url=...) takes a path of the site or an http(s) address, not {url!r}")
    entry = LibraryEntry.objects.select_for_update().filter(source_key=source_key).first()
    if entry is None:
        entry = LibraryEntry(source_key=source_key, created_by=_user(actor))
    entry.organization = organization
    entry.kind = kind
    entry.title = title
    entry.issued_by = normalize_text(issued_by).strip()[:200]
    entry.issued_on = issued_on
    entry.year = issued_on.year
    entry.url = (url or "")[:500]
    new_text = _clean_text(text)
    file_changed = False
    if file is not None:
        if isinstance(file, FieldFile):
            file_changed = entry.owns_file or entry.file.name != file.name
            if file_changed:
                _drop_owned_file(entry)
                entry.file.name, entry.owns_file = file.name, False
                entry.size = file.size if file.storage.exists(file.name) else 0
        else:
            file_changed = True
            _drop_owned_file(entry)
            extension = PurePath(file.name or "").suffix.lower()
            entry.file.save(uploads.stored_name(file.name, extension), file, save=False)
            entry.owns_file, entry.size = True, file.size
        entry.content_type = uploads.TYPES.get(PurePath(entry.file.name).suffix.lower(), "")
    if new_text:
        entry.text, entry.text_extracted_at = new_text, timezone.now()
    elif file_changed:
        # An image has no text to read: it is done at once.
        entry.text = ""
        entry.text_extracted_at = None if extraction.can_read(entry.file.name) else timezone.now()
    try:
        entry.full_clean(exclude=["search_vector", "issued_by_vector"])
        with audit_context(actor):
            entry.save()
    except Exception:
        if file_changed and entry.owns_file and entry._state.adding:
            entry.file.delete(save=False)  # no row, no file
        raise
    if entry.file and entry.text_extracted_at is None:
        _extract_on_commit(entry.pk)
    return entry


@transaction.atomic
def entry_remove(*, source_key: str, actor=None) -> bool:
    """Take a document out of the library (its bookmarks go with it); True when it was there.
    Idempotent: removing a key that is not there does nothing."""
    entry = LibraryEntry.objects.select_for_update().filter(source_key=source_key).first()
    if entry is None:
        return False
    _drop_owned_file(entry)
    with audit_context(actor):
        entry.delete()
    return True


@dataclass(frozen=True)
class EntryData:
    """What `entry_put` takes, for `entries_put_many`; `file` is None or a stored FieldFile."""

    source_key: str
    organization_id: int
    kind: str
    title: str
    issued_by: str
    issued_on: dt.date
    file: FieldFile | None = None
    url: str = ""
    text: str = ""


_UPSERT_FIELDS = ["organization", "kind", "title", "issued_by", "issued_on", "year", "url", "file", "owns_file",
                  "content_type", "size", "updated_at"]


@transaction.atomic
def entries_put_many(items: Iterable[EntryData], *, actor=None) -> int:
    """`entry_put` for many documents at once (the reindex): one upsert, idempotent by
    `source_key`, for files posted elsewhere only (referenced, never copied). A document that
    did not change is not written again; one whose file did not change keeps the text already
    read; files are read on commit, each distinct file once. Returns the number of documents
    written."""
    items = list(items)
    if not items:
        return 0
    now = timezone.now()
    # The stored text is compared by its digest: a province's texts are a hundred megabytes.
    known = {key: rest for key, *rest in LibraryEntry.objects.filter(source_key__in=[i.source_key for i in items])
             .values_list("source_key", "organization_id", "kind", "title", "issued_by", "issued_on", "url", "file",
                          MD5("text"), "size")}
    rows, changed_files = {True: [], False: []}, []
    for item in items:
        name = item.file.name if item.file else ""
        text = _clean_text(item.text)
        entry = LibraryEntry(
            source_key=item.source_key, organization_id=item.organization_id, kind=item.kind,
            title=normalize_text(item.title).strip()[:300] or "—", issued_by=normalize_text(item.issued_by).strip()[:200],
            issued_on=item.issued_on, year=item.issued_on.year, url=item.url[:500], file=name, owns_file=False,
            content_type=uploads.TYPES.get(PurePath(name).suffix.lower(), "") if name else "",
            text=text, text_extracted_at=now if text else None, created_by=_user(actor),
        )
        old = known.get(item.source_key)
        if old is not None:
            same = [entry.organization_id, entry.kind, entry.title, entry.issued_by, entry.issued_on, entry.url, name]
            if old[:7] == same and (not text or old[7] == hashlib.md5(text.encode()).hexdigest()):
                continue  # nothing to write
            if old[6] != name:
                changed_files.append(item.source_key)
        entry.size = (old[8] if old is not None and old[6] == name
                      else item.file.size if item.file and item.file.storage.exists(name) else 0)
        rows[bool(text)].append(entry)
    with audit_context(actor):
        for with_text, objects in rows.items():
            if objects:
                fields = [*_UPSERT_FIELDS, "text", "text_extracted_at"] if with_text else _UPSERT_FIELDS
                LibraryEntry.objects.bulk_create(objects, update_conflicts=True, unique_fields=["source_key"],
                                                 update_fields=fields, batch_size=2000)
        if changed_files:
            LibraryEntry.objects.filter(source_key__in=changed_files).update(text="", text_extracted_at=None)
    written = [entry.source_key for objects in rows.values() for entry in objects]
    if written:
        transaction.on_commit(lambda: _extract_waiting_files(written), robust=True)
    return len(written)


def _extract_waiting_files(keys: list[str]) -> None:
    """Read each distinct file of these entries still waiting once; every entry pointing to it
    gets its text (the demo's meeting documents share one PDF)."""
    waiting = set(LibraryEntry.objects.filter(source_key__in=keys, text_extracted_at__isnull=True).exclude(file="")
                  .values_list("file", flat=True))
    for name in sorted(waiting):
        entry = LibraryEntry.objects.filter(source_key__in=keys, file=name, text_extracted_at__isnull=True).first()
        if entry is not None:
            text = _clean_text(extraction.text_of(entry.file))  # "" for an image: nothing to read
            LibraryEntry.objects.filter(file=name, text_extracted_at__isnull=True).update(
                text=text, text_extracted_at=timezone.now())


@transaction.atomic
def entries_prune(*, source_prefix: str, keep: set[str], actor=None) -> int:
    """Take out of the library every document whose key starts with `source_prefix` and is not
    in `keep` (its source is gone); returns how many. Files the library owns go with them."""
    stale = [key for key in LibraryEntry.objects.filter(source_key__startswith=source_prefix)
             .values_list("source_key", flat=True) if key not in keep]
    for key in stale:
        entry_remove(source_key=key, actor=actor)
    return len(stale)


@transaction.atomic
def directive_upload(*, organization: Organization, upload, title: str, issued_by: str, issued_on: dt.date,
                     kind: str = LibraryEntry.Kind.DIRECTIVE, actor=None) -> LibraryEntry:
    """A committee posts a document (a directive of a higher body, a resolution of its own…) for
    its organisation: every member below it then finds it in their library. PDF, Word,
    JPEG or PNG, checked by extension and content, up to settings.HANDBOOK_DOCUMENT_MAX_MB."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    if upload.size > uploads.max_bytes():
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.")
                               % {"limit": uploads.max_bytes() // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = uploads.extension_of(upload)
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"file": _("This kind of file cannot be posted here. Post a PDF, Word (.docx), "
                                         "JPEG or PNG file.")})
    if not uploads.content_matches(upload, extension):
        raise ValidationError({"file": _("The file's content is not a real %(kind)s file. Save it again "
                                         "from the program that made it and post it again.")
                               % {"kind": extension.lstrip(".").upper()}})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The date of issue cannot be in the future.")})
    upload.seek(0)
    return entry_put(
        source_key=f"library.upload:{uuid.uuid4()}", organization=organization, kind=kind, title=title,
        issued_by=issued_by, issued_on=issued_on, file=File(upload, name=upload.name), actor=actor,
    )


def entry_text_extract(*, entry_id: int) -> bool:
    """Read the text of an entry's PDF or Word file into its search column (the task's work).
    The file is read outside any transaction; the text is stored only if the entry still
    waits for it with the same file, so running twice, or after a change, does nothing.
    True when text was stored."""
    entry = LibraryEntry.objects.filter(pk=entry_id, text_extracted_at__isnull=True).first()
    if entry is None or not entry.file:
        return False
    text = _clean_text(extraction.text_of(entry.file))
    updated = LibraryEntry.objects.filter(
        pk=entry.pk, text_extracted_at__isnull=True, file=entry.file.name,
    ).update(text=text, text_extracted_at=timezone.now())
    return bool(updated and text)


@transaction.atomic
def bookmark_add(*, user: User, entry: LibraryEntry) -> Bookmark:
    """Bookmark a document the user may see (the caller fetched it through the selectors)."""
    with audit_context(user):
        bookmark, _created = Bookmark.objects.get_or_create(user=user, entry=entry)
    return bookmark


@transaction.atomic
def bookmark_remove(*, user: User, entry: LibraryEntry) -> bool:
    with audit_context(user):
        deleted, _counts = Bookmark.objects.filter(user=user, entry=entry).delete()
    return bool(deleted)
