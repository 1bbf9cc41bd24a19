"""Celery tasks of the roster import: thin, by id, safe to run twice (see services_import)."""

from celery import shared_task

from members import services, services_import


@shared_task(acks_late=True, ignore_result=True)
def check_member_import(import_id: int) -> None:
    services_import.member_import_check(job_id=import_id)


@shared_task(acks_late=True, ignore_result=True)
def apply_member_import(import_id: int) -> None:
    services_import.member_import_apply(job_id=import_id)


@shared_task(ignore_result=True)
def forget_stale_member_imports() -> None:
    """Daily: delete uploads left unconfirmed or failed for two days (personal data)."""
    services_import.member_imports_forget_stale()


@shared_task(acks_late=True, ignore_result=True)
def end_other_sessions(user_id: int, keep_session_key: str | None = None) -> None:
    """After a change of password or second factor (handbook.account_events)."""
    services.user_sessions_end(user_id=user_id, keep_session_key=keep_session_key)
