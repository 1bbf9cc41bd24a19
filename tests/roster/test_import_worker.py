"""A large import goes through a real Celery worker on the real Redis, as in production."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from handbook.celery import app
from members import imports
from members.models import Member, MemberImport
from tests.roster.files import csv_bytes, rows_of

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),  # the worker must see committed rows
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: a real broker for a real worker"),
]
BASE_DIR = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    """pytest-django's database (test_<name>), as a URL the worker's settings can parse."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = quote(db["PASSWORD"] or "")
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host.startswith("/"):  # the embedded server listens on a socket folder
        return f"postgresql://{user}:{password}@/{db['NAME']}?host={quote(host)}"
    return f"postgresql://{user}:{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker():
    env = {
        **os.environ, "DATABASE_URL": _test_database_url(), "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "handbook.settings", "HANDBOOK_TESTING": "1", "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "handbook", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname", f"roster-test-{os.getpid()}@%h"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # this test sends the tasks to the broker
    try:
        yield process
    finally:
        app.conf.task_always_eager = eager
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(job, status, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        if process.poll() is not None:
            pytest.fail("the worker stopped:\n" + process.stdout.read())
        time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    pytest.fail(f"the job stayed {job.status}:\n" + process.communicate(timeout=20)[0])


def test_a_large_file_is_checked_and_written_by_a_real_worker(cast, client, monkeypatch, worker):
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 50)
    client.force_login(cast.secretary.user)
    cell = cast.tree.a1
    client.post(reverse("member_import", args=[cell.public_id]),
                {"file": SimpleUploadedFile("xa-tan-hoa.csv", csv_bytes(rows_of(120), delimiter=";"))})
    job = MemberImport.objects.get()
    assert job.in_background
    _wait_for(job, MemberImport.Status.READY, worker)
    assert job.created_count == 120 and not Member.objects.filter(full_name__startswith="Nguyễn Văn Nhập").exists()
    client.post(reverse("member_import_confirm", args=[cell.public_id, job.public_id]))
    _wait_for(job, MemberImport.Status.DONE, worker)
    assert Member.objects.filter(full_name__startswith="Nguyễn Văn Nhập", memberships__cell=cell).count() == 120
    page = client.get(reverse("member_import_detail", args=[cell.public_id, job.public_id])).content.decode()
    assert "Đã thêm mới 120 đảng viên" in page
