"""Keeping the sales rollups right: an order change asks for its bucket to be recounted.

`plan_recount` (subscribed to `order_changed`) writes at most one outbox row per activity, UTC day
of the order and minute: INSERT … ON CONFLICT DO NOTHING on the delivery key, which never aborts
the order's transaction and coalesces every change of that minute. (A UTC day, so that the change
needs no setting; the worker recounts the one or two shop days it overlaps.) The row is due SETTLE_SECONDS after
its minute, so changes still committing then are counted too. The worker (`recount_bucket`)
recounts the whole bucket from the orders under the bucket's row lock: duplicates, retries and a
killed worker only count again. `rebuild` recounts every bucket (nightly and `flask reports rebuild`).
A recount tells `customers_recounted` whose rows it rewrote, in its transaction.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from blinker import Signal

from models.base import utcnow
from models.customers.customer import Customer
from models.db import db, locked
from models.messaging.outbox import Outbox, add_work
from models.orders.order import Order, OrderLine
from models.orders.payments import Payment
from models.orders.status import OrderStatus, PaymentStatus
from models.payments.refunds import SUCCEEDED, Refund, RefundLine
from models.reports.rollups import (
    CustomerDay,
    CustomerMonth,
    CustomerSpan,
    SalesBucket,
    SalesDay,
    SalesHour,
)
from models.shop_time import shop_zone
from models.statements import Slot, Statement

KIND = "sales"
SETTLE_SECONDS = 60
customers_recounted = Signal(
    "The CustomerDay rows of `customers` (ids) were just recounted, in the recount's "
    "transaction; customer tiers follow (models/subscriptions.py)."
)


def shop_moment(stored: datetime) -> datetime:
    """A stored naive UTC time on the shop's clock."""
    return stored.replace(tzinfo=UTC).astimezone(shop_zone())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The stored (naive UTC) times a shop day starts and ends at."""
    zone = shop_zone()
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return (
        start.astimezone(UTC).replace(tzinfo=None),
        end.astimezone(UTC).replace(tzinfo=None),
    )


def plan_recount(event, steps, from_status=None) -> None:
    """Ask for the buckets of the changed order's UTC day to be recounted (inside the change's
    transaction)."""
    if event.placed:
        day, template_id = event.placed.created_at.date(), event.placed.template_id
    else:
        created_at, template_id = _ORDER_DAY.one(order=event.order_id)
        day = Order.created_at.python_value(created_at).date()
    now = utcnow()
    minute = now.replace(second=0, microsecond=0)
    add_work(  # one row per UTC day, activity and minute: later changes find it planned
        KIND,
        f"{KIND}:{day.isoformat()}:{template_id}:{minute:%Y%m%d%H%M}",
        {"day": day.isoformat(), "activity": template_id},
        available_at=minute + timedelta(seconds=60 + SETTLE_SECONDS),
        if_new=True,
    )


_ORDER_DAY = Statement(
    lambda: Order.select(Order.created_at, Order.template).where(Order.id == Slot("order"))
)


def recount_row(item: Outbox) -> None:
    """The outbox kind's write: recount the shop days the row's UTC day overlaps."""
    for day in shop_days_of(date.fromisoformat(item.payload["day"])):
        recount_bucket(day, int(item.payload["activity"]))


def shop_days_of(utc_day: date) -> list[date]:
    """The shop days a UTC day overlaps: one, or two for a shop away from UTC."""
    start = datetime.combine(utc_day, time())
    first = shop_moment(start).date()
    last = shop_moment(start + timedelta(days=1) - timedelta(microseconds=1)).date()
    return [first] if first == last else [first, last]


def recount_bucket(day: date, activity: int, spans: bool = True) -> None:
    """Count the bucket again from its orders, replacing its rollup rows, and the CustomerSpan
    rows of its customers unless `spans` is false (`rebuild` makes them all at its end), in one
    transaction."""
    with db.atomic():
        SalesBucket.insert(day=day, activity=activity).on_conflict_ignore().execute()
        bucket = SalesBucket.select().where(
            SalesBucket.day == day, SalesBucket.activity == activity
        )
        locked(bucket).get()
        hours, products = count_bucket(day, activity)
        customers, touched = count_customers(day, activity)
        before = CustomerDay.select(CustomerDay.customer).where(
            CustomerDay.day == day, CustomerDay.activity == activity
        )
        touched |= {c for (c,) in before.tuples()}
        for model in (SalesHour, SalesDay, CustomerDay):
            model.delete().where(model.day == day, model.activity == activity).execute()
        if hours:
            SalesHour.insert_many(hours).execute()
        if products:
            SalesDay.insert_many(products).execute()
        if customers:
            CustomerDay.insert_many(customers).execute()
        SalesBucket.update(recounted_at=utcnow()).where(
            SalesBucket.day == day, SalesBucket.activity == activity
        ).execute()
        if touched:
            if spans:
                count_spans(sorted(touched))
            customers_recounted.send(None, customers=sorted(touched))


def count_bucket(day: date, activity: int) -> tuple[list[dict], list[dict]]:
    """The SalesHour and SalesDay rows of a bucket, counted from its orders."""
    start, end = day_bounds(day)
    orders = list(
        Order.select(
            Order.id,
            Order.status,
            Order.payment_status,
            Order.total,
            Order.pickup_point,
            Order.source,
            Order.created_at,
        )
        .where(Order.template == activity, Order.created_at >= start, Order.created_at < end)
        .tuples()
    )
    ids = [row[0] for row in orders]
    methods, paid = _payments(ids)
    refunded, refunded_units = _refunds(ids)
    lines = defaultdict(list)
    if ids:
        query = OrderLine.select(
            OrderLine.order,
            OrderLine.id,
            OrderLine.product,
            OrderLine.name,
            OrderLine.quantity,
            OrderLine.unit_price,
            OrderLine.unit_cost,
        ).where(OrderLine.order.in_(ids))
        for order_id, line_id, product, name, quantity, price, cost in query.tuples():
            lines[order_id].append((line_id, product or 0, name, quantity, price, cost))
    hours, products = defaultdict(lambda: [0, 0, 0]), defaultdict(lambda: [0] * 6)
    for order_id, status, payment, total, point, source, created_at in orders:
        counted = status != OrderStatus.CANCELLED
        # Refund rows say what went back; an order marked refunded as a whole, all it was paid.
        whole = payment == PaymentStatus.REFUNDED and order_id not in refunded
        given_back = paid.get(order_id, 0) if whole else refunded.get(order_id, 0)
        if not counted and not given_back:
            continue
        where = (point or 0, methods.get(order_id, ""), source)
        figures = hours[(*where, shop_moment(created_at).hour)]
        figures[0] += counted
        figures[1] += total if counted else 0
        figures[2] += given_back
        for line_id, product, name, quantity, price, cost in lines[order_id]:
            sold = products[(*where, product, name)]
            sold[0] += counted
            sold[1] += quantity if counted else 0
            sold[2] += quantity * price if counted else 0
            units = quantity if whole else refunded_units.get(line_id, 0)
            sold[3] += units * price
            if counted and cost is not None:
                sold[4] += quantity * cost
                sold[5] += quantity * price
    return (
        [
            dict(
                day=day,
                weekday=day.weekday(),
                hour=hour,
                activity=activity,
                pickup_point=point,
                method=method,
                source=source,
                orders=n,
                revenue=revenue,
                refunds=refunds,
            )
            for (point, method, source, hour), (n, revenue, refunds) in hours.items()
        ],
        [
            dict(
                day=day,
                activity=activity,
                pickup_point=point,
                method=method,
                source=source,
                product=product,
                name=name[:255],
                orders=n,
                units=units,
                revenue=revenue,
                refunds=refunds,
                cost=cost,
                costed_revenue=costed,
            )
            for (point, method, source, product, name), (
                n,
                units,
                revenue,
                refunds,
                cost,
                costed,
            ) in products.items()
        ],
    )


def count_customers(day: date, activity: int) -> tuple[list[dict], set[int]]:
    """The CustomerDay rows of a bucket: each customer's orders that day, not cancelled, and
    of them the completed ones with their totals less what was refunded on them; and every
    customer with an order in the bucket, cancelled ones too."""
    start, end = day_bounds(day)
    orders = list(
        Order.select(Order.id, Order.customer, Order.status, Order.payment_status, Order.total)
        .where(Order.template == activity, Order.created_at >= start, Order.created_at < end)
        .tuples()
    )
    done = [row[0] for row in orders if row[2] == OrderStatus.COMPLETED]
    _, paid = _payments(done)
    refunded, _ = _refunds(done)
    figures = defaultdict(lambda: [0, 0, 0, 0])
    for order_id, customer, status, payment, total in orders:
        if status == OrderStatus.CANCELLED:
            continue
        row = figures[customer]
        row[0] += 1
        row[1] += total
        if status == OrderStatus.COMPLETED:
            whole = payment == PaymentStatus.REFUNDED and order_id not in refunded
            given_back = paid.get(order_id, 0) if whole else refunded.get(order_id, 0)
            row[2] += 1
            row[3] += max(total - given_back, 0)
    rows = [
        dict(
            day=day,
            activity=activity,
            customer=c,
            orders=n,
            revenue=revenue,
            completed=completed,
            spent=spent,
        )
        for c, (n, revenue, completed, spent) in figures.items()
    ]
    return rows, {row[1] for row in orders}


def _payments(order_ids: list[int]) -> tuple[dict[int, str], dict[int, int]]:
    """Each order's payment method (that of its first payment) and the fen paid on it."""
    methods, paid = {}, defaultdict(int)
    if order_ids:
        query = (
            Payment.select(Payment.order, Payment.method, Payment.amount)
            .where(Payment.order.in_(order_ids))
            .order_by(Payment.created_at, Payment.id)
        )
        for order_id, method, amount in query.tuples():
            methods.setdefault(order_id, method)
            paid[order_id] += amount
    return methods, paid


