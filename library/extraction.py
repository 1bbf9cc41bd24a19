"""The text of a PDF or a Word (.docx) file, for the library's search: read with limits, so
that a huge or hostile file costs a bounded time and never fails the caller."""

import logging
import zipfile
from pathlib import PurePath
from xml.etree import ElementTree

from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000  # the search column keeps this much of a document's text
MAX_PDF_PAGES = 200
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024  # the unpacked word/document.xml (a zip bomb stops here)
_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def can_read(name: str) -> bool:
    return PurePath(name or "").suffix.lower() in (".pdf", ".docx")


def _pdf_text(handle) -> str:
    reader = PdfReader(handle)
    parts, length = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        part = page.extract_text() or ""
        parts.append(part)
        length += len(part)
        if length >= MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _docx_text(handle) -> str:
    with zipfile.ZipFile(handle) as archive:
        info = archive.getinfo("word/document.xml")
        if info.file_size > MAX_DOCX_XML_BYTES:
            return ""
        root = ElementTree.fromstring(archive.read(info))
    paragraphs = []
    for paragraph in root.iter(f"{_WORD}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(f"{_WORD}t")))
    return "\n".join(paragraphs)


def text_of(field_file) -> str:
    """The file's text, at most MAX_TEXT_CHARS; "" for an unreadable, missing or other file."""
    extension = PurePath(field_file.name or "").suffix.lower()
    reader = {".pdf": _pdf_text, ".docx": _docx_text}.get(extension)
    if reader is None:
        return ""
    try:
        with field_file.open("rb") as handle:
            return reader(handle)[:MAX_TEXT_CHARS]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError, PyPdfError,
            RecursionError) as error:
        logger.warning("library: no text read from %s (%s)", field_file.name, error)
        return ""
