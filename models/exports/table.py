"""Orders as spreadsheet rows: one table builder for both CSV and XLSX.

The orders are read in batches of BATCH by ascending id (keyset pagination over the board
filter's own query), and each batch brings its customers and lines in one query each, so an
export of 100,000 orders holds one batch in memory at a time.

Columns: the fixed ones (`order_columns`: the order's rating and whether the shop replied to it
among them, read for a whole batch in one query), then one per template field. Fields are grouped by
template (by template id); within a template, fields keep the order of the newest exported
version, followed by fields that only older versions had, newest version first. A field is
known by its name, headed by its label in the newest version that has it, prefixed with the
template's title when the export spans several templates. Section headings hold no answer
and get no column.
"""

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from peewee import fn

from models.activities.fields import field_type
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate, FormTemplateVersion
from models.customers.customer import Customer
from models.customers.phones import format_phone
from models.money import amount
from models.orders.order import Order, OrderLine
from models.orders.status import PAYMENT_LABELS, STATUS_LABELS
from models.orders.text import (
    export_cell,
    lines_text,
    product_names,
)
from models.ratings.rating import Rating

BATCH = 500
MONEY_FORMAT = "0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def order_columns() -> list[str]:
    """Headers of the fixed columns, in the page's language."""
    return [
        _("Order number"),
        _("Activity"),
        _("Form version"),
        _("Status"),
        _("Payment"),
        _("Placed"),
        _("Last change"),
        _("Customer"),
        _("Phone"),
        _("Pickup point"),
        _("Delivery address"),
        _("Items"),
        _("Subtotal (yuan)"),
        _("Delivery fee (yuan)"),
        _("Total (yuan)"),
        _("Rating (stars)"),
        _("Shop replied"),
    ]


@dataclass(frozen=True)
class FieldColumn:
    template_id: int
    name: str
    header: str


@dataclass
class ExportTable:
    header: list[str]
    rows: object  # an iterator of row lists, read lazily


def shop_time(stored: datetime, zone: ZoneInfo) -> datetime:
    """A stored naive UTC time as naive shop time, to the second (what a spreadsheet holds)."""
    return stored.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None, microsecond=0)


def export_table(orders) -> ExportTable:
    """The header and the lazily read rows for `orders` (a Select of Order, e.g. a board
    filter's query). Cells are str, int, Decimal (yuan) or datetime (shop time). Orders
    placed while the export runs are left out, so every row has its version's columns."""
    newest = orders.select(fn.MAX(Order.id)).order_by().scalar() or 0
    orders = orders.where(Order.id <= newest)
    versions = list(
        FormTemplateVersion.select(FormTemplateVersion, FormTemplate)
        .join(FormTemplate)
        .where(FormTemplateVersion.id.in_(orders.select(Order.template_version).order_by()))
        .order_by(FormTemplate.id, FormTemplateVersion.number.desc())
    )
    columns = field_columns(versions)
    header = order_columns() + [column.header for column in columns]
    return ExportTable(header, _rows(orders, _Lookups.load(versions, columns)))


def field_columns(versions: list[FormTemplateVersion]) -> list[FieldColumn]:
    """One column per (template, field name); `versions` by template, newest first."""
    several = len({v.template_id for v in versions}) > 1
    seen, columns = set(), []
    for version in versions:
        for spec in version.fields or []:
            key = (version.template_id, spec["name"])
            if field_type(spec).silent or key in seen:
                continue
            seen.add(key)
            label = spec.get("label") or spec["name"]
            header = f"{version.template.title} · {label}" if several else label
            columns.append(FieldColumn(version.template_id, spec["name"], header))
    return columns


