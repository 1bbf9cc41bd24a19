"""Celery tasks of the reports app: thin, take ids."""

from celery import shared_task

from reports import services


@shared_task(name="reports.export_job_run")
def export_job_run_task(job_id: int) -> None:
    services.export_job_run(job_id=job_id)


@shared_task(name="reports.export_jobs_resume")
def export_jobs_resume_task() -> None:
    services.export_jobs_resume()
