"""Writes of the roster import: store the upload, check it, write it once clean and confirmed.

A small file is checked while the secretary waits and written when they confirm; a large
one (members.imports.BACKGROUND_ROWS) is checked and written by Celery tasks that take the
job's id. The write is one transaction that starts by checking the file again: a job
killed mid-way leaves nothing behind and runs again from the start, and a finished job
is never written twice (the job row is locked and its status read first).
"""

import datetime as dt
import logging
import time
import uuid
from pathlib import PurePath

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cells.models import Organization
from common.audit import audit_context
from common.cell_versions import cells_changed
from members import imports
from members.access import scope_for
from members.models import CellMembership, Member, MemberImport, MemberStatus, MemberStatusChange, Role, User
from members.services import user_phone_from_record

logger = logging.getLogger(__name__)

BATCH = 500
PROGRESS_TTL = 6 * 3600
# A running job that reported no progress for this long may be started again by its owner.
STALE_AFTER = dt.timedelta(minutes=10)


# --- Progress (in the cache: the write is one transaction, invisible until it commits) ----------

def _progress_key(public_id) -> str:
    # The public id, not the row id: row ids start again in a new database, the cache does not.
    return f"member-import:{public_id}:progress"


def _report(public_id, done: int) -> None:
    try:
        cache.set(_progress_key(public_id), {"done": done, "at": time.time()}, PROGRESS_TTL)
    except Exception:  # progress is a courtesy: a cache outage must not stop an import
        logger.warning("could not store the progress of member import %s", public_id, exc_info=True)


def import_progress(job: MemberImport) -> tuple[int, float | None]:
    """(rows done, when last reported as a Unix time) of a running job."""
    try:
        value = cache.get(_progress_key(job.public_id))
    except Exception:
        value = None
    if value:
        return min(value["done"], job.rows_total or value["done"]), value["at"]
    return job.rows_done, None


def import_is_stale(job: MemberImport, now: dt.datetime | None = None) -> bool:
    if not job.is_running:
        return False
    now = now or timezone.now()
    _, reported = import_progress(job)
    last = max(job.updated_at, dt.datetime.fromtimestamp(reported, tz=dt.UTC)) if reported else job.updated_at
    return now - last > STALE_AFTER


# --- Start, check, confirm ------------------------------------------------------------------------

def _enqueue(task_name: str, job_id: int) -> None:
    from members import tasks  # tasks call these services: import late to avoid a cycle

    task = getattr(tasks, task_name)
    # robust: with the broker down the job stays waiting, and the page offers to run it again.
    transaction.on_commit(lambda: task.delay(job_id), robust=True)


def _forget_file(job: MemberImport) -> None:
    """The upload holds personal data: it is deleted once the job needs it no more."""
    name = job.file.name
    if name:
        job.file = ""
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def member_import_start(*, cell: Organization, name: str, data: bytes, actor: User) -> MemberImport:
    """Store an upload and check it (now if small, in the background if large)."""
    imports.check_upload(name, data[:4096], len(data))
    estimate = imports.estimate_rows(name, data)
    suffix = PurePath(name).suffix.lower()
    job = MemberImport(
        cell=cell, created_by=actor, original_name=PurePath(name).name[:255],
        in_background=estimate > imports.BACKGROUND_ROWS, rows_total=estimate,
    )
    # The stored name is random: the original may carry a person's name or odd characters.
    job.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    with audit_context(actor):
        job.save()
    if job.in_background:
        _enqueue("check_member_import", job.pk)
    else:
        member_import_check(job_id=job.pk)
        job.refresh_from_db()
    return job


def _read_and_check(job: MemberImport, progress) -> imports.CheckResult:
    with job.file.open("rb") as handle:
        data = handle.read()
    headers, mapping, rows = imports.read_table(job.original_name, data)
    scope = scope_for(job.created_by) if job.created_by_id else None
    return imports.check_rows(cell=job.cell, scope=scope, headers=headers, mapping=mapping, rows=rows,
                              progress=progress)


def member_import_check(*, job_id: int) -> MemberImport | None:
    """Check a stored upload and record every problem; writes nothing but the job."""
    job = MemberImport.objects.select_related("cell", "created_by").filter(pk=job_id).first()
    if job is None or job.status != MemberImport.Status.CHECKING:
        return job  # gone, or already checked: running twice changes nothing
    fields = {"finished_at": None}
    try:
        result = _read_and_check(job, lambda done: _report(job.public_id, done))
    except imports.ImportFileError as error:
        fields.update(status=MemberImport.Status.INVALID, errors=[error.as_problem()], warnings=[], preview=[])
    except Exception as error:
        logger.exception("member import %s could not be checked", job.pk)
        fields.update(status=MemberImport.Status.FAILED, errors=[_unexpected(error)], warnings=[], preview=[])
    else:
        counts = result.counts
        fields.update(
            status=MemberImport.Status.INVALID if result.errors else MemberImport.Status.READY,
            rows_total=result.rows_total, rows_done=result.rows_total,
            errors=result.errors, warnings=result.warnings, preview=result.preview(),
            created_count=counts["create"], updated_count=counts["update"], unchanged_count=counts["unchanged"],
        )
    with transaction.atomic():
        locked = MemberImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != MemberImport.Status.CHECKING:
            return locked
        for name, value in fields.items():
            setattr(locked, name, value)
        if locked.status == MemberImport.Status.INVALID:
            locked.finished_at = timezone.now()
            _forget_file(locked)
        locked.save()
    return locked


