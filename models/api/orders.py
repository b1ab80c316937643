"""Orders as the API shows them: one shape for the list and the detail, keyset pages by order
number (`after` the last number of the previous page), oldest first, narrowed by the board's
filter; and status changes made by an integration, through the order lifecycle."""

from models.board.filters import FILTER_KEYS, OrderFilter
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderLine

MAX_PAGE = 100


def order_json(order: Order, lines: list[OrderLine] | None = None) -> dict:
    lines = lines if lines is not None else list(order.lines.order_by(OrderLine.id))
    return {
        "number": order.number,
        "status": order.status,
        "version": order.version,
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


def api_filter(args) -> OrderFilter:
    """The board's filter read from query arguments (docs/operations.md lists them); with none
    given, every order (where the board would show today's open ones)."""
    if not FILTER_KEYS.intersection(args.keys()):
        return OrderFilter()
    return OrderFilter.from_args(args)


def orders_after(
    after: int, limit: int, order_filter: OrderFilter | None = None
) -> tuple[list[dict], int | None]:
    """Up to `limit` orders numbered above `after` that the filter keeps, and the cursor of the
    next page (None at the end)."""
    terms = (order_filter or OrderFilter()).conditions()
    query = (
        Order.select().where(Order.number > after, *terms).order_by(Order.number).limit(limit + 1)
    )
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


def integration(name: str) -> Actor:
    """An API token's integration as the actor of an order change: the timeline names it."""
    return Actor(kind="system", label=f"API: {name}")


def change_status(order: Order, to_status: str, version: int, name: str) -> Order:
    """Move `order` to `to_status` as the integration `name`, if it is still at `version`.
    Raises StaleOrder or TransitionNotAllowed, as for staff."""
    return transition_order(order, to_status, integration(name), expected_version=version)
