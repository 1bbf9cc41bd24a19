"""Meeting documents: posting (type checked by extension and content) and removing."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from common import uploads
from common.audit import audit_context
from meetings import followups
from meetings.models import Meeting, MeetingDocument

ALLOWED_TYPES = uploads.allowed(".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png")
ACCEPT_ATTRIBUTE = uploads.accept_attribute(ALLOWED_TYPES)


max_document_bytes = uploads.max_bytes


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
    if not uploads.content_matches(upload, extension):
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
    document.file.save(uploads.stored_name(upload.name, extension), upload, save=False)
    try:
        document.full_clean()
        with audit_context(actor):
            document.save()
    except Exception:
        document.file.delete(save=False)  # no row, no file
        raise
    followups.documents_changed(meeting.pk, cell_id=meeting.cell_id)
    return document


@transaction.atomic
def document_delete(*, document: MeetingDocument, actor=None) -> None:
    name, storage, meeting = document.file.name, document.file.storage, document.meeting
    with audit_context(actor):
        document.delete()
    followups.documents_changed(meeting.pk, cell_id=meeting.cell_id)
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(name))


_UNSAFE_FILENAME = str.maketrans({c: "_" for c in '/\\:*?"<>|'} | {chr(i): None for i in range(32)})


def download_filename(document: MeetingDocument) -> str:
    """The name a download is saved under: the title (Vietnamese kept) and the file's extension."""
    extension = PurePath(document.file.name).suffix.lower()
    stem = document.title.translate(_UNSAFE_FILENAME).strip(" .") or "tai-lieu"
    return f"{stem[:120]}{extension}"