def _unexpected(error: Exception) -> dict:
    return imports.problem(None, "", "", "unexpected", value=type(error).__name__)


@transaction.atomic
def member_import_confirm(*, job: MemberImport, actor: User) -> MemberImport:
    """The secretary read the preview and asks for the write."""
    claimed = MemberImport.objects.filter(pk=job.pk, status=MemberImport.Status.READY).update(
        status=MemberImport.Status.IMPORTING, rows_done=0, updated_at=timezone.now(),
    )
    if not claimed:
        raise ValidationError(_("This import is not ready to be written."))
    if job.in_background:
        _enqueue("apply_member_import", job.pk)
    else:
        member_import_apply(job_id=job.pk)
    job.refresh_from_db()
    return job


@transaction.atomic
def member_import_retry(*, job: MemberImport, actor: User) -> MemberImport:
    """Start again a job that failed or stopped reporting progress (its worker died)."""
    job = MemberImport.objects.select_for_update().get(pk=job.pk)
    if not job.file:
        raise ValidationError(_("The file of this import is no longer kept; upload it again."))
    if job.status == MemberImport.Status.FAILED or (
        job.status == MemberImport.Status.CHECKING and import_is_stale(job)
    ):
        job.status, job.errors = MemberImport.Status.CHECKING, []
        job.save(update_fields=["status", "errors", "updated_at"])
        if job.in_background:
            _enqueue("check_member_import", job.pk)
        else:
            member_import_check(job_id=job.pk)
            job.refresh_from_db()
    elif job.status == MemberImport.Status.IMPORTING and import_is_stale(job):
        job.save(update_fields=["updated_at"])
        _enqueue("apply_member_import", job.pk)
    else:
        raise ValidationError(_("This import is still running."))
    return job


@transaction.atomic
def member_import_cancel(*, job: MemberImport, actor: User) -> MemberImport:
    """The secretary does not import this file after all: its copy is deleted."""
    job = MemberImport.objects.select_for_update().get(pk=job.pk)
    if job.status != MemberImport.Status.READY:
        raise ValidationError(_("Only an import waiting for confirmation can be cancelled."))
    job.status, job.finished_at = MemberImport.Status.CANCELLED, timezone.now()
    _forget_file(job)
    job.save()
    return job


