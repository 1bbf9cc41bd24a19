"""Writes of the reports app: export jobs (created by a view, run by a worker)."""

import datetime as dt
import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cells.models import Organization
from handbook.db_router import replica_reads
from members.access import organizations_overseen, scope_for
from reports import builders, exports, params
from reports.models import ExportJob

logger = logging.getLogger(__name__)

# A job still waiting this long after it was asked for lost its task (the broker was down
# when it was queued); one still running after RUNNING_LIMIT lost its worker. Older jobs
# are left alone: their owner has asked again by now.
QUEUED_GRACE = dt.timedelta(minutes=2)
RUNNING_LIMIT = dt.timedelta(minutes=30)
RESUME_WITHIN = dt.timedelta(days=1)


@transaction.atomic
def export_job_create(*, user, organization: Organization, table: str, fmt: str, query: dict) -> ExportJob:
    """Queue a large export for `user`; the worker starts once this transaction commits."""
    if table not in builders.ORG_TABLES or fmt not in exports.FORMATS:
        raise ValidationError(_("Unknown export."))
    job = ExportJob(user=user, organization=organization, table=table, format=fmt, params=params.kept(query))
    job.full_clean()
    job.save()
    from reports.tasks import export_job_run_task

    # robust: with the broker down the request still succeeds; export_jobs_resume starts it later.
    transaction.on_commit(lambda: export_job_run_task.delay(job.pk), robust=True)
    return job


def export_jobs_resume(*, now: dt.datetime | None = None) -> int:
    """Queue again the exports whose task was lost; a second delivery is harmless (the run claims)."""
    from reports.tasks import export_job_run_task

    now = now or timezone.now()
    recent = ExportJob.objects.filter(created_at__gte=now - RESUME_WITHIN)
    recent.filter(status=ExportJob.Status.RUNNING, created_at__lt=now - RUNNING_LIMIT).update(
        status=ExportJob.Status.QUEUED, rows_done=0)
    lost = list(recent.filter(status=ExportJob.Status.QUEUED, created_at__lt=now - QUEUED_GRACE)
                .values_list("pk", flat=True))
    for job_id in lost:
        export_job_run_task.delay(job_id)
    if lost:
        logger.info("queued %d export job(s) again", len(lost))
    return len(lost)


def export_job_run(*, job_id: int) -> None:
    """Build the file of a queued job. Claimed with a conditional UPDATE: runs once."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING)
    if not claimed:
        return
    job = ExportJob.objects.select_related("user", "organization").get(pk=job_id)
    try:
        # The scope is checked again: a seat may have ended since the export was asked for.
        scope = scope_for(job.user)
        if not organizations_overseen(scope).filter(pk=job.organization_id).exists():
            raise PermissionError
        # The table's reads may go to the replica (its writes, the progress, to the primary).
        with override(job.user.language), replica_reads():
            period, _bad = params.period_from(job.params)
            query = params.unit_query_from(job.params)
            table = builders.org_table(job.organization, job.table, period, query)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=table.total or 0)

            def progress(done: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

            stream = io.BytesIO()
            if job.format == "xlsx":
                count = exports.write_xlsx(table, stream, heading=builders.heading(job.organization, period, table),
                                           progress=progress)
            else:
                count = exports.write_csv(table, stream, progress=progress)
            name = builders.filename(job.organization, period, table, job.format)
        job.file.save(name, ContentFile(stream.getvalue()), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE, file=job.file.name, filename=name, rows_done=count,
            finished_at=timezone.now())
    except PermissionError:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error="out of scope", finished_at=timezone.now())
    except Exception as exc:  # a failed export is shown to its owner, never retried in a loop
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now())
        raise
