"""The after-sales queue as a spreadsheet: the cases a CaseFilter selects, one row each, for the
CSV and XLSX writers of models/exports/table.py (formula-safe cells, a BOM for Excel).

Rows are read in batches of BATCH by ascending id (keyset), each batch bringing its lines and
assignees in one query each, so a large export holds one batch in memory."""

from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from models.accounts.user import User
from models.aftersales.case import AfterSalesCase, CaseLine
from models.aftersales.queue import CaseFilter
from models.aftersales.sla import is_overdue
from models.audit.log import record
from models.base import utcnow
from models.customers.phones import format_phone
from models.db import db
from models.exports.table import ExportTable, shop_time
from models.money import amount
from models.orders.order import OrderLine
from models.orders.text import lines_text

BATCH = 500


def case_columns() -> list[str]:
    return [
        _("Case number"),
        _("Order number"),
        _("Customer"),
        _("Phone"),
        _("Type"),
        _("Status"),
        _("Reason"),
        _("Details"),
        _("Items"),
        _("Value (yuan)"),
        _("Assigned to"),
        _("Opened"),
        _("First answer"),
        _("Closed"),
        _("Overdue"),
    ]


def case_table(case_filter: CaseFilter) -> ExportTable:
    """Every case `case_filter` selects (all pages), oldest number first, read lazily."""
    return ExportTable(case_columns(), _rows(case_filter.first_page().query()))


def log_case_download(what: str, query: str) -> None:
    """Someone downloaded the cases `query` (a queue filter) selects: an audit entry."""
    with db.atomic():
        record("aftersales.downloaded", what, after={"filter": query})


def _rows(query):
    zone = ZoneInfo(current_app.config["SHOP_TIMEZONE"])
    names = dict(User.select(User.id, User.name).tuples())
    now, last_id = utcnow(), 0
    while True:
        batch = list(
            query.where(AfterSalesCase.id > last_id).order_by(AfterSalesCase.id).limit(BATCH)
        )
        if not batch:
            return
        last_id = batch[-1].id
        lines: dict[int, list[CaseLine]] = {}
        for line in (
            CaseLine.select(CaseLine, OrderLine)
            .join(OrderLine)
            .where(CaseLine.case.in_([case.id for case in batch]))
            .order_by(CaseLine.id)
        ):
            lines.setdefault(line.case_id, []).append(line)
        for case in batch:
            yield _row(case, lines.get(case.id, []), names, zone, now)


def _row(case, lines, names, zone, now) -> list:
    def when(value):
        return shop_time(value, zone) if value else ""

    return [
        case.code,
        case.order.number,
        case.order.customer.name,
        format_phone(case.order.customer.phone),
        str(case.kind_label),
        str(case.status_label),
        case.reason,
        case.details,
        lines_text((line.line.name, line.quantity) for line in lines),
        amount(sum(line.line.unit_price * line.quantity for line in lines)),
        names.get(case.assignee_id, ""),
        when(case.created_at),
        when(case.first_answer_at),
        when(case.closed_at),
        _("Yes") if is_overdue(case, now) else "",
    ]