def member_imports_forget_stale(*, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Uploads left waiting (never confirmed) or failed are not kept for ever: they hold
    personal data. Returns how many files were deleted. Run daily (see members.tasks)."""
    cutoff = timezone.now() - older_than
    forgotten = 0
    stale = MemberImport.objects.filter(
        status__in=(MemberImport.Status.READY, MemberImport.Status.FAILED), updated_at__lt=cutoff,
    ).exclude(file="").values_list("pk", flat=True)
    for job_id in stale:
        with transaction.atomic():
            job = MemberImport.objects.select_for_update().filter(pk=job_id, updated_at__lt=cutoff).first()
            if job is None or not job.file:
                continue
            if job.status == MemberImport.Status.READY:
                job.status = MemberImport.Status.CANCELLED
            job.finished_at = job.finished_at or timezone.now()
            _forget_file(job)
            job.save()
            forgotten += 1
    return forgotten


# --- Apply -------------------------------------------------------------------------------------

class _RowsRefused(Exception):
    def __init__(self, problems):
        super().__init__("rows refused")
        self.problems = problems


def member_import_apply(*, job_id: int) -> MemberImport | None:
    """Write a confirmed import in one transaction; a second run finds it done and returns."""
    try:
        return _apply(job_id)
    except Exception as error:
        logger.exception("member import %s could not be written", job_id)
        MemberImport.objects.filter(pk=job_id, status=MemberImport.Status.IMPORTING).update(
            status=MemberImport.Status.FAILED, errors=[_unexpected(error)], finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return MemberImport.objects.filter(pk=job_id).first()


def _apply(job_id: int) -> MemberImport | None:
    with transaction.atomic():
        job = (
            MemberImport.objects.select_for_update(of=("self",)).select_related("cell", "created_by")
            .filter(pk=job_id).first()
        )
        if job is None or job.status != MemberImport.Status.IMPORTING:
            return job  # done already (or never confirmed): nothing to do
        total = max(job.rows_total, 1)
        # The file is checked again: the rolls may have changed since the preview.
        try:
            result = _read_and_check(job, lambda done: _report(job.public_id, done // 2))
        except imports.ImportFileError as error:
            result = imports.CheckResult(errors=[error.as_problem()])
        if result.errors:
            job.status, job.errors, job.warnings = MemberImport.Status.INVALID, result.errors, result.warnings
            job.finished_at = timezone.now()
            _forget_file(job)
            job.save()
            return job
        try:
            with transaction.atomic():
                created, updated = _write(job, result.rows, lambda done: _report(job.public_id, total // 2 + done // 2))
        except _RowsRefused as refused:
            job.status, job.errors = MemberImport.Status.INVALID, refused.problems
            job.finished_at = timezone.now()
            _forget_file(job)
            job.save()
            return job
        job.status = MemberImport.Status.DONE
        job.created_count, job.updated_count = created, updated
        job.unchanged_count = len(result.rows) - created - updated
        job.rows_total = job.rows_done = result.rows_total
        job.errors, job.warnings, job.preview = [], result.warnings, result.preview()
        job.finished_at = timezone.now()
        _forget_file(job)
        job.save()
        _report(job.public_id, job.rows_total)
        return job


def _validated(member: Member, line: int, problems: list) -> None:
    # Uniqueness and the table's checks were settled by the file check, for all rows at once.
    try:
        member.full_clean(exclude=["search_name", "user"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            column = imports.COLUMNS_BY_KEY.get(field_name)
            problems.append(imports.problem(line, "", str(column.label) if column else field_name, "unexpected",
                                            value="; ".join(messages)))


def _history(values: dict, status: str, today: dt.date) -> list[tuple[str, dt.date]]:
    """The steps a file tells of: admitted, recognised, exempted."""
    steps = []
    if values.get("admission_date"):
        steps.append((MemberStatus.PROBATIONARY, values["admission_date"]))
    if values.get("official_date"):
        steps.append((MemberStatus.OFFICIAL, values["official_date"]))
    if status == MemberStatus.EXEMPT:
        steps.append((MemberStatus.EXEMPT, today))
    return steps or [(MemberStatus.PROBATIONARY, today)]


def _write(job: MemberImport, rows: list[imports.CleanRow], progress) -> tuple[int, int]:
    today = timezone.localdate()
    actor = job.created_by
    language = actor.language if actor else "vi"
    with translation.override(language):
        note = _("Imported from the file %(name)s") % {"name": job.original_name}
    problems: list = []
    done = created = updated = 0
    creates = [r for r in rows if r.action == "create"]
    changes = [r for r in rows if r.action == "update"]
    with audit_context(actor):
        for start in range(0, len(creates), BATCH):
            batch = creates[start:start + BATCH]
            members, histories = [], []
            for row in batch:
                status = row.status or (MemberStatus.OFFICIAL if row.values.get("official_date")
                                        else MemberStatus.PROBATIONARY)
                steps = _history(row.values, status, today)
                member = Member(**row.values, status=status, status_since=steps[-1][1])
                _validated(member, row.line, problems)
                members.append(member)
                histories.append(steps)
            if problems:
                raise _RowsRefused(problems)
            Member.objects.bulk_create(members)
            MemberStatusChange.objects.bulk_create([
                MemberStatusChange(member=m, status=s, effective_date=d, note=note, recorded_by=actor)
                for m, steps in zip(members, histories, strict=True) for s, d in steps
            ])
            CellMembership.objects.bulk_create([
                CellMembership(member=m, cell=job.cell, kind=CellMembership.Kind.HOME, role=Role.MEMBER,
                               start_date=today)
                for m in members
            ])
            created += len(batch)
            done += len(batch)
            progress(done)
        for start in range(0, len(changes), BATCH):
            batch = changes[start:start + BATCH]
            by_id = Member.objects.in_bulk([r.member_id for r in batch])
            fields = set()
            for row in batch:
                member = by_id[row.member_id]
                for name, value in row.changes.items():
                    setattr(member, name, value)
                fields |= set(row.changes)
                member.updated_at = timezone.now()
                _validated(member, row.line, problems)
            if problems:
                raise _RowsRefused(problems)
            Member.objects.bulk_update(list(by_id.values()), [*sorted(fields), "updated_at"])
            for row in batch:  # an account signs in with its record's number
                if "phone" in row.changes and by_id[row.member_id].user_id:
                    user_phone_from_record(member=by_id[row.member_id])
            updated += len(batch)
            done += len(batch)
            progress(done)
    cells_changed([job.cell_id])  # its pages count and name its members
    return created, updated
