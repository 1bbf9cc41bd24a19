"""What a screen reader finds in a PDF: the tagging, language, title, structure tree and text."""

import io
from collections import Counter
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject


@dataclass
class Tagged:
    marked: bool
    lang: str
    title: str
    display_title: bool
    ua_claimed: bool
    elements: Counter
    alt_texts: list[str]
    text: str


def _walk(node, elements: Counter, alt_texts: list[str]):
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            _walk(child, elements, alt_texts)
        return
    if not isinstance(node, DictionaryObject) or node.get("/Type") not in (None, "/StructElem", "/StructTreeRoot"):
        return
    if "/S" in node:
        elements[str(node["/S"])[1:]] += 1
        if node["/S"] == "/Figure":
            alt_texts.append(str(node.get("/Alt", "")))
    if "/K" in node:
        _walk(node["/K"], elements, alt_texts)


def read(content: bytes) -> Tagged:
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    elements, alt_texts = Counter(), []
    _walk(catalog["/StructTreeRoot"], elements, alt_texts)
    xmp = catalog["/Metadata"].get_object().get_data().decode() if "/Metadata" in catalog else ""
    return Tagged(
        marked=str(catalog["/MarkInfo"]["/Marked"]).lower() == "true",
        lang=str(catalog.get("/Lang", "")),
        title=str((reader.metadata or {}).get("/Title", "")),
        display_title=str(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle", "")).lower() == "true",
        ua_claimed="pdfuaid:part" in xmp or "<pdfuaid:part>1" in xmp,
        elements=elements,
        alt_texts=alt_texts,
        text=" ".join(" ".join(page.extract_text().split()) for page in reader.pages),
    )
