"""Leaders' commission for admins (/admin/commissions): per leader for a period of shop days,
as a page, CSV or XLSX, and the mark that a leader's period is settled
(models/leaders/commission.py)."""

import io
from datetime import date, timedelta

from flask import Blueprint, Response, flash, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from models.accounts.user import LEADER, User
from models.exports.table import ExportTable, csv_chunks, write_xlsx
from models.leaders.commission import commission_report, settle_commission
from models.money import amount
from models.params import shop_date
from models.shop_time import shop_today

bp = Blueprint("commissions", __name__, url_prefix="/admin/commissions")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(values) -> tuple[date, date]:
    """start and end (shop days) from the request; the last 30 days when missing or bad."""
    today = shop_today()
    start, end = shop_date(values.get("start")), shop_date(values.get("end"))
    if start is None or end is None:
        return today - timedelta(days=29), today
    return (start, end) if start <= end and (end - start).days <= 366 else (end, end)


@bp.get("")
@role_required("admin")
def index():
    start, end = _period(request.args)
    return render(
        "commissions/index.html",
        "commissions/index.html",
        rows=commission_report(start, end),
        start=start,
        end=end,
    )


@bp.get("/commission.<any(csv, xlsx):fmt>")
@role_required("admin")
def download(fmt: str):
    start, end = _period(request.args)
    header = [_("Leader"), _("Orders"), _("Revenue"), _("Refunds"), _("Commission"), _("Settled")]
    rows = [
        [r.leader.name, r.orders, amount(r.revenue), amount(r.refunds), amount(r.commission),
         _("yes") if r.settled else _("no")]
        for r in commission_report(start, end)
    ]  # fmt: skip
    table = ExportTable(header, iter(rows))
    filename = f"commission-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        return Response(
            csv_chunks(table),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    target = io.BytesIO()
    write_xlsx(table, target, _("Commission"))
    target.seek(0)
    return send_file(target, mimetype=XLSX, as_attachment=True, download_name=filename)


@bp.post("/<id:leader_id>/settle")
@role_required("admin")
def settle(leader_id: int):
    leader = or_404(User.get_or_none(User.id == leader_id, User.role == LEADER))
    start, end = _period(request.form)
    settled = settle_commission(leader, start, end, current_user._get_current_object())
    flash(_("%(name)s's commission is marked settled.", name=leader.name))
    return go(url_for(".index", start=settled.start.isoformat(), end=settled.end.isoformat()))
