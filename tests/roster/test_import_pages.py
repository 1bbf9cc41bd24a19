"""Importing a roster file through the pages: preview, confirm, twice, large files, and who may."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members import imports, services_import
from members.models import CellMembership, Member, MemberImport, MemberStatus
from tests.roster.files import HEADERS, csv_bytes, rows_of, xlsx_bytes


def import_url(cell):
    return reverse("member_import", args=[cell.public_id])


def job_url(job, name="member_import_detail"):
    return reverse(name, args=[job.cell.public_id, job.public_id])


def upload(client, cell, data, name="danh-sach.csv"):
    return client.post(import_url(cell), {"file": SimpleUploadedFile(name, data)})


def imported():
    return Member.objects.filter(full_name__startswith="Nguyễn Văn Nhập")


def test_a_clean_file_is_previewed_then_imported_on_confirmation(cast, login):
    client = login(cast.secretary)
    response = upload(client, cast.tree.a1, csv_bytes(rows_of(3), delimiter=";"))
    job = MemberImport.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert job.status == MemberImport.Status.READY and not job.in_background
    assert not imported().exists()  # nothing is written before the confirmation
    page = client.get(job_url(job)).content.decode()
    assert "Sẽ thêm mới 3 đảng viên, cập nhật 0, giữ nguyên 0." in page and "Nguyễn Văn Nhập 2" in page
    response = client.post(job_url(job, "member_import_confirm"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == MemberImport.Status.DONE and job.created_count == 3
    assert not job.file  # the upload (personal data) is not kept
    first = imported().get(full_name="Nguyễn Văn Nhập 1")
    assert first.status == MemberStatus.OFFICIAL and first.phone == "0900000001"
    assert list(first.status_changes.values_list("status", flat=True)) == [MemberStatus.PROBATIONARY,
                                                                             MemberStatus.OFFICIAL]
    assert first.memberships.get().cell == cast.tree.a1
    assert "Đã thêm mới 3 đảng viên" in client.get(job_url(job)).content.decode()


def test_importing_the_same_file_twice_creates_no_duplicates(cast, login):
    client = login(cast.secretary)
    data = xlsx_bytes(rows_of(5))
    for _ in range(2):
        upload(client, cast.tree.a1, data, name="ds.xlsx")
        client.post(job_url(MemberImport.objects.first(), "member_import_confirm"))
    assert imported().count() == 5
    second = MemberImport.objects.first()
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 5)
    assert CellMembership.objects.filter(member__in=imported()).count() == 5


def test_a_corrected_row_updates_the_member_already_imported(cast, login):
    client = login(cast.secretary)
    rows = rows_of(2)
    upload(client, cast.tree.a1, csv_bytes(rows))
    client.post(job_url(MemberImport.objects.first(), "member_import_confirm"))
    rows[1][8] = "0987000111"
    upload(client, cast.tree.a1, csv_bytes(rows))
    job = MemberImport.objects.first()
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    client.post(job_url(job, "member_import_confirm"))
    assert imported().get(full_name="Nguyễn Văn Nhập 2").phone == "0987000111"


def test_a_file_with_a_bad_row_is_explained_and_nothing_is_written(cast, login):
    client = login(cast.secretary)
    rows = rows_of(3)
    rows[1][2] = "30/02/1985"
    upload(client, cast.tree.a1, csv_bytes(rows))
    job = MemberImport.objects.get()
    assert job.status == MemberImport.Status.INVALID
    page = client.get(job_url(job)).content.decode()
    assert "Tệp có 1 lỗi. Chưa có gì được lưu." in page
    assert "“30/02/1985” không phải ngày hợp lệ" in page and "C · Ngày sinh" in page
    assert client.post(job_url(job, "member_import_confirm"), follow=True).status_code == 200
    assert not imported().exists()


def test_an_unknown_cell_and_an_old_date_are_reported_together_and_nothing_is_written(cast, login):
    client = login(cast.secretary)
    rows = [[*row, "Chi bộ thôn Đông"] for row in rows_of(3)]
    rows[0][-1] = "Chi bộ Không Có"
    rows[2][2] = "01/01/1890"
    upload(client, cast.tree.a1, csv_bytes(rows, headers=[*HEADERS, "Chi bộ"]))
    job = MemberImport.objects.get()
    assert job.status == MemberImport.Status.INVALID
    assert [(p["line"], p["code"]) for p in job.errors] == [(2, "unknown_cell"), (4, "date_too_early")]
    page = client.get(job_url(job)).content.decode()
    assert "Tệp có 2 lỗi. Chưa có gì được lưu." in page and "J · Chi bộ" in page
    assert client.post(job_url(job, "member_import_confirm"), follow=True).status_code == 200
    assert not imported().exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("ds.pdf", b"%PDF-1.4 ...", "Hãy tải lên tệp Excel (.xlsx) hoặc tệp CSV (.csv)."),
    ("ds.xls", b"\xd0\xcf\x11\xe0...", "Chưa đọc được tệp Excel 97–2003 (.xls)"),
    ("ds.csv", "Họ tên,Ngày sinh\nAn,1/1/1990".encode("utf-16"), "không ở mã UTF-8"),
    ("ds.csv", b"x" * (5 * 1024 * 1024 + 1), "Tệp lớn hơn 5 MB."),
])
def test_a_wrong_or_oversized_file_gets_a_clear_message(cast, login, name, data, message):
    response = upload(login(cast.secretary), cast.tree.a1, data, name=name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not MemberImport.objects.exists()


def test_a_file_without_a_header_is_explained_on_the_job_page(cast, login):
    client = login(cast.secretary)
    upload(client, cast.tree.a1, b"a;b\n1;2\n")
    job = MemberImport.objects.get()
    assert job.status == MemberImport.Status.INVALID
    assert "Không thấy dòng tiêu đề có cột “Họ và tên”" in client.get(job_url(job)).content.decode()


def test_a_large_file_is_checked_and_imported_in_the_background(cast, login, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 5)
    client = login(cast.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, cast.tree.a1, csv_bytes(rows_of(8)))
    job = MemberImport.objects.get()
    assert job.in_background and job.status == MemberImport.Status.READY and job.rows_total == 8
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job_url(job, "member_import_confirm"))
    job.refresh_from_db()
    assert job.status == MemberImport.Status.DONE and imported().count() == 8


def test_a_running_job_page_polls_its_progress_with_htmx(cast, login, monkeypatch):
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 5)
    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(600)))  # on_commit not run: the job waits
    job = MemberImport.objects.get()
    assert job.status == MemberImport.Status.CHECKING
    services_import._report(job.public_id, 200)
    page = client.get(job_url(job)).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="33"' in page and "Đang kiểm tra tệp" in page
    fragment = client.get(job_url(job), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    # Once checked, the fragment stops polling and shows the result.
    services_import.member_import_check(job_id=job.pk)
    fragment = client.get(job_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "Nhập vào danh sách" in fragment


def test_the_secretary_can_leave_and_find_the_recent_imports(cast, login):
    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(2)), name="thang-11.csv")
    page = client.get(import_url(cast.tree.a1)).content.decode()
    assert "thang-11.csv" in page and "Sẵn sàng nhập" in page


def test_running_the_write_twice_does_nothing_the_second_time(cast, login):
    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(3)))
    job = MemberImport.objects.get()
    client.post(job_url(job, "member_import_confirm"))
    assert services_import.member_import_apply(job_id=job.pk).status == MemberImport.Status.DONE
    assert imported().count() == 3


def test_a_write_killed_mid_way_leaves_nothing_and_can_run_again(cast, login, monkeypatch):
    monkeypatch.setattr(services_import, "BATCH", 2)
    real_write = services_import._write
    calls = {"n": 0}

    def dying(job, rows, progress):
        def progress_then_die(done):
            calls["n"] += 1
            raise RuntimeError("worker killed")
        return real_write(job, rows, progress_then_die)

    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(5)))
    job = MemberImport.objects.get()
    monkeypatch.setattr(services_import, "_write", dying)
    client.post(job_url(job, "member_import_confirm"))
    job.refresh_from_db()
    assert calls["n"] == 1 and job.status == MemberImport.Status.FAILED
    assert not imported().exists()  # the first batch was rolled back with the rest
    assert "Không xử lý được tệp" in client.get(job_url(job)).content.decode()
    monkeypatch.setattr(services_import, "_write", real_write)
    client.post(job_url(job, "member_import_retry"))
    client.post(job_url(job, "member_import_confirm"))
    job.refresh_from_db()
    assert job.status == MemberImport.Status.DONE and imported().count() == 5


def test_a_stale_write_is_started_again(cast, login, django_capture_on_commit_callbacks):
    import datetime as dt

    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(2)))
    job = MemberImport.objects.get()
    # As if a worker took the job and died with it.
    MemberImport.objects.filter(pk=job.pk).update(status=MemberImport.Status.IMPORTING, in_background=True)
    assert "Chạy lại" not in client.get(job_url(job)).content.decode()
    MemberImport.objects.filter(pk=job.pk).update(updated_at=job.updated_at - dt.timedelta(hours=1))
    assert "Chạy lại" in client.get(job_url(job)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job_url(job, "member_import_retry"))
    job.refresh_from_db()
    assert job.status == MemberImport.Status.DONE and imported().count() == 2


def test_the_file_is_checked_again_when_written(cast, login):
    from tests import factories as f

    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(2)))
    job = MemberImport.objects.get()
    f.member(cast.tree.b1, party_card_number="010000000002")  # meanwhile, in another cell
    client.post(job_url(job, "member_import_confirm"))
    job.refresh_from_db()
    assert job.status == MemberImport.Status.INVALID and not imported().exists()
    assert [p["code"] for p in job.errors] == ["number_unusable"]


def test_the_templates_download_with_vietnamese_headers(cast, login):
    client = login(cast.secretary)
    response = client.get(reverse("member_import_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Họ và tên", "Ngày sinh", "Giới tính"] and sheet["A2"].value == "Nguyễn Văn An"
    csv_response = client.get(reverse("member_import_template", args=["csv"]))
    assert csv_response.content.startswith("\ufeffHọ và tên,".encode())
    # The template, as downloaded, passes its own check.
    headers, mapping, rows = imports.read_table("t.xlsx", response.content)
    result = imports.check_rows(cell=cast.tree.a1, scope=None, headers=headers, mapping=mapping, rows=rows)
    assert result.errors == [] and result.warnings == []


def test_a_plain_member_gets_no_template(cast, login):
    assert login(cast.member).get(reverse("member_import_template", args=["xlsx"])).status_code == 404


def test_the_outsider_sees_and_imports_nothing_of_this_cell(cast, login):
    upload(login(cast.secretary), cast.tree.a1, csv_bytes(rows_of(2)))
    job = MemberImport.objects.get()
    for who in (cast.outsider, cast.committee, cast.member):
        client = login(who)
        assert client.get(import_url(cast.tree.a1)).status_code == 404
        assert upload(client, cast.tree.a1, csv_bytes(rows_of(2, start=10))).status_code == 404
        assert client.get(job_url(job)).status_code == 404
        assert client.post(job_url(job, "member_import_confirm")).status_code == 404
        assert client.post(job_url(job, "member_import_retry")).status_code == 404
    job.refresh_from_db()
    assert MemberImport.objects.count() == 1 and job.status == MemberImport.Status.READY
    assert not imported().exists()


def test_a_job_is_only_found_under_its_own_cell(cast, login):
    upload(login(cast.admin), cast.tree.b1, csv_bytes(rows_of(1)))
    job = MemberImport.objects.get()
    url = reverse("member_import_detail", args=[cast.tree.a1.public_id, job.public_id])
    assert login(cast.secretary).get(url).status_code == 404


@pytest.mark.parametrize("jobs", [1, 10])
def test_the_import_pages_keep_a_constant_number_of_queries(cast, login, django_assert_max_num_queries, jobs):
    client = login(cast.secretary)
    rows = rows_of(30)
    rows[3][2] = "bad"
    for _ in range(jobs):
        upload(client, cast.tree.a1, csv_bytes(rows))
    with django_assert_max_num_queries(9):
        client.get(import_url(cast.tree.a1))
    with django_assert_max_num_queries(9):
        client.get(job_url(MemberImport.objects.first()))


def test_a_previewed_import_can_be_dropped_and_its_file_is_deleted(cast, login):
    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(2)))
    job = MemberImport.objects.get()
    response = client.post(job_url(job, "member_import_cancel"))
    assert response.status_code == 302 and response["Location"] == import_url(cast.tree.a1)
    job.refresh_from_db()
    assert job.status == MemberImport.Status.CANCELLED and not job.file
    assert client.post(job_url(job, "member_import_confirm")).status_code == 302
    job.refresh_from_db()
    assert job.status == MemberImport.Status.CANCELLED and not imported().exists()
    assert login(cast.outsider).post(job_url(job, "member_import_cancel")).status_code == 404


def test_uploads_left_waiting_are_forgotten_after_two_days(cast, login, django_capture_on_commit_callbacks):
    import datetime as dt
    import os

    client = login(cast.secretary)
    upload(client, cast.tree.a1, csv_bytes(rows_of(2)))
    job = MemberImport.objects.get()
    path = job.file.path
    assert os.path.exists(path)
    assert services_import.member_imports_forget_stale() == 0  # too recent
    MemberImport.objects.filter(pk=job.pk).update(updated_at=job.updated_at - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert services_import.member_imports_forget_stale() == 1
    job.refresh_from_db()
    assert job.status == MemberImport.Status.CANCELLED and not job.file and not os.path.exists(path)
