"""Meeting documents: posting (type checked by extension and content) and removing."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.audit import audit_context
from common.text import normalize_search
from meetings import followups
from meetings.models import Meeting, MeetingDocument

# Extension -> (content type served, check on the file's first bytes / structure).
_PDF = "application/pdf"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_TYPES = {
    ".pdf": _PDF,
    ".docx": _DOCX,
    ".xlsx": _XLSX,
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ACCEPT_ATTRIBUTE = ",".join([*ALLOWED_TYPES, *sorted(set(ALLOWED_TYPES.values()))])


def max_document_bytes() -> int:
    return settings.HANDBOOK_DOCUMENT_MAX_MB * 1024 * 1024


def max_document_label() -> str:
    return f"{settings.HANDBOOK_DOCUMENT_MAX_MB}\u00a0MB"


def too_large_message(size: int | None = None) -> str:
    limit = max_document_label()
    if size is None:
        return _("The file is larger than %(limit)s. Make it smaller (e.g. save the PDF at a lower "
                 "quality) or split it.") % {"limit": limit}
    return _("The file is %(size)s, larger than %(limit)s. Make it smaller (e.g. save the PDF at a "
             "lower quality) or split it.") % {"size": filesizeformat(size), "limit": limit}


class DocumentSizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes the limit, so the rest of the form still arrives
    and the page can keep what the user typed. The skipped fields are listed in `skipped`."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_document_bytes()
        self.skipped: list[str] = []

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.skipped.append(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file


def _zip_has(upload, member: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _content_matches(upload, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".png":
        return head == b"\x89PNG\r\n\x1a\n"
    if not head.startswith(b"PK\x03\x04"):
        return False
    return _zip_has(upload, "word/document.xml" if extension == ".docx" else "xl/workbook.xml")


def _stored_name(filename: str, extension: str) -> str:
    # Stored under an ASCII name; the download is named after the title (see download_filename).
    stem = slugify(normalize_search(PurePath(filename).stem))[:60] or "tai-lieu"
    return f"{stem}{extension}"


@transaction.atomic
def document_add(*, meeting: Meeting, upload, title: str = "", kind: str = MeetingDocument.Kind.PREPARATORY,
                 actor=None) -> MeetingDocument:
    """Post a file for a meeting. Only PDF, DOCX, XLSX, JPEG and PNG, checked by extension
    and by content, up to settings.HANDBOOK_DOCUMENT_MAX_MB. Meeting documents (preparatory)
    only before the meeting starts."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting was cancelled; documents can no longer be posted."))
    if kind == MeetingDocument.Kind.PREPARATORY and (
            meeting.status == Meeting.Status.HELD or meeting.starts_at <= timezone.now()):
        # Documents prepare a meeting; after it, only what it produced (signed minutes, resolution).
        raise ValidationError({"kind": _("The meeting has already taken place: meeting documents can no longer be "
                                         "posted for it. Post the signed minutes or the signed resolution, "
                                         "choosing that kind of document.")})
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    if upload.size > max_document_bytes():
        raise ValidationError({"file": too_large_message(upload.size)})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"file": _("This kind of file cannot be posted. Post a PDF, Word (.docx), "
                                         "Excel (.xlsx), JPEG or PNG file.")})
    if not _content_matches(upload, extension):
        raise ValidationError({"file": _("The file's content is not a real %(kind)s file. Save it again "
                                         "from the program that made it and post it again.")
                               % {"kind": extension.lstrip(".").upper()}})
    upload.seek(0)
    document = MeetingDocument(
        meeting=meeting, kind=kind,
        title=(title or "").strip()[:200] or PurePath(upload.name).stem[:200],
        content_type=ALLOWED_TYPES[extension], size=upload.size, uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    document.file.save(_stored_name(upload.name, extension), upload, save=False)
    try:
        document.full_clean()
        with audit_context(actor):
            document.save()
    except Exception:
        document.file.delete(save=False)  # no row, no file
        raise
    followups.documents_changed(meeting.pk)
    return document


@transaction.atomic
def document_delete(*, document: MeetingDocument, actor=None) -> None:
    name, storage, meeting_id = document.file.name, document.file.storage, document.meeting_id
    with audit_context(actor):
        document.delete()
    followups.documents_changed(meeting_id)
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(name))


_UNSAFE_FILENAME = str.maketrans({c: "_" for c in '/\\:*?"<>|'} | {chr(i): None for i in range(32)})


def download_filename(document: MeetingDocument) -> str:
    """The name a download is saved under: the title (Vietnamese kept) and the file's extension."""
    extension = PurePath(document.file.name).suffix.lower()
    stem = document.title.translate(_UNSAFE_FILENAME).strip(" .") or "tai-lieu"
    return f"{stem[:120]}{extension}"
