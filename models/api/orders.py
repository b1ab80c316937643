"""Orders as the API shows them: one shape for the list and the detail, and keyset pages by
order number (`after` the last number of the previous page), oldest first."""

from models.orders.order import Order, OrderLine

MAX_PAGE = 100


def order_json(order: Order, lines: list[OrderLine] | None = None) -> dict:
    lines = lines if lines is not None else list(order.lines.order_by(OrderLine.id))
    return {
        "number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "total_fen": order.total,
        "subtotal_fen": order.subtotal,
        "delivery_fee_fen": order.delivery_fee,
        "activity": order.template_id,
        "created_at": order.created_at.isoformat() + "Z",
        "updated_at": order.updated_at.isoformat() + "Z",
        "lines": [
            {"name": line.name, "quantity": line.quantity, "unit_price_fen": line.unit_price}
            for line in lines
        ],
    }


def orders_after(
    after: int, limit: int, status: str | None = None
) -> tuple[list[dict], int | None]:
    """Up to `limit` orders numbered above `after`, and the cursor of the next page (None at
    the end)."""
    query = Order.select().where(Order.number > after).order_by(Order.number).limit(limit + 1)
    if status:
        query = query.where(Order.status == status)
    orders = list(query)
    more = len(orders) > limit
    orders = orders[:limit]
    lines: dict[int, list] = {order.id: [] for order in orders}
    if orders:
        for line in (
            OrderLine.select().where(OrderLine.order.in_(list(lines))).order_by(OrderLine.id)
        ):
            lines[line.order_id].append(line)
    page = [order_json(order, lines[order.id]) for order in orders]
    return page, (orders[-1].number if more else None)
