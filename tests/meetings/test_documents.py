"""Meeting documents: only real PDF/DOCX/XLSX/JPEG/PNG files within the limit, downloaded only by those
who may see the meeting, with a safe Content-Disposition."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import MeetingDocument
from meetings.services.documents import document_add, document_delete
from meetings.services.schedule import meeting_cancel, meeting_schedule
from tests import factories as f
from tests.meetings.conftest import docx, hold, jpeg, office, pdf, png, xlsx


@pytest.mark.parametrize("upload, content_type", [
    (pdf, "application/pdf"),
    (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (jpeg, "image/jpeg"),
    (png, "image/png"),
])
def test_each_allowed_kind_is_posted_with_the_type_it_really_is(meeting, cast, upload, content_type):
    document = document_add(meeting=meeting, upload=upload(), actor=cast.secretary.user)
    assert document.content_type == content_type
    assert document.uploaded_by == cast.secretary.user and document.size > 0
    assert document.file.storage.exists(document.file.name)


def test_the_title_defaults_to_the_file_name(meeting):
    assert document_add(meeting=meeting, upload=pdf("Báo cáo tháng 11.pdf")).title == "Báo cáo tháng 11"


@pytest.mark.parametrize("upload", [
    lambda: SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\0" * 50),
    lambda: SimpleUploadedFile("cu.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 50),
    lambda: SimpleUploadedFile("trang.html", b"<html><script>alert(1)</script></html>"),
    lambda: SimpleUploadedFile("khong-duoi", b"%PDF-1.4 " + b"0" * 50),
])
def test_other_kinds_of_file_are_refused_with_a_clear_message(meeting, upload):
    with pytest.raises(ValidationError) as error:
        document_add(meeting=meeting, upload=upload())
    assert "Không đăng được loại tệp này" in str(error.value.message_dict["file"])
    assert not MeetingDocument.objects.exists()


@pytest.mark.parametrize("upload", [
    lambda: SimpleUploadedFile("gia.pdf", b"<html>not a pdf</html>"),
    lambda: SimpleUploadedFile("anh.png", b"%PDF-1.4 pretending"),
    lambda: SimpleUploadedFile("anh.jpg", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
    lambda: office("bang.xlsx", "word/document.xml"),
    lambda: SimpleUploadedFile("van-ban.docx", b"PK\x03\x04 but not a zip at all"),
])
def test_a_file_whose_content_does_not_match_its_extension_is_refused(meeting, upload):
    with pytest.raises(ValidationError) as error:
        document_add(meeting=meeting, upload=upload())
    assert "không phải là tệp" in str(error.value.message_dict["file"])
    assert not MeetingDocument.objects.exists()


def test_an_oversized_or_empty_file_is_refused(meeting, settings):
    settings.HANDBOOK_DOCUMENT_MAX_MB = 1
    with pytest.raises(ValidationError) as error:
        document_add(meeting=meeting, upload=pdf(size=1024 * 1024 + 1))
    assert "lớn hơn mức cho phép 1\xa0MB" in " ".join(error.value.message_dict["file"])
    with pytest.raises(ValidationError):
        document_add(meeting=meeting, upload=SimpleUploadedFile("rong.pdf", b""))
    assert not MeetingDocument.objects.exists()


def test_a_cancelled_meeting_takes_no_documents(meeting):
    meeting_cancel(meeting=meeting, reason="Bão")
    with pytest.raises(ValidationError):
        document_add(meeting=meeting, upload=pdf())


def test_removing_a_document_removes_its_file_once_committed(meeting, django_capture_on_commit_callbacks):
    document = document_add(meeting=meeting, upload=pdf())
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document)
    assert not MeetingDocument.objects.exists() and not storage.exists(name)


# --- Pages ----------------------------------------------------------------------------------

def upload_url(meeting):
    return reverse("document_upload", args=[meeting.public_id])


def test_the_secretary_posts_a_document_and_members_see_it(meeting, cast, login):
    client = login(cast.secretary)
    response = client.post(upload_url(meeting), {"file": pdf(), "title": "Đề cương", "kind": "preparatory"})
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    document = MeetingDocument.objects.get()
    assert document.title == "Đề cương" and document.meeting == meeting
    page = login(cast.member).get(reverse("meeting_detail", args=[meeting.public_id])).content.decode()
    assert reverse("document_download", args=[document.public_id]) in page


def test_a_wrong_file_type_is_explained_and_the_title_stays(meeting, cast, login):
    response = login(cast.secretary).post(upload_url(meeting), {
        "file": SimpleUploadedFile("bang.csv", b"a,b\n1,2\n"), "title": "Danh sách đóng đảng phí", "kind": "other"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Không đăng được loại tệp này" in page
    assert 'value="Danh sách đóng đảng phí"' in page and '<option value="other" selected>' in page
    assert not MeetingDocument.objects.exists()


def test_an_oversized_upload_is_stopped_while_it_arrives_and_the_form_stays(meeting, cast, login, settings, media_root):
    settings.HANDBOOK_DOCUMENT_MAX_MB = 1
    response = login(cast.secretary).post(upload_url(meeting), {
        "file": pdf(size=3 * 1024 * 1024), "title": "Tài liệu rất lớn", "kind": "preparatory"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tệp lớn hơn 1\xa0MB" in page and 'value="Tài liệu rất lớn"' in page
    assert not MeetingDocument.objects.exists()
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_the_upload_still_checks_the_csrf_token(meeting, cast, client):
    client.handler.enforce_csrf_checks = True
    client.force_login(cast.secretary.user)
    response = client.post(upload_url(meeting), {"file": pdf(), "title": "x", "kind": "preparatory"})
    assert response.status_code == 403 and not MeetingDocument.objects.exists()


def test_a_download_is_an_attachment_with_the_vietnamese_name_kept(meeting, cast, login):
    document = document_add(meeting=meeting, upload=pdf(size=500), title="Nghị quyết tháng 11/2026")
    response = login(cast.member).get(reverse("document_download", args=[document.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Nghi quyet thang 11_2026.pdf"')
    assert f"filename*=UTF-8''{quote('Nghị quyết tháng 11_2026.pdf', safe='')}" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_title_cannot_break_out_of_the_header(meeting, cast, login):
    document = document_add(meeting=meeting, upload=pdf(), title='a"; filename=evil.html\r\nX-Bad: 1')
    disposition = login(cast.member).get(reverse("document_download", args=[document.public_id]))["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    kind, plain, encoded = disposition.split("; ")
    assert kind == "attachment" and plain.count('"') == 2 and ";" not in plain
    assert encoded.startswith("filename*=UTF-8''") and not set(encoded) & set(' ";')


def test_the_committee_above_may_download(meeting, cast, login):
    document = document_add(meeting=meeting, upload=pdf())
    for who in (cast.committee, cast.orgcom, cast.admin):
        assert login(who).get(reverse("document_download", args=[document.public_id])).status_code == 200


def test_outsiders_can_neither_download_post_nor_remove(meeting, cast, login):
    document = document_add(meeting=meeting, upload=pdf())
    client = login(cast.outsider)
    assert client.get(reverse("document_download", args=[document.public_id])).status_code == 404
    assert client.post(upload_url(meeting), {"file": pdf(), "title": "x", "kind": "other"}).status_code == 404
    assert client.post(reverse("document_delete", args=[document.public_id])).status_code == 404
    assert list(MeetingDocument.objects.all()) == [document]


def test_a_signed_out_visitor_is_sent_to_sign_in(meeting, client):
    document = document_add(meeting=meeting, upload=pdf())
    response = client.get(reverse("document_download", args=[document.public_id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "committee"])
def test_members_and_the_committee_above_cannot_post_or_remove(meeting, cast, login, who):
    document = document_add(meeting=meeting, upload=pdf())
    client = login(getattr(cast, who))
    assert client.post(upload_url(meeting), {"file": pdf(), "title": "x", "kind": "other"}).status_code == 404
    assert client.post(reverse("document_delete", args=[document.public_id])).status_code == 404
    assert list(MeetingDocument.objects.all()) == [document]


def test_the_secretary_removes_a_document(meeting, cast, login):
    document = document_add(meeting=meeting, upload=pdf(), title="Bản cũ")
    response = login(cast.secretary).post(reverse("document_delete", args=[document.public_id]), follow=True)
    assert "Đã xóa “Bản cũ”." in response.content.decode()
    assert not MeetingDocument.objects.exists()


def test_a_meeting_already_held_takes_its_signed_minutes_but_no_more_meeting_documents(cast):
    held = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-2), kind="extraordinary")
    hold(held, {})
    with pytest.raises(ValidationError) as error:
        document_add(meeting=held, upload=pdf())
    assert "kind" in error.value.message_dict
    signed = document_add(meeting=held, upload=pdf("Biên bản.pdf"), kind=MeetingDocument.Kind.MINUTES)
    assert list(held.documents.all()) == [signed]


def test_the_upload_form_of_a_held_meeting_offers_the_signed_minutes_and_keeps_the_title(cast, login):
    held = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(-2), kind="extraordinary")
    hold(held, {})
    client = login(cast.secretary)
    page = client.get(reverse("meeting_detail", args=[held.public_id])).content.decode()
    assert '<option value="minutes" selected>' in page
    response = client.post(reverse("document_upload", args=[held.public_id]),
                           {"file": pdf(), "title": "Báo cáo quý", "kind": "preparatory"})
    assert response.status_code == 200 and 'value="Báo cáo quý"' in response.content.decode()
    assert not held.documents.exists()
