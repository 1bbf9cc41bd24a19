"""Putting documents in the library: idempotent by source key, text read out of real PDF and
Word files on commit, files the library owns removed with their entry."""

import datetime as dt

import pghistory.models
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from library import extraction
from library.models import Bookmark, LibraryEntry
from library.services import (
    bookmark_add,
    bookmark_remove,
    directive_upload,
    entry_put,
    entry_remove,
    entry_text_extract,
)
from tests.library.conftest import DAY, docx_upload, pdf_upload, put


def test_putting_the_same_key_twice_updates_one_entry(cast):
    first = put("test:1", cast.tree.province, title="Chỉ thị số 1")
    again = put("test:1", cast.tree.commune_a, title="Chỉ thị số 1 (sửa đổi)", issued_on=dt.date(2025, 12, 30))
    assert LibraryEntry.objects.count() == 1 and again.pk == first.pk
    again.refresh_from_db()
    assert (again.title, again.organization, again.year) == ("Chỉ thị số 1 (sửa đổi)", cast.tree.commune_a, 2025)


def test_a_document_without_a_title_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        put("test:1", cast.tree.province, title="  ")
    assert "title" in error.value.message_dict
    assert not LibraryEntry.objects.exists()


def test_a_link_that_is_not_a_page_address_is_refused(cast):
    with pytest.raises(ValueError):
        put("test:1", cast.tree.province, url="javascript:alert(1)")
    assert put("test:1", cast.tree.province, url="/meetings/x/").url == "/meetings/x/"


def test_removing_is_idempotent_and_takes_the_bookmarks_along(cast):
    entry = put("test:1", cast.tree.province)
    bookmark_add(user=cast.member.user, entry=entry)
    assert entry_remove(source_key="test:1") is True
    assert entry_remove(source_key="test:1") is False
    assert not LibraryEntry.objects.exists() and not Bookmark.objects.exists()


def test_the_text_of_a_real_pdf_is_read_on_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = put("test:pdf", cast.tree.province, file=pdf_upload())
    entry.refresh_from_db()
    assert "quần chúng ưu tú" in entry.text and entry.text_extracted_at is not None


def test_the_text_of_a_real_word_file_is_read_on_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = put("test:docx", cast.tree.province, file=docx_upload())
    entry.refresh_from_db()
    assert "sổ tay điện tử" in entry.text


def test_reading_the_text_twice_does_nothing_more(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = put("test:pdf", cast.tree.province, file=pdf_upload())
    assert entry_text_extract(entry_id=entry.pk) is False


def test_text_given_by_the_caller_is_kept_and_no_file_is_read(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = put("test:text", cast.tree.a1, kind="resolution", text="Nghị quyết: 100% đảng viên đóng đảng phí.")
    assert callbacks == [] and entry.text.startswith("Nghị quyết")


def test_an_unreadable_pdf_is_stored_without_text(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = put("test:bad", cast.tree.province, file=ContentFile(b"%PDF-1.7\n" + b"0" * 500, name="hong.pdf"))
    entry.refresh_from_db()
    assert entry.text == "" and entry.text_extracted_at is not None


def test_a_huge_text_is_cut_at_the_limit(cast, monkeypatch):
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 50)
    entry = put("test:long", cast.tree.province, text="chữ " * 100)
    assert len(entry.text) == 50


def test_a_replaced_file_is_removed_from_storage_on_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = put("test:pdf", cast.tree.province, file=pdf_upload())
    old_name, storage = entry.file.name, entry.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        entry = put("test:pdf", cast.tree.province, file=docx_upload())
    assert not storage.exists(old_name) and storage.exists(entry.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        entry_remove(source_key="test:pdf")
    assert not storage.exists(entry.file.name)


def test_a_file_posted_elsewhere_is_referenced_and_never_deleted_by_the_library(
        cast, django_capture_on_commit_callbacks):
    owner = put("owner", cast.tree.province, file=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_put(source_key="elsewhere", organization=cast.tree.a1, kind="meeting_document", title="Báo cáo",
                          issued_by="Chi bộ", issued_on=DAY, file=owner.file)
        entry_remove(source_key="elsewhere")
    assert entry.file.name == owner.file.name and not entry.owns_file
    assert owner.file.storage.exists(owner.file.name)


def test_a_committee_uploads_a_directive_checked_like_every_upload(cast):
    entry = directive_upload(organization=cast.tree.province, upload=pdf_upload(), title="Chỉ thị 05-CT/TU",
                             issued_by="Ban Thường vụ Tỉnh ủy", issued_on=DAY, actor=cast.orgcom.user)
    assert entry.kind == "directive" and entry.owns_file and entry.content_type == "application/pdf"
    assert entry.created_by == cast.orgcom.user and entry.source_key.startswith("library.upload:")
    with pytest.raises(ValidationError) as error:
        directive_upload(organization=cast.tree.province, upload=ContentFile(b"<html>", name="gia.pdf"),
                         title="Giả", issued_by="X", issued_on=DAY)
    assert "file" in error.value.message_dict


def test_a_scanned_image_has_no_text_to_wait_for(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = directive_upload(organization=cast.tree.province, title="Ảnh chụp chỉ thị", issued_by="Tỉnh ủy",
                                 issued_on=DAY, upload=ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, name="a.png"))
    assert callbacks == [] and entry.text_extracted_at is not None and entry.content_type == "image/png"


def test_a_directive_dated_in_the_future_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        directive_upload(organization=cast.tree.province, upload=pdf_upload(), title="Chỉ thị",
                         issued_by="Tỉnh ủy", issued_on=dt.date(2100, 1, 1))
    assert "issued_on" in error.value.message_dict


def test_bookmarks_are_once_per_member_and_document(cast):
    entry = put("test:1", cast.tree.province)
    bookmark_add(user=cast.member.user, entry=entry)
    bookmark_add(user=cast.member.user, entry=entry)
    assert Bookmark.objects.count() == 1
    assert bookmark_remove(user=cast.member.user, entry=entry) is True
    assert bookmark_remove(user=cast.member.user, entry=entry) is False


def test_every_change_is_audited_with_the_actor(cast):
    entry = put("test:1", cast.tree.province, actor=cast.orgcom.user)
    events = list(pghistory.models.Events.objects.tracks(entry).order_by("pgh_created_at"))
    assert events[-1].pgh_label == "insert" and events[-1].pgh_context["user"] == cast.orgcom.user.pk
