"""/admin/audit: the audit log for admins, filtered by person, kind, dates and words, in keyset
pages ("Older" carries the last id shown), and as CSV. The log is read-only here: there is no
route that changes or deletes an entry (models/audit/log.py)."""

import json
from datetime import date, datetime

from flask import Blueprint, Response, request, stream_with_context
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.params import arg_date, arg_id
from blueprints.rendering import render
from models.audit.log import record
from models.audit.queries import AuditFilter, entries, every_entry, kinds, people
from models.db import db
from models.exports.table import ExportTable, csv_chunks
from models.shop_time import shop_zone

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PAGE, TABLE = "audit/index.html", "audit/_table.html"
CSV_HEADER = [
    "id",
    "at_utc",
    "person",
    "person_id",
    "address",
    "kind",
    "subject",
    "before",
    "after",
]


def _date(name: str, errors: dict) -> date | None:
    day = arg_date(name)
    if day is None and request.args.get(name, "").strip():
        errors[name] = _("Enter a date like 2026-03-01.")
    return day


def _filter() -> tuple[AuditFilter, dict]:
    errors: dict = {}
    where = AuditFilter(
        person=arg_id("person"),
        kind=request.args.get("kind", "").strip()[:48],
        since=_date("since", errors),
        until=_date("until", errors),
        words=request.args.get("q", "").strip()[:100],
    )
    return where, errors


@bp.get("")
@role_required("admin")
def index():
    where, errors = _filter()
    rows, next_cursor = entries(where, older_than=arg_id("older_than"))
    return render(
        PAGE,
        TABLE,
        422 if errors else 200,
        rows=rows,
        next_cursor=next_cursor,
        where=where,
        errors=errors,
        args={k: v for k, v in request.args.items() if k != "older_than"},
        paged="older_than" in request.args,
        kinds=kinds(),
        people=people(),
    )


@bp.get("/audit.csv")
@role_required("admin")
def export():
    """The matching entries as CSV; the export is itself an entry."""
    where, _errors = _filter()
    with db.atomic():
        record("audit.exported", "audit.csv", after={k: v for k, v in request.args.items()})
    rows = (_csv_row(entry) for entry in every_entry(where))
    stamp = datetime.now(shop_zone()).strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(csv_chunks(ExportTable(CSV_HEADER, rows))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )


def _csv_row(e) -> list:
    at, before, after = e.at.isoformat(), _json(e.before), _json(e.after)
    return [e.id, at, e.actor_name, e.actor_id or "", e.address, e.kind, e.subject, before, after]


def _json(values) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)
