"""Uploaded product sheets kept between their preview and their import, and the big ones checked
and imported in the background.

Every upload kept for a confirmation (models/exports/product_sheet/pending.py holds its bytes) has
a `SheetUpload` row: when it was kept, by whom, where it stands. A sheet of at most
`PRODUCT_IMPORT_BACKGROUND_ROWS` rows (default 500) is checked and imported in the request, as
before (status "kept" until imported). A bigger one is checked and imported by Huey tasks
(tasks/product_import.py), each step queued through an outbox row written with its state change
and claimed by a conditional UPDATE, so a step queued twice runs once:

    to_check ──▶ checking ──▶ checked ──Import──▶ to_import ──▶ importing ──▶ imported
                                                                         └──▶ refused / failed

The import is `import_products` (one transaction, all rows or none), the same as in the request.
The preview of a big sheet is kept on the row as a summary (the counts, the file's problems and
the rows in error, at most SHOWN_ERRORS of them), for the status page the admin polls.

`sweep_uploads` (hourly) deletes the file and the row of every upload older than
`SHEET_UPLOAD_KEEP_HOURS` (default 24) that is not being worked on: previewed and never
imported, or finished; it fails a step whose worker died and names the steps whose task was lost,
for the caller to queue again. A successful import deletes its file at once.
"""

import logging
import secrets
from contextlib import nullcontext
from dataclasses import asdict
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
)

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.db import db
from models.errors import DomainError
from models.exports.product_sheet import pending
from models.exports.product_sheet.applying import ImportRefused, import_products
from models.exports.product_sheet.checking import Preview, check_file
from models.exports.product_sheet.reading import UnreadableFile, read_rows
from models.messaging.outbox import add_work

log = logging.getLogger(__name__)

KIND = "product_import"  # the outbox rows that queue a step (tasks/product_import.py)
SHOWN_ERRORS = 200  # rows in error kept for the status page
STALLED = timedelta(hours=1)  # a step running longer than this lost its worker
LOST = timedelta(minutes=10)  # a step still waiting after this has its task queued again

STATUS_LABELS = {
    "kept": _l("Checked"),
    "to_check": _l("Waiting to be checked"),
    "checking": _l("Checking the file"),
    "checked": _l("Checked"),
    "to_import": _l("Waiting to be imported"),
    "importing": _l("Importing"),
    "imported": _l("Imported"),
    "refused": _l("Not imported"),
    "failed": _l("Failed"),
}
WAITING = {"to_check": "checking", "to_import": "importing"}  # a step: waiting -> running
BUSY = ("to_check", "checking", "to_import", "importing")


class SheetUpload(BaseModel):
    token = CharField(max_length=64, unique=True)  # pending.py's name for the file
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    locale = CharField(max_length=16, default="")  # the language of the preview's messages
    rows = IntegerField(default=0)  # the file's products (rows below the header)
    status = CharField(max_length=16, default="kept")  # STATUS_LABELS
    only_valid = BooleanField(default=False)
    preview = JSONField(null=True)  # a big sheet's preview summary (`_summary`)
    result = JSONField(null=True)  # what the import did (ImportResult) or why it refused
    error = TextField(default="")  # why a step failed, for whoever investigates
    created_at = DateTimeField(default=utcnow)
    queued_at = DateTimeField(null=True)  # when its waiting step was queued
    started_at = DateTimeField(null=True)  # of the step running or last run
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "sheet_upload"
        indexes = ((("created_at",), False),)

    @property
    def is_open(self) -> bool:
        return self.status in BUSY

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def state(self) -> str:
        """What the status page shows: its poll is answered 204 while this is unchanged."""
        return self.status


class UploadMoved(DomainError):
    message = _l("This import has moved on meanwhile. Reload to see it.")


def background_rows() -> int:
    return current_app.config["PRODUCT_IMPORT_BACKGROUND_ROWS"]


def keep_hours() -> int:
    return current_app.config["SHEET_UPLOAD_KEEP_HOURS"]


def count_rows(data: bytes) -> int:
    """The products (rows below the header) of an upload; 0 when it cannot be read (the
    preview in the request says why)."""
    try:
        return max(len(read_rows(data)) - 1, 0)
    except UnreadableFile:
        return 0


def in_background(rows: int) -> bool:
    return rows > background_rows()


def keep_upload(data: bytes, by: User | None, rows: int = 0) -> str:
    """Keep a sheet previewed in the request until it is imported (or swept); its token."""
    token = pending.keep(data)
    SheetUpload.create(token=token, user=by, rows=rows)
    return token


def forget_upload(token: str) -> None:
    """The sheet was imported: its file and its row go."""
    pending.forget(token)
    SheetUpload.delete().where(SheetUpload.token == token).execute()


def start_check(data: bytes, by: User | None, rows: int, locale: str) -> SheetUpload:
    """Keep a big sheet and queue its check once the row is committed."""
    token = pending.keep(data)
    with db.atomic():
        upload = SheetUpload.create(
            token=token, user=by, rows=rows, locale=locale, status="to_check", queued_at=utcnow()
        )
        add_work(KIND, f"sheet.{upload.id}.check", {"upload": upload.id})
    return upload


