"""The checks a candidate's paper passes before it is stored: common.uploads (the same as a
meeting's documents), with this register's messages."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from common import uploads

ALLOWED_TYPES = uploads.allowed(".pdf", ".docx", ".jpg", ".jpeg", ".png")
ACCEPT_ATTRIBUTE = uploads.accept_attribute(ALLOWED_TYPES)


def checked_upload(upload) -> tuple[str, str]:
    """(stored file name, content type) of an acceptable upload; ValidationError otherwise."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    if upload.size > uploads.max_bytes():
        raise ValidationError({"file": _("The file is %(size)s, larger than %(limit)s. Make it smaller (e.g. save "
                                         "the PDF at a lower quality) or split it.")
                               % {"size": filesizeformat(upload.size),
                                  "limit": f"{settings.HANDBOOK_DOCUMENT_MAX_MB}\u00a0MB"}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = uploads.extension_of(upload)
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"file": _("This kind of file cannot be attached. Attach a PDF, Word (.docx), "
                                         "JPEG or PNG file.")})
    if not uploads.content_matches(upload, extension):
        raise ValidationError({"file": _("The file's content is not a real %(kind)s file. Save it again "
                                         "from the program that made it and post it again.")
                               % {"kind": extension.lstrip(".").upper()}})
    return uploads.stored_name(upload.name, extension), ALLOWED_TYPES[extension]


_UNSAFE_FILENAME = str.maketrans({c: "_" for c in '/\\:*?"<>|'} | {chr(i): None for i in range(32)})


def download_filename(title: str, stored_name: str) -> str:
    extension = PurePath(stored_name).suffix.lower()
    stem = title.translate(_UNSAFE_FILENAME).strip(" .") or "tai-lieu"
    return f"{stem[:120]}{extension}"
