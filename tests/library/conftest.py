"""Library tests reuse the standing cast (tests/conftest.py): cell A1 with `secretary` and
`member`, `committee` on commune A's standing committee, `orgcom` on the province's
organisation committee, `outsider` secretary of B1 in commune B. Real PDF and Word files are
made here, with the text a search must find inside them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from library.demo import docx_bytes, pdf_bytes
from library.services import entry_put

DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_upload(name="Chỉ thị.pdf", title="Chỉ thị về phát triển đảng viên",
               text="Tăng cường bồi dưỡng quần chúng ưu tú trong doanh nghiệp ngoài nhà nước."):
    return SimpleUploadedFile(name, pdf_bytes(title, [text]), content_type="application/pdf")


def docx_upload(name="Nghị quyết.docx", title="Nghị quyết chuyển đổi số",
                text="Mỗi chi bộ dùng sổ tay điện tử; tài liệu gửi trước một ngày."):
    return SimpleUploadedFile(name, docx_bytes(title, [text]),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def put(key, organization, *, title="Nghị quyết về xây dựng Đảng", kind="directive", issued_by="Ban Thường vụ",
        issued_on=DAY, **fields):
    return entry_put(source_key=key, organization=organization, kind=kind, title=title, issued_by=issued_by,
                     issued_on=issued_on, **fields)
