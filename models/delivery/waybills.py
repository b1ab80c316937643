"""Importing a carrier's e-waybill export: a CSV or XLSX file of order numbers and tracking
numbers, read into a preview (each row: its order, or why it cannot be shipped) and then
applied in one transaction, the rows that can be shipped only.

The columns are found by their headings (订单号 / order; 运单号 / 快递单号 / tracking / waybill),
else the first two columns are taken as order number and tracking number.
"""

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from models.db import db
from models.delivery.shipping import (
    SHIPPABLE,
    BadTrackingNumber,
    clean_number,
    ship_order,
)
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.orders.status import OrderStatus

MAX_ROWS = 2000
ORDER_HEADINGS = re.compile(r"订单|order", re.IGNORECASE)
NUMBER_HEADINGS = re.compile(r"运单|快递单|物流单|tracking|waybill", re.IGNORECASE)


class UnreadableFile(DomainError):
    message = _l("This file cannot be read: upload the carrier's CSV or XLSX export.")


@dataclass(frozen=True)
class WaybillRow:
    line: int  # in the file, from 1
    order_number: str
    tracking_number: str
    order: Order | None
    problem: str = ""  # why it will not be shipped ("" : it will)


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The file's rows as text cells. Raises UnreadableFile."""
    try:
        if filename.lower().endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            rows = [
                ["" if c is None else str(c) for c in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        else:
            text = (
                data.decode("utf-8-sig")
                if not data.startswith(b"\xff\xfe")
                else data.decode("utf-16")
            )
            rows = list(csv.reader(io.StringIO(text)))
    except Exception as error:  # any broken upload is the same to the person who sent it
        raise UnreadableFile() from error
    return rows[: MAX_ROWS + 1]


def _columns(header: list[str]) -> tuple[int, int, bool]:
    """(order column, tracking column, whether the first row is a header)."""
    order = next((i for i, h in enumerate(header) if ORDER_HEADINGS.search(h or "")), None)
    number = next((i for i, h in enumerate(header) if NUMBER_HEADINGS.search(h or "")), None)
    if order is not None and number is not None and order != number:
        return order, number, True
    return 0, 1, False


def preview(data: bytes, filename: str) -> list[WaybillRow]:
    rows = [r for r in read_table(data, filename)]
    if not rows:
        return []
    order_col, number_col, headed = _columns(rows[0])
    start = 2 if headed else 1
    wanted = []
    for line, row in enumerate(rows[1:] if headed else rows, start=start):
        cells = row + [""] * 2
        wanted.append((line, cells[order_col].strip().lstrip("#"), cells[number_col].strip()))
    numbers = [int(n) for _, n, _ in wanted if n.isdigit() and len(n) < 10]
    orders = (
        {o.number: o for o in Order.select().where(Order.number.in_(numbers))} if numbers else {}
    )
    return [_checked(line, number, tracking, orders) for line, number, tracking in wanted]


def _checked(line, number, tracking, orders) -> WaybillRow:
    order = orders.get(int(number)) if number.isdigit() and len(number) < 10 else None
    problem = ""
    if order is None:
        problem = str(_l("No such order."))
    elif order.status not in (*SHIPPABLE, OrderStatus.SHIPPED):
        problem = str(_l("The order is %(status)s.", status=OrderStatus(order.status).label))
    else:
        try:
            tracking = clean_number(tracking)
        except BadTrackingNumber as error:
            problem = str(error)
    return WaybillRow(line, number, tracking, order, problem)


def apply_waybills(rows: list[WaybillRow], carrier: str, actor: Actor) -> int:
    """Ship every row without a problem, all in one transaction; how many were shipped."""
    good = [row for row in rows if not row.problem]
    with db.atomic():
        for row in good:
            ship_order(row.order, carrier, row.tracking_number, actor)
    return len(good)
