"""The scanned decision attached to a record: PDF, Word, JPEG or PNG, checked by extension and content.

The meetings floor has the same check for its documents; it stands above this app, so the
few lines are kept here rather than imported upward.
"""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.text import normalize_search

ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ACCEPT_ATTRIBUTE = ",".join([*ALLOWED_TYPES, *sorted(set(ALLOWED_TYPES.values()))])


def max_bytes() -> int:
    return settings.HANDBOOK_DOCUMENT_MAX_MB * 1024 * 1024


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
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def checked_attachment(upload) -> tuple[str, str]:
    """(stored name, content type) of an acceptable upload; ValidationError on "attachment" otherwise."""
    if upload.size > max_bytes():
        raise ValidationError({"attachment": _("The file is %(size)s, larger than %(limit)s.") % {
            "size": filesizeformat(upload.size), "limit": f"{settings.HANDBOOK_DOCUMENT_MAX_MB}\u00a0MB"}})
    if upload.size == 0:
        raise ValidationError({"attachment": _("The file is empty.")})
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"attachment": _("Attach a PDF, Word (.docx), JPEG or PNG file.")})
    if not _content_matches(upload, extension):
        raise ValidationError({"attachment": _("The file's content is not a real %(kind)s file.")
                               % {"kind": extension.lstrip(".").upper()}})
    upload.seek(0)
    stem = slugify(normalize_search(PurePath(upload.name).stem))[:60] or "quyet-dinh"
    return f"{stem}{extension}", ALLOWED_TYPES[extension]
