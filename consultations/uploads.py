"""The draft's document: PDF or Word, checked by extension and content (common.uploads)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from common import uploads

ALLOWED_TYPES = uploads.allowed(".pdf", ".docx")
ACCEPT_ATTRIBUTE = uploads.accept_attribute(ALLOWED_TYPES)


def checked_attachment(upload) -> tuple[str, str]:
    """(stored name, content type) of an acceptable upload; ValidationError on "attachment" otherwise."""
    if upload.size > uploads.max_bytes():
        raise ValidationError({"attachment": _("The file is %(size)s, larger than %(limit)s.") % {
            "size": filesizeformat(upload.size), "limit": f"{settings.HANDBOOK_DOCUMENT_MAX_MB}\u00a0MB"}})
    if upload.size == 0:
        raise ValidationError({"attachment": _("The file is empty.")})
    extension = uploads.extension_of(upload)
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"attachment": _("Attach the draft as a PDF or Word (.docx) file.")})
    if not uploads.content_matches(upload, extension):
        raise ValidationError({"attachment": _("The file's content is not a real %(kind)s file.")
                               % {"kind": extension.lstrip(".").upper()}})
    return uploads.stored_name(upload.name, extension, fallback="du-thao"), ALLOWED_TYPES[extension]