def _refunds(order_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """The fen refunded on each order (succeeded refunds, in part or whole) and the units
    refunded of each order line (refunds by line; one by amount names no product)."""
    amounts, units = defaultdict(int), defaultdict(int)
    if order_ids:
        query = Refund.select(Refund.order, Refund.amount).where(
            Refund.order.in_(order_ids),
            Refund.status == SUCCEEDED,
            Refund.online_payment.is_null(),  # a flagged payment's: never counted as sold
        )
        for order_id, amount in query.tuples():
            amounts[order_id] += amount
        query = (
            RefundLine.select(RefundLine.line, RefundLine.quantity)
            .join(Refund)
            .where(Refund.order.in_(order_ids), Refund.status == SUCCEEDED)
        )
        for line_id, quantity in query.tuples():
            units[line_id] += quantity
    return amounts, units


def count_spans(customers: list[int]) -> None:
    """Make the CustomerSpan rows of `customers` (sorted ids) again from their CustomerDay rows,
    inside the caller's transaction. On PostgreSQL the customers' rows are locked first, so two
    recounts sharing a customer take turns and the second reads the first's days."""
    for start in range(0, len(customers), SPAN_BATCH):
        chunk = customers[start : start + SPAN_BATCH]
        list(
            locked(Customer.select(Customer.id).where(Customer.id.in_(chunk)).order_by(Customer.id))
        )
        spans = {}
        days = (
            CustomerDay.select(
                CustomerDay.customer,
                CustomerDay.activity,
                CustomerDay.day,
                CustomerDay.orders,
                CustomerDay.revenue,
            )
            .where(CustomerDay.customer.in_(chunk), CustomerDay.orders > 0)
            .order_by(CustomerDay.customer, CustomerDay.day)
        )
        for customer, activity, day, orders, revenue in days.tuples():
            for key in ((customer, activity), (customer, 0)):
                span = spans.get(key)
                if span is None:
                    spans[key] = [day, day if orders >= 2 else None, day, orders, revenue, set()]
                    spans[key][5].add(day.replace(day=1))
                    continue
                span[5].add(day.replace(day=1))
                if span[1] is None and span[3] + orders >= 2:
                    span[1] = day
                span[2] = day
                span[3] += orders
                span[4] += revenue
        CustomerSpan.delete().where(CustomerSpan.customer.in_(chunk)).execute()
        CustomerMonth.delete().where(CustomerMonth.customer.in_(chunk)).execute()
        rows = [
            dict(
                customer=customer,
                activity=activity,
                first_day=first,
                second_day=second,
                last_day=last,
                orders=orders,
                revenue=revenue,
            )
            for (customer, activity), (first, second, last, orders, revenue, _) in spans.items()
        ]
        for at in range(0, len(rows), 500):
            CustomerSpan.insert_many(rows[at : at + 500]).execute()
        rows = [
            dict(customer=customer, activity=activity, month=month, cohort=span[0].replace(day=1))
            for (customer, activity), span in spans.items()
            for month in span[5]
        ]
        for at in range(0, len(rows), 500):
            CustomerMonth.insert_many(rows[at : at + 500]).execute()


SPAN_BATCH = 500


def rebuild() -> int:
    """Recount every bucket that has orders or rollups, then every customer's spans; return how
    many buckets."""
    buckets = {(row.day, row.activity) for row in SalesBucket.select()}
    for template, created_at in Order.select(Order.template, Order.created_at).tuples():
        buckets.add((shop_moment(created_at).date(), template))
    for day, activity in sorted(buckets):
        recount_bucket(day, activity, spans=False)
    customers = {c for (c,) in CustomerDay.select(CustomerDay.customer).distinct().tuples()}
    customers |= {c for (c,) in CustomerSpan.select(CustomerSpan.customer).distinct().tuples()}
    ordered = sorted(customers)
    for start in range(0, len(ordered), SPAN_BATCH):
        with db.atomic():
            count_spans(ordered[start : start + SPAN_BATCH])
    return len(buckets)
