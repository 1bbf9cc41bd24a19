"""A petition's attachments: PDF, Word, Excel, JPEG or PNG, checked by extension and content
(common.uploads, the same check as meeting documents and scanned decisions)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from common import uploads

ALLOWED_TYPES = uploads.allowed(".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png")
ACCEPT_ATTRIBUTE = uploads.accept_attribute(ALLOWED_TYPES)
MAX_FILES = 5


def checked_attachment(upload) -> tuple[str, str]:
    """(stored name, content type) of an acceptable upload; ValidationError on "attachments" otherwise."""
    if upload.size > uploads.max_bytes():
        raise ValidationError({"attachments": _("The file is %(size)s, larger than %(limit)s.") % {
            "size": filesizeformat(upload.size), "limit": f"{settings.HANDBOOK_DOCUMENT_MAX_MB}\u00a0MB"}})
    if upload.size == 0:
        raise ValidationError({"attachments": _("The file is empty.")})
    extension = uploads.extension_of(upload)
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"attachments": _("Attach a PDF, Word (.docx), Excel (.xlsx), JPEG or PNG file.")})
    if not uploads.content_matches(upload, extension):
        raise ValidationError({"attachments": _("The file's content is not a real %(kind)s file.")
                               % {"kind": extension.lstrip(".").upper()}})
    return uploads.stored_name(upload.name, extension, fallback="kien-nghi"), ALLOWED_TYPES[extension]