@dataclass(frozen=True)
class _Lookups:
    """What every row needs, looked up once per export."""

    versions: dict[int, FormTemplateVersion]
    specs: dict[int, list[dict | None]]  # version id -> its spec for each field column
    names: dict[int, str]  # product names
    points: dict[int, str]  # pickup point names
    statuses: dict[str, str]
    payments: dict[str, str]
    zone: ZoneInfo
    yes_no: tuple[str, str]

    @classmethod
    def load(cls, versions, columns) -> "_Lookups":
        specs = {}
        for version in versions:
            mine = {spec["name"]: spec for spec in version.fields or []}
            specs[version.id] = [
                mine.get(c.name) if c.template_id == version.template_id else None for c in columns
            ]
        return cls(
            versions={v.id: v for v in versions},
            specs=specs,
            names=product_names(versions),
            points=dict(PickupPoint.select(PickupPoint.id, PickupPoint.name).tuples()),
            statuses={k: str(v) for k, v in STATUS_LABELS.items()},
            payments={k: str(v) for k, v in PAYMENT_LABELS.items()},
            zone=ZoneInfo(current_app.config["SHOP_TIMEZONE"]),
            yes_no=(_("Yes"), _("No")),
        )


def _rows(orders, lookups: _Lookups):
    last_id = 0
    while True:
        batch = list(orders.where(Order.id > last_id).order_by(Order.id).limit(BATCH))
        if not batch:
            return
        last_id = batch[-1].id
        customers = {
            c.id: c
            for c in Customer.select().where(Customer.id.in_({o.customer_id for o in batch}))
        }
        lines: dict[int, list[OrderLine]] = {}
        for line in (
            OrderLine.select()
            .where(OrderLine.order.in_([o.id for o in batch]))
            .order_by(OrderLine.id)
        ):
            lines.setdefault(line.order_id, []).append(line)
        ratings = {
            order_id: (stars, replied)
            for order_id, stars, replied in Rating.select(
                Rating.order, Rating.stars, Rating.replied_at.is_null(False)
            )
            .where(Rating.order.in_([o.id for o in batch]))
            .tuples()
        }
        for order in batch:
            yield order_row(
                order,
                customers[order.customer_id],
                lines.get(order.id, []),
                lookups,
                ratings.get(order.id),
            )


def order_row(order, customer, lines, lookups: _Lookups, rating=None) -> list:
    """One order's cells, in the columns' order; `rating`: its (stars, replied), if rated."""
    stars, replied = rating or ("", None)
    replied = "" if replied is None else lookups.yes_no[0 if replied else 1]
    version = lookups.versions[order.template_version_id]
    answers = order.answers or {}
    fields = [
        export_cell(spec, answers.get(spec["name"]), lookups.names) if spec else ""
        for spec in lookups.specs[version.id]
    ]
    return [
        order.number,
        version.template.title,
        version.number,
        lookups.statuses.get(order.status, order.status),
        lookups.payments.get(order.payment_status, order.payment_status),
        shop_time(order.created_at, lookups.zone),
        shop_time(order.updated_at, lookups.zone),
        customer.name,
        format_phone(customer.phone),
        lookups.points.get(order.pickup_point_id, ""),
        order.address,
        lines_text((line.name, line.quantity) for line in lines),
        amount(order.subtotal),
        amount(order.delivery_fee),
        amount(order.total),
        stars,
        replied,
        *fields,
    ]


# --- formats ----------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Text as typed, but never a formula: text starting like one gets a leading "'". For the
    header as for the rows: a field's label is typed by an admin, too."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def csv_chunks(table: ExportTable):
    """The table as UTF-8 CSV with a byte-order mark (so Excel reads Chinese), one chunk per
    BATCH rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    writer.writerow([csv_cell(value) for value in table.header])
    yield codecs.BOM_UTF8 + take()
    for count, row in enumerate(table.rows, start=1):
        writer.writerow([csv_cell(value) for value in row])
        if count % BATCH == 0:
            yield take()
    rest = take()
    if rest:
        yield rest


def write_xlsx(table: ExportTable, target, title: str | None = None) -> None:
    """The table as one XLSX sheet (named `title`, by default "Orders") into `target` (a path or
    a binary file), written row by row (openpyxl write-only mode). Text cells, the header's too,
    stay text even when they start with "="."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet((title or _("Orders"))[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, value) for value in table.header])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = TIME_FORMAT
    return cell
