"""Demo data of the document library: directives and a resolution of the province and of the
communes (real PDF and Word files, whose text is searchable), then every registered source
(the meetings' documents and resolutions) put in the library as `library_reindex` does."""

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile

from cells.models import Organization
from library import sources
from library.models import LibraryEntry
from library.services import entry_put

DIRECTIVE_HTML = """<html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 2cm; }} body {{ font-family: "DejaVu Serif", serif; font-size: 13pt; }}
h1 {{ font-size: 15pt; text-align: center; }}</style></head><body>
<p>ĐẢNG CỘNG SẢN VIỆT NAM</p><h1>{title}</h1>{body}
<p><em>(Tài liệu mẫu của trang trình diễn.)</em></p></body></html>"""
DIRECTIVES = [
    ("Chỉ thị số 05-CT/TU về tăng cường công tác phát triển đảng viên",
     ["Các cấp ủy tập trung lãnh đạo công tác phát triển đảng viên, chú trọng đoàn viên thanh niên ưu tú, "
      "công nhân trong doanh nghiệp ngoài nhà nước.",
      "Mỗi chi bộ xây dựng kế hoạch bồi dưỡng quần chúng ưu tú, báo cáo kết quả hằng quý."], "pdf"),
    ("Nghị quyết số 12-NQ/TU về chuyển đổi số trong sinh hoạt chi bộ",
     ["Đến hết năm, 100% chi bộ sử dụng Sổ tay đảng viên điện tử; tài liệu sinh hoạt được gửi trước ít nhất "
      "một ngày.", "Đảng viên góp ý dự thảo nghị quyết chi bộ trên ứng dụng."], "docx"),
]
COMMUNE_DIRECTIVE = ("Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão",
                     ["Các chi bộ phân công đảng viên phụ trách từng tổ dân cư, sẵn sàng sơ tán nhân dân "
                      "vùng trũng thấp."], "pdf")


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return HTML(string=DIRECTIVE_HTML.format(title=escape(title.upper()), body=body)).write_pdf()


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A minimal Word document (the parts Word and the library's reader need)."""
    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    runs = "".join(f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>" for text in [title, *paragraphs])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/document.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{word}"><w:body>{runs}</w:body>'
            '</w:document>'))
    return buffer.getvalue()


def _put(key: str, organization: Organization, document: tuple, issued_on: dt.date) -> None:
    title, paragraphs, extension = document
    content = pdf_bytes(title, paragraphs) if extension == "pdf" else docx_bytes(title, paragraphs)
    kind = LibraryEntry.Kind.RESOLUTION if title.startswith("Nghị quyết") else LibraryEntry.Kind.DIRECTIVE
    entry_put(source_key=key, organization=organization, kind=kind, title=title,
              issued_by=f"Ban Thường vụ {organization.name}", issued_on=issued_on,
              file=ContentFile(content, name=f"van-ban.{extension}"))


def seed(*, rng, today: dt.date, cells, members, scale: str) -> dict:
    """Directives of the province (to every commune of the seed) and of the first commune, then
    the registered sources. Idempotent by source key."""
    del rng, members, scale
    province = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    if province is None:
        return {"library_entries": 0}
    for index, document in enumerate(DIRECTIVES):
        _put(f"demo.directive:{index}", province, document, today - dt.timedelta(days=40 + 30 * index))
    if cells:
        commune = Organization.objects.get(pk=cells[0].commune_id)
        _put("demo.directive:commune", commune, COMMUNE_DIRECTIVE, today - dt.timedelta(days=12))
    count = sum(reindex() for reindex in sources.registered().values())
    return {"library_entries": count + len(DIRECTIVES) + bool(cells)}
