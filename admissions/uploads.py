"""The checks a candidate's paper passes before it is stored: the same rules as a meeting's
documents (type by extension and by content, size limit), kept here because admissions stands
below meetings and may not import it."""

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


def checked_upload(upload) -> tuple[str, str]:
    """(stored file name, content type) of an acceptable upload; ValidationError otherwise."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    limit = settings.HANDBOOK_DOCUMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError({"file": _("The file is %(size)s, larger than %(limit)s. Make it smaller (e.g. save "
                                         "the PDF at a lower quality) or split it.")
                               % {"size": filesizeformat(upload.size),
                                  "limit": f"{settings.HANDBOOK_DOCUMENT_MAX_MB}\u00a0MB"}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"file": _("This kind of file cannot be attached. Attach a PDF, Word (.docx), "
                                         "JPEG or PNG file.")})
    if not _content_matches(upload, extension):
        raise ValidationError({"file": _("The file's content is not a real %(kind)s file. Save it again "
                                         "from the program that made it and post it again.")
                               % {"kind": extension.lstrip(".").upper()}})
    upload.seek(0)
    # Stored under an ASCII name; the download is named after the title.
    stem = slugify(normalize_search(PurePath(upload.name).stem))[:60] or "tai-lieu"
    return f"{stem}{extension}", ALLOWED_TYPES[extension]


_UNSAFE_FILENAME = str.maketrans({c: "_" for c in '/\\:*?"<>|'} | {chr(i): None for i in range(32)})


def download_filename(title: str, stored_name: str) -> str:
    extension = PurePath(stored_name).suffix.lower()
    stem = title.translate(_UNSAFE_FILENAME).strip(" .") or "tai-lieu"
    return f"{stem[:120]}{extension}"
