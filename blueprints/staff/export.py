"""The board's filtered orders as a spreadsheet: CSV streamed at once, or a file (XLSX or CSV)
prepared in the background (models/exports/jobs.py) and downloaded when ready."""

from datetime import datetime
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import or_404, render, wants_fragment
from models.board.filter_summary import filter_summary
from models.board.filters import OrderFilter
from models.exports.jobs import job_for, log_download, recent_exports, start_export
from models.exports.table import csv_chunks, export_table
from models.shop_time import as_utc, shop_zone

bp = Blueprint("export", __name__, url_prefix="/board")

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def _filename(extension: str, at: datetime | None = None) -> str:
    """orders-20260501-1830.csv, in shop time: now, or `at` (a stored UTC time)."""
    when = as_utc(at).astimezone(shop_zone()) if at else datetime.now(shop_zone())
    return f"orders-{when:%Y%m%d-%H%M}.{extension}"


@bp.get("/export.csv")
@role_required("staff")
def orders_csv():
    """Streamed: rows are read and sent batch by batch while the download runs."""
    order_filter = OrderFilter.from_args(request.args, current_user)
    log_download("orders.csv", urlencode(order_filter.to_args()))
    table = export_table(order_filter.query())
    return Response(
        stream_with_context(csv_chunks(table)),
        mimetype=MIMETYPES["csv"],
        headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"'},
    )


@bp.get("/export.xlsx")
@role_required("staff")
def export_page():
    """What the filter selects, the buttons that prepare a file of it, and recent exports."""
    order_filter = OrderFilter.from_args(request.args, current_user)
    return render(
        "export/index.html",
        "export/index.html",
        query=urlencode(order_filter.to_args()),
        summary=filter_summary(order_filter),
        order_count=order_filter.query().count(),
        jobs=recent_exports(current_user),
    )


@bp.post("/export.<any(xlsx, csv):fmt>")
@role_required("staff")
def start(fmt):
    job = start_export(current_user, request.args, fmt)
    return redirect(url_for("export.job", job_id=job.id), 303)


@bp.get("/exports/<id:job_id>")
@role_required("staff")
def job(job_id):
    """The job's status. Its htmx poll sends the state it shows: 204 while that is current."""
    job = or_404(job_for(current_user, job_id))
    if wants_fragment() and request.args.get("shown") == job.state:
        return "", 204
    order_filter = job.order_filter()
    return render(
        "export/job.html",
        "export/_job.html",
        job=job,
        query=urlencode(order_filter.to_args()),
        summary=filter_summary(order_filter),
        jobs=recent_exports(current_user),
    )


@bp.get("/exports/<id:job_id>/download")
@role_required("staff")
def download(job_id):
    job = or_404(job_for(current_user, job_id))
    if job.status != job.DONE or not job.path.is_file():
        abort(404)
    log_download(f"{job.format} #{job.id}", job.query)
    return send_file(
        job.path,
        mimetype=MIMETYPES[job.format],
        as_attachment=True,
        download_name=_filename(job.format, job.created_at),
    )
