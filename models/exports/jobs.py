"""Spreadsheet exports built in the background: a staff member asks, a Huey task writes the
file, the status page polls until it can be downloaded.

`start_export` records the job with an "export" outbox row in one transaction; the outbox worker
queues `tasks/exports.py build_export` for it (a failed enqueue is retried like any outbox row);
`run_export` claims it (queued -> running, a conditional UPDATE, so a repeated task does
nothing), writes the rows with models/exports/table.py into `<token>.<format>.part` and renames it
when complete, so a half-written file is never served. `sweep_exports` (every few minutes)
queues jobs whose task was lost, fails jobs whose worker died and deletes jobs and their
files after KEEP.

One export runs at a time: a 100,000-order XLSX keeps a worker busy for over a minute, and
the consumer's other thread must stay free for notifications. The claim only succeeds while
no other job is running (on SQLite strictly, as writes are serialised; on PostgreSQL two
claims at the same instant may both succeed, which is harmless).
"""

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn
from werkzeug.datastructures import MultiDict

from models.accounts.user import User
from models.audit.log import record
from models.base import BaseModel, utcnow
from models.board.filters import OrderFilter
from models.db import db
from models.exports.table import ExportTable, csv_chunks, export_table, write_xlsx
from models.messaging.outbox import add_work

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")
KEEP = timedelta(hours=24)  # files and jobs are deleted after this
LOST = timedelta(minutes=10)  # a job still queued after this has its task queued again
STALLED = timedelta(hours=1)  # a job running longer than this lost its worker
PROGRESS_EVERY = 5_000  # rows between two progress updates on the job
RECENT = 10

STATUS_LABELS = {
    "queued": _l("Waiting to start"),
    "running": _l("Preparing"),
    "done": _l("Ready"),
    "failed": _l("Failed"),
}


class ExportJob(BaseModel):
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

    user = ForeignKeyField(User, backref="export_jobs", on_delete="CASCADE")
    format = CharField(max_length=8)  # "xlsx" or "csv"
    query = TextField(default="")  # the board filter's URL arguments, e.g. "status=pending"
    locale = CharField(max_length=16)  # the language of the headers and labels
    status = CharField(max_length=16, default="queued")
    row_count = IntegerField(default=0)  # rows written so far; all of them once done
    file_name = CharField(max_length=64)  # in export_dir(): "<random token>.<format>"
    error = TextField(default="")  # why it failed, for whoever investigates (not translated)
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "created_at"), False), (("status", "created_at"), False))

    @property
    def is_open(self) -> bool:
        return self.status in (self.QUEUED, self.RUNNING)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def state(self) -> str:
        """Changes whenever the status page would show something else (its poll compares it)."""
        return f"{self.status}:{self.row_count}"

    @property
    def path(self) -> Path:
        return export_dir() / self.file_name

    def order_filter(self) -> OrderFilter:
        return OrderFilter.from_args(MultiDict(parse_qsl(self.query)), self.user)

    def may_be_seen_by(self, user) -> bool:
        return self.user_id == user.id or user.is_admin