def start_import(upload: SheetUpload, *, only_valid: bool, by: User | None) -> SheetUpload:
    """Queue the import of a checked sheet, or again of one refused (the catalog moved since
    the check); once, however many press Import. Raises UploadMoved."""
    with db.atomic():
        moved = (
            SheetUpload.update(
                status="to_import", only_valid=only_valid, user=by, queued_at=utcnow()
            )
            .where(SheetUpload.id == upload.id, SheetUpload.status.in_(("checked", "refused")))
            .execute()
        )
        if moved != 1:
            raise UploadMoved()
        key = f"sheet.{upload.id}.import.{secrets.token_hex(8)}"  # again after a refusal
        add_work(KIND, key, {"upload": upload.id})
    return SheetUpload.get_by_id(upload.id)


def upload_for(upload_id: int) -> SheetUpload | None:
    return SheetUpload.get_or_none(SheetUpload.id == upload_id)


def run_step(upload_id: int) -> str | None:
    """Do the step the upload waits for (check or import); the status it ends in, None when
    it waited for none (done already, or taken by another worker)."""
    upload = upload_for(upload_id)
    if upload is None or upload.status not in WAITING:
        return None
    running = WAITING[upload.status]
    claimed = (
        SheetUpload.update(status=running, started_at=utcnow(), finished_at=None)
        .where(SheetUpload.id == upload_id, SheetUpload.status == upload.status)
        .execute()
    )
    if claimed != 1:
        return None
    data = pending.kept(upload.token)
    if data is None:
        return _finish(upload_id, running, "failed", error="the uploaded file is no longer kept")
    try:
        with force_locale(upload.locale) if upload.locale else nullcontext():
            if running == "checking":
                return _check(upload_id, data)
            return _import(upload, data)
    except Exception as error:  # kept on the row for the status page
        log.exception("product sheet %s: %s failed", upload_id, running)
        return _finish(upload_id, running, "failed", error=f"{type(error).__name__}: {error}")


def _check(upload_id: int, data: bytes) -> str:
    preview = check_file(data)
    return _finish(upload_id, "checking", "checked", preview=_summary(preview))


def _import(upload: SheetUpload, data: bytes) -> str:
    try:
        result = import_products(data, only_valid=upload.only_valid, by=upload.user)
    except ImportRefused as refused:
        changes = {"result": {"refusal": str(refused)}}
        if refused.details.get("preview") is not None:  # the catalog moved since the check
            changes["preview"] = _summary(refused.details["preview"])
        return _finish(upload.id, "importing", "refused", **changes)
    status = _finish(upload.id, "importing", "imported", result=asdict(result))
    pending.forget(upload.token)
    return status


def _finish(upload_id: int, running: str, status: str, **changes) -> str:
    if "error" in changes:
        changes["error"] = changes["error"][:2000]
    SheetUpload.update(status=status, finished_at=utcnow(), **changes).where(
        SheetUpload.id == upload_id, SheetUpload.status == running
    ).execute()
    return status


def _summary(preview: Preview) -> dict:
    """What the status page shows of a preview: counts, the file's problems, the rows in error
    (at most SHOWN_ERRORS), each error with its column's header."""
    labels = {column.key: str(column.label) for column in preview.columns}
    failed = [row for row in preview.rows if row.errors]
    return {
        "problems": [str(problem) for problem in preview.problems],
        "counts": {a: preview.count(a) for a in ("new", "changed", "unchanged", "error")},
        "rows": len(preview.rows),
        "importable": len(preview.importable),
        "valid": preview.valid,
        "errors": [
            {
                "line": row.line,
                "sku": row.cells.get("sku", ""),
                "name": row.cells.get("name", ""),
                "messages": [
                    [labels.get(key, "") if key else "", str(message)]
                    for key, messages in row.errors.items()
                    for message in messages
                ],
            }
            for row in failed[:SHOWN_ERRORS]
        ],
    }


def sweep_uploads(now=None) -> list[int]:
    """Fail steps whose worker died; delete the files and rows of uploads older than
    SHEET_UPLOAD_KEEP_HOURS not being worked on. The ids of uploads whose step still waits
    after LOST, for the caller to queue again."""
    now = now or utcnow()
    for running in WAITING.values():
        SheetUpload.update(
            status="failed",
            finished_at=now,
            error="interrupted: the worker stopped before the step was complete",
        ).where(SheetUpload.status == running, SheetUpload.started_at < now - STALLED).execute()
    old = SheetUpload.select().where(
        SheetUpload.created_at < now - timedelta(hours=keep_hours()),
        SheetUpload.status.not_in(BUSY),
    )
    for upload in old:
        pending.forget(upload.token)
        upload.delete_instance()
    _forget_unrecorded(now - timedelta(hours=keep_hours()))
    lost = (
        SheetUpload.select(SheetUpload.id)
        .where(SheetUpload.status.in_(list(WAITING)), SheetUpload.queued_at < now - LOST)
        .order_by(SheetUpload.id)
    )
    return [upload.id for upload in lost]


def _forget_unrecorded(cutoff) -> None:
    """Files kept before `cutoff` that no row records (kept before migration 0068, or whose
    row went without them): deleted."""
    tokens = pending.kept_before(cutoff)
    recorded = {
        token
        for (token,) in SheetUpload.select(SheetUpload.token)
        .where(SheetUpload.token.in_(tokens))
        .tuples()
    }
    for token in tokens:
        if token not in recorded:
            pending.forget(token)
