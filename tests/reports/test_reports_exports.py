"""Exports: Excel and CSV open with the right headers and rows; large ones run as a job."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import views
from reports.models import ExportJob
from tests.reports.conftest import MAY


def export(client, org, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(reverse("org_export", kwargs={"org_id": org.public_id}) + "?" + params)


def test_the_cells_table_exports_to_excel_with_vietnamese_headers(data, login):
    response = export(login(data.committee), data.tree.commune_a, table="units", format="xlsx", period=MAY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Đảng bộ xã An Phú — Chi bộ — Tháng 05/2026", "a title row: organisation and period"
    headers = rows[1]
    assert headers[:4] == ("Chi bộ", "Sinh hoạt thường kỳ", "Ngày theo lịch", "Ngày tổ chức")
    assert "Tỷ lệ dự họp" in headers and "Vắng không lý do" in headers
    assert sheet.cell(row=2, column=1).font.bold and sheet.freeze_panes == "B3"
    body = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[2:]}
    assert set(body) == {"Chi bộ thôn Đông", "Chi bộ thôn Đoài"}
    assert body["Chi bộ thôn Đoài"]["Sinh hoạt thường kỳ"] == "Họp muộn"
    assert body["Chi bộ thôn Đông"]["Tỷ lệ dự họp"] == pytest.approx(0.5)
    column = headers.index("Tỷ lệ dự họp") + 1
    assert sheet.cell(row=3, column=column).number_format == "0.0%"
    assert sheet.column_dimensions["A"].width >= 30


def test_the_csv_export_starts_with_a_byte_order_mark_for_excel(data, login):
    response = export(login(data.committee), data.tree.commune_a, table="units", format="csv", period=MAY,
                      status="late")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Chi bộ"
    assert [row[0] for row in rows[1:]] == ["Chi bộ thôn Đoài"], "the filters of the page apply"


def test_the_trend_and_members_at_risk_export_too(data, login):
    client = login(data.committee)
    trend = load_workbook(io.BytesIO(export(client, data.tree.commune_a, table="trend", format="xlsx",
                                            period=MAY).content)).active
    assert trend.max_row == 2 + 12
    risk = export(client, data.tree.commune_a, table="risk", format="csv", period="2026")
    assert risk.status_code == 200
    cell = client.get(reverse("cell_export", kwargs={"cell_id": data.tree.a1.public_id}) + "?table=meetings&format=xlsx&period=2026")
    meetings = load_workbook(io.BytesIO(cell.content)).active
    assert meetings.max_row == 2 + 2


def test_an_unknown_table_or_format_is_not_found(data, login):
    client = login(data.committee)
    assert export(client, data.tree.commune_a, table="secrets", format="xlsx").status_code == 404
    assert export(client, data.tree.commune_a, table="units", format="exe").status_code == 404


def test_a_large_export_runs_as_a_job_for_the_user_who_asked(data, login, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    monkeypatch.setattr(views, "SYNC_EXPORT_MAX_ROWS", 1)
    client = login(data.orgcom)
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, data.tree.province, table="cells", format="xlsx", period=MAY)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", kwargs={"job_id": job.public_id})
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3 and job.progress == 100
    status = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "hx-get" not in status.content.decode(), "polling stops when the file is ready"
    download = client.get(reverse("export_download", kwargs={"job_id": job.public_id}))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)} == {
        "Chi bộ thôn Đông", "Chi bộ thôn Đoài", "Chi bộ thôn Nam"}
    other = login(data.committee)
    assert other.get(reverse("export_job", kwargs={"job_id": job.public_id})).status_code == 404
    assert other.get(reverse("export_download", kwargs={"job_id": job.public_id})).status_code == 404


def test_a_queued_job_page_polls_with_htmx(data, login, monkeypatch):
    monkeypatch.setattr(views, "SYNC_EXPORT_MAX_ROWS", 1)
    client = login(data.orgcom)
    response = export(client, data.tree.province, table="cells", format="csv", period=MAY)  # not committed: queued
    html = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in html and "<progress" in html
    assert client.get(reverse("export_download", kwargs={"job_id": ExportJob.objects.get().public_id})).status_code == 404


def test_an_export_whose_task_was_lost_is_queued_again_and_runs_once(data, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from reports import services, tasks

    sent = []
    monkeypatch.setattr(tasks.export_job_run_task, "delay", sent.append)
    job = services.export_job_create(user=data.orgcom.user, organization=data.tree.province, table="cells",
                                     fmt="csv", query={"period": MAY})  # never committed: its task was lost
    assert services.export_jobs_resume() == 0, "a job just asked for gets its grace period"
    later = timezone.now() + dt.timedelta(minutes=3)
    assert services.export_jobs_resume(now=later) == 1 and sent == [job.pk]
    services.export_job_run(job_id=job.pk)
    services.export_job_run(job_id=job.pk)  # the original task arriving late changes nothing
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3
    assert services.export_jobs_resume(now=later) == 0, "a finished job is left alone"


def test_an_export_whose_worker_died_is_started_again(data, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from reports import services, tasks

    sent = []
    monkeypatch.setattr(tasks.export_job_run_task, "delay", sent.append)
    job = services.export_job_create(user=data.orgcom.user, organization=data.tree.province, table="cells",
                                     fmt="csv", query={"period": MAY})
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, rows_done=2)
    assert services.export_jobs_resume(now=timezone.now() + dt.timedelta(minutes=10)) == 0, "still running"
    assert services.export_jobs_resume(now=timezone.now() + dt.timedelta(minutes=31)) == 1 and sent == [job.pk]
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.file


def test_a_job_whose_owner_lost_the_seat_fails_without_a_file(data, login, django_capture_on_commit_callbacks):
    from reports.services import export_job_create, export_job_run

    job = export_job_create(user=data.orgcom.user, organization=data.tree.province, table="cells", fmt="csv",
                            query={"period": MAY})
    data.orgcom.committee_seats.all().delete()
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    export_job_run(job_id=job.pk)  # a second delivery of the task does nothing
    assert ExportJob.objects.get().status == "failed"


def test_exports_and_the_monthly_report_keep_a_constant_number_of_queries(data, login, django_assert_max_num_queries):
    client = login(data.committee)
    org = data.tree.commune_a.public_id
    urls = [
        reverse("org_export", kwargs={"org_id": org}) + "?table=units&format=xlsx&period=2026",
        reverse("org_export", kwargs={"org_id": org}) + "?table=risk&format=csv&period=2026",
        reverse("monthly_report", kwargs={"org_id": org}) + "?month=2026-05",
        reverse("cell_export", kwargs={"cell_id": data.tree.a1.public_id}) + "?table=meetings&format=csv&period=2026",
    ]
    for url in urls:
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_a_province_export_tells_same_named_cells_and_members_apart(data, login):
    import datetime as dt

    from rollups import services as rollups
    from tests import factories as f
    from tests.reports.conftest import hold

    twin = f.org("Chi bộ thôn Đông", parent=data.tree.commune_b)
    namesake = f.member(twin, name="Lê Thị Hoa", party_card_number="098765432109")
    others = [f.member(twin) for _ in range(2)]
    for day in (dt.date(2026, 3, 5), dt.date(2026, 4, 5)):
        hold(twin, day, {namesake: "unexcused", **dict.fromkeys(others, "present")})
    rollups.rollups_rebuild(years=[2026])
    client = login(data.orgcom)
    cells = list(csv.reader(io.StringIO(export(client, data.tree.province, table="cells", format="csv",
                                               period="2026").content.decode("utf-8-sig"))))
    assert cells[0][:2] == ["Chi bộ", "Tổ chức cơ sở đảng"]
    assert ["Chi bộ thôn Đông", "Đảng bộ xã An Phú"] in [row[:2] for row in cells[1:]]
    assert ["Chi bộ thôn Đông", "Đảng bộ xã Bình Minh"] in [row[:2] for row in cells[1:]]
    risk = list(csv.reader(io.StringIO(export(client, data.tree.province, table="risk", format="csv",
                                              period="2026").content.decode("utf-8-sig"))))
    assert ["Lê Thị Hoa", "098765432109", "Chi bộ thôn Đông", "Đảng bộ xã Bình Minh"] in [row[:4] for row in risk[1:]]
