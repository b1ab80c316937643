"""Everything the shop holds about one customer (their phone number): their details, orders with
answers, lines, timeline, payments and payment claims, notes on them, and the messages sent to
them, as JSON, and as one ZIP with that JSON and a CSV of the orders."""

import csv
import io
import json
import zipfile
from datetime import datetime

from models.audit.log import record
from models.customers.customer import Customer
from models.db import db
from models.messaging.deliveries import Delivery
from models.orders.order import Note, Order, OrderEvent, OrderLine
from models.orders.payments import Payment
from models.payments.claims import PaymentClaim

ORDER_COLUMNS = [
    "number",
    "created_at_utc",
    "status",
    "payment_status",
    "total_fen",
    "address",
    "lines",
]


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def customer_data(customer: Customer) -> dict:
    """The customer's data as plain JSON-ready values (times in UTC, money in fen)."""
    orders = list(Order.select().where(Order.customer == customer.id).order_by(Order.id))
    ids = [order.id for order in orders]
    by_order = {order.id: _order(order) for order in orders}
    for line in OrderLine.select().where(OrderLine.order.in_(ids)).order_by(OrderLine.id):
        by_order[line.order_id]["lines"].append(
            {"name": line.name, "unit_price_fen": line.unit_price, "quantity": line.quantity}
        )
    for event in OrderEvent.select().where(OrderEvent.order.in_(ids)).order_by(OrderEvent.id):
        by_order[event.order_id]["timeline"].append(
            {
                "at": _time(event.created_at),
                "kind": event.kind,
                "from": event.from_status,
                "to": event.to_status,
                "note": event.note,
            }
        )
    for payment in Payment.select().where(Payment.order.in_(ids)).order_by(Payment.id):
        by_order[payment.order_id]["payments"].append(
            {
                "at": _time(payment.created_at),
                "amount_fen": payment.amount,
                "method": payment.method,
            }
        )
    for claim in PaymentClaim.select().where(PaymentClaim.order.in_(ids)).order_by(PaymentClaim.id):
        by_order[claim.order_id]["payment_claims"].append(
            {
                "at": _time(claim.created_at),
                "amount_fen": claim.amount,
                "method": claim.method,
                "status": claim.status,
            }
        )
    for note in Note.select().where(Note.order.in_(ids)).order_by(Note.id):
        by_order[note.order_id]["notes"].append(
            {"at": _time(note.created_at), "kind": note.kind, "body": note.body}
        )
    return {
        "customer": {
            "name": customer.name,
            "phone": customer.phone,
            "tags": customer.tags,
            "created_at": _time(customer.created_at),
        },
        "orders": list(by_order.values()),
        "messages": _messages(ids),
    }


def _order(order: Order) -> dict:
    return {
        "number": order.number,
        "created_at": _time(order.created_at),
        "status": order.status,
        "payment_status": order.payment_status,
        "subtotal_fen": order.subtotal,
        "delivery_fee_fen": order.delivery_fee,
        "total_fen": order.total,
        "answers": order.answers,  # consents included: each is the box as ticked
        "address": order.address,
        "pickup_starts_at": _time(order.pickup_starts_at),
        "lines": [],
        "timeline": [],
        "payments": [],
        "payment_claims": [],
        "notes": [],
    }


def _messages(order_ids: list[int]) -> list[dict]:
    query = (
        Delivery.select()
        .where(Delivery.order.in_(order_ids), Delivery.audience == "customer")
        .order_by(Delivery.id)
    )
    return [
        {
            "order": d.order_id,
            "channel": d.channel,
            "to": d.recipient,
            "subject": d.subject,
            "body": d.body,
            "sent_at": _time(d.sent_at),
        }
        for d in query
    ]


def data_archive(customer: Customer, *, requested_by: str) -> bytes:
    """The ZIP of `customer_data` (data.json) and the orders (orders.csv); an audit entry says
    who took it (`requested_by`: "staff" or "customer")."""
    with db.atomic():
        data = customer_data(customer)
        record("customer.data_exported", f"customer #{customer.id}", after={"by": requested_by})
    return _zip(data)


def phone_archive(phone: str) -> bytes:
    """What a customer who proved `phone` downloads on /my: their archive, or an empty one when
    the number has no customer (the page looks the same either way)."""
    customer = Customer.get_or_none(Customer.phone == phone)
    if customer is not None:
        return data_archive(customer, requested_by="customer")
    empty = {"customer": {"phone": phone}, "orders": [], "messages": []}
    return _zip(empty)


def _zip(data: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("orders.csv", _orders_csv(data["orders"]))
    return buffer.getvalue()


def _orders_csv(orders: list[dict]) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(ORDER_COLUMNS)
    for order in orders:
        lines = "; ".join(f"{line['name']} × {line['quantity']}" for line in order["lines"])
        writer.writerow(
            [
                order["number"],
                order["created_at"],
                order["status"],
                order["payment_status"],
                order["total_fen"],
                order["address"],
                lines,
            ]
        )
    return "\ufeff" + text.getvalue()