def export_dir() -> Path:
    """Where finished exports are kept: EXPORT_DIR, else instance/exports."""
    configured = current_app.config.get("EXPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "exports"


def start_export(user: User, args, fmt: str) -> ExportJob:
    """Record an export of the orders `args` (board filter arguments) select, in the current
    page's language, and queue it once the job is committed."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    query = urlencode(OrderFilter.from_args(args, user).to_args())
    with db.atomic():
        job = ExportJob.create(
            user=user.id,
            format=fmt,
            query=query,
            locale=str(get_locale()),
            file_name=f"{secrets.token_hex(16)}.{fmt}",
        )
        add_work("export", f"export.{job.id}", {"job": job.id})
        record("orders.export_started", f"{fmt} #{job.id}", after={"filter": query})
    return job


def log_download(what: str, query: str) -> None:
    """Someone downloaded the orders `query` selects (a file or a streamed CSV): an audit entry."""
    with db.atomic():
        record("orders.downloaded", what, after={"filter": query})


def job_for(user, job_id: int) -> ExportJob | None:
    """The job, when `user` may see it (their own, or any for an admin)."""
    job = ExportJob.get_or_none(ExportJob.id == job_id)
    return job if job is not None and job.may_be_seen_by(user) else None


def recent_exports(user, limit: int = RECENT) -> list[ExportJob]:
    jobs = ExportJob.select().where(ExportJob.user == user.id)
    return list(jobs.order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit))


class ExportBusy(Exception):
    """Another export is running; try this one again shortly."""


def run_export(job_id: int) -> bool:
    """Write the job's file; True when it is done now. A job that is no longer queued (done,
    or taken by another worker) is left alone; ExportBusy while another export runs."""
    if not _claim(job_id):
        return False
    job = ExportJob.get_by_id(job_id)
    part = job.path.with_name(job.file_name + ".part")
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        with force_locale(job.locale):
            table = export_table(job.order_filter().query())
            progress = _Progress(job.id)
            _write(job.format, ExportTable(table.header, progress.count(table.rows)), part)
        os.replace(part, job.path)
    except Exception as error:  # kept on the job for the status page
        log.exception("export %s failed", job_id)
        part.unlink(missing_ok=True)
        _finish(job_id, ExportJob.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
        return False
    _finish(job_id, ExportJob.DONE, row_count=progress.rows)
    return True


def _claim(job_id: int) -> bool:
    now = utcnow()
    other = ExportJob.alias()
    running = other.select(other.id).where(
        other.status == ExportJob.RUNNING, other.started_at >= now - STALLED
    )
    claimed = (
        ExportJob.update(status=ExportJob.RUNNING, started_at=now)
        .where(ExportJob.id == job_id, ExportJob.status == ExportJob.QUEUED, ~fn.EXISTS(running))
        .execute()
    )
    if claimed:
        return True
    job = ExportJob.get_or_none(ExportJob.id == job_id)
    if job is not None and job.status == ExportJob.QUEUED:
        raise ExportBusy()
    return False


def _write(fmt: str, table: ExportTable, target: Path) -> None:
    if fmt == "xlsx":
        write_xlsx(table, target)
    else:
        with open(target, "wb") as file:
            file.writelines(csv_chunks(table))


class _Progress:
    """Counts the rows as the writer takes them and records the count every PROGRESS_EVERY."""

    def __init__(self, job_id: int):
        self.job_id, self.rows = job_id, 0

    def count(self, rows):
        for row in rows:
            yield row
            self.rows += 1
            if self.rows % PROGRESS_EVERY == 0:
                ExportJob.update(row_count=self.rows).where(
                    ExportJob.id == self.job_id, ExportJob.status == ExportJob.RUNNING
                ).execute()


def _finish(job_id: int, status: str, **changes) -> None:
    ExportJob.update(status=status, finished_at=utcnow(), **changes).where(
        ExportJob.id == job_id, ExportJob.status == ExportJob.RUNNING
    ).execute()


def sweep_exports() -> list[int]:
    """Fail jobs whose worker died, delete jobs (and files) older than KEEP; return the ids of
    jobs still queued after LOST, for the caller to queue again."""
    now = utcnow()
    ExportJob.update(
        status=ExportJob.FAILED,
        finished_at=now,
        error="interrupted: the worker stopped before the file was complete",
    ).where(ExportJob.status == ExportJob.RUNNING, ExportJob.started_at < now - STALLED).execute()
    old = ExportJob.select().where(
        ExportJob.created_at < now - KEEP, ExportJob.status != ExportJob.RUNNING
    )
    for job in old:
        job.path.unlink(missing_ok=True)
        job.path.with_name(job.file_name + ".part").unlink(missing_ok=True)
        job.delete_instance()
    lost = ExportJob.select(ExportJob.id).where(
        ExportJob.status == ExportJob.QUEUED, ExportJob.created_at < now - LOST
    )
    return [job.id for job in lost]
