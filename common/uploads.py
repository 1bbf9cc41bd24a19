"""Uploaded files: the one check of a file's type (by its extension and by its first bytes or
its structure, so a renamed file is refused), its size limit and its stored ASCII name. Meeting
documents, candidates' papers and scanned decisions all pass it."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.utils.text import slugify

from common.text import normalize_search

TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# What every office zip holds at its heart: a Word file has its document, a workbook its book.
_ZIP_MEMBER = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def allowed(*extensions: str) -> dict[str, str]:
    """{extension: content type} for these extensions."""
    return {extension: TYPES[extension] for extension in extensions}


def accept_attribute(types: dict[str, str]) -> str:
    """The `accept` attribute of a file input for these types."""
    return ",".join([*types, *sorted(set(types.values()))])


def max_bytes() -> int:
    return settings.HANDBOOK_DOCUMENT_MAX_MB * 1024 * 1024


def extension_of(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").suffix.lower()


def content_matches(upload, extension: str) -> bool:
    """Whether the file's content is what its extension says (read from the start; rewound)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".png":
        return head == b"\x89PNG\r\n\x1a\n"
    if extension not in _ZIP_MEMBER or not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            return _ZIP_MEMBER[extension] in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def stored_name(filename: str, extension: str, *, fallback: str = "tai-lieu") -> str:
    """An ASCII name to store the file under; downloads are named after the title."""
    stem = slugify(normalize_search(PurePath(filename).stem))[:60] or fallback
    return f"{stem}{extension}"
