"""The scanned decision attached to a record: PDF, Word, JPEG or PNG, checked by extension and content.

The check is common.uploads, the same as a meeting's documents; the messages are this register's.
"""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from common import uploads

ALLOWED_TYPES = uploads.allowed(".pdf", ".docx", ".jpg", ".jpeg", ".png")
ACCEPT_ATTRIBUTE = uploads.accept_attribute(ALLOWED_TYPES)
max_bytes = uploads.max_bytes


def checked_attachment(upload) -> tuple[str, str]:
    """(stored name, content type) of an acceptable upload; ValidationError on "attachment" otherwise."""
    if upload.size > max_bytes():
        raise ValidationError({"attachment": _("The file is %(size)s, larger than %(limit)s.") % {
            "size": filesizeformat(upload.size), "limit": f"{settings.HANDBOOK_DOCUMENT_MAX_MB}\u00a0MB"}})
    if upload.size == 0:
        raise ValidationError({"attachment": _("The file is empty.")})
    extension = uploads.extension_of(upload)
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"attachment": _("Attach a PDF, Word (.docx), JPEG or PNG file.")})
    if not uploads.content_matches(upload, extension):
        raise ValidationError({"attachment": _("The file's content is not a real %(kind)s file.")
                               % {"kind": extension.lstrip(".").upper()}})
    return uploads.stored_name(upload.name, extension, fallback="quyet-dinh"), ALLOWED_TYPES[extension]
