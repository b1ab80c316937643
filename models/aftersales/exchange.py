"""Exchanges: what a line may be exchanged for, and the replacement order an approval places.

At approval (lifecycle.transition_case, in the approval's transaction) `place_replacement`
reserves every replacement unit with the conditional `UPDATE … WHERE on_hand - reserved >= qty`
of models/catalog/stock.py, all or nothing, and places the replacement order: an ordinary order
(board, picking lists, tracking page) with the source "after-sales", the original order's
pickup point, address and answers, linked to the case (`AfterSalesCase.replacement_order`,
unique; its submission key is the case's, so one case never places two orders).

Price rule: a replacement unit costs the replacement's price now less what the customer paid for
the returned unit, never below 0 — the same product (or a cheaper one) is free, a dearer one
costs the difference, paid as any order is.

A line is exchanged for the same product or another product the activity sells; when products
get variants, a variant is one more choice of `replacement_choices`.
"""

from flask_babel import lazy_gettext as _l

from models.activities.pickup import serving_warehouse
from models.activities.published import offered_products
from models.aftersales.case import AfterSalesCase, CaseLine
from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.errors import DomainError
from models.orders.editing import prices_now
from models.orders.lifecycle import Actor, may_transition, record_event, transition_order
from models.orders.order import Counter, Order, OrderLine
from models.orders.payments import status_when_placed
from models.orders.status import OrderSource, OrderStatus


class ReplacementShort(DomainError):
    """details["short"]: {product id: units available}."""

    message = _l("Not enough stock for the replacement.")


class ReplacementRefused(DomainError):
    message = _l("This exchange is not possible.")


def replacement_choices(order: Order) -> dict[int, Product]:
    """What a line of `order` may be exchanged for: the products its activity sells now."""
    version = order.template.latest_version() or order.template_version
    return offered_products(version)


def replacement_price(paid: int, price_now: int) -> int:
    """What a replacement unit costs the customer (fen): the difference, never below 0."""
    return max(price_now - paid, 0)


def place_replacement(case: AfterSalesCase, actor: Actor) -> Order:
    """Reserve the replacement units and place the replacement order of an exchange `case`;
    call inside the approval's transaction. ReplacementShort (naming what is left) when a
    product has too few units: the caller's transaction then writes nothing."""
    original = Order.get_by_id(case.order_id)
    items = list(
        CaseLine.select(CaseLine, OrderLine).join(OrderLine).where(CaseLine.case == case.id)
    )
    wanted = {item.id: item.replacement_product_id or item.line.product_id for item in items}
    if not items or None in wanted.values():
        raise ReplacementRefused(_l("Only goods of the shop's catalogue can be exchanged."))
    products = {p.id: p for p in Product.select().where(Product.id.in_(set(wanted.values())))}
    prices = prices_now(original.template_version, products, original.customer_id)
    lines = [
        (
            item,
            products[wanted[item.id]],
            replacement_price(item.line.unit_price, prices[wanted[item.id]]),
        )
        for item in items
    ]
    total = sum(price * item.quantity for item, _product, price in lines)
    order = Order.create(
        number=Counter.next("order"),
        submission_key=f"aftersales-{case.id}",
        template=original.template_id,
        template_version=original.template_version_id,
        customer=original.customer_id,
        subtotal=total,
        total=total,
        payment_status=status_when_placed(total),
        answers=original.answers,
        pickup_point=original.pickup_point_id,
        address=original.address,
        locale=original.locale,
        source=OrderSource.AFTERSALES,
    )
    note = {"order_number": order.number, "reason": f"After-sales {case.code}", "by": actor.user}
    short = {}
    for item, product, price in lines:
        held_in = None
        if product.tracks_stock:
            warehouse = _warehouse(original, item.line)
            held_in = stock.reserve_from(product.id, warehouse, item.quantity, **note)
            if held_in is None:  # what is left where it was sold from
                short[product.id] = (product.name, stock.available(product.id, warehouse.id))
                continue
        OrderLine.create(
            order=order,
            product=product,
            warehouse=held_in,
            name=product.name,
            unit_price=price,
            quantity=item.quantity,
        )
    if short:
        name, left = next(iter(short.values()))
        raise ReplacementShort(
            _l(
                "Only %(count)s of %(name)s in stock: the replacement cannot be reserved, nothing was changed.",
                count=left,
                name=name,
            ),
            short={pid: left for pid, (_name, left) in short.items()},
        )
    AfterSalesCase.update(replacement_order=order.id).where(AfterSalesCase.id == case.id).execute()
    record_event(
        order, actor, kind="created", to_status=OrderStatus.PENDING, note=f"After-sales {case.code}"
    )
    return order


def _warehouse(original: Order, line: OrderLine) -> Warehouse:
    """Where the replacement is reserved: where the sold line was, else where the order collects."""
    if line.warehouse_id:
        return Warehouse.get_by_id(line.warehouse_id)
    return serving_warehouse(original.pickup_point)


def withdraw_replacement(case: AfterSalesCase, actor: Actor) -> None:
    """The case is cancelled: its replacement order is cancelled too, which gives its reserved
    units back (the order's lifecycle: once). ReplacementRefused when it is past cancelling."""
    if case.replacement_order_id is None:
        return
    order = Order.get_by_id(case.replacement_order_id)
    if order.status == OrderStatus.CANCELLED:
        return
    if not may_transition(order, OrderStatus.CANCELLED, actor):
        raise ReplacementRefused(
            _l(
                "The replacement order #%(number)s is already on its way and cannot be cancelled.",
                number=order.number,
            )
        )
    transition_order(order, OrderStatus.CANCELLED, actor, note=f"After-sales {case.code}")


def has_replacement(case: AfterSalesCase) -> bool:
    """Whether the case's replacement order exists and is not cancelled."""
    if case.replacement_order_id is None:
        return False
    order = Order.get_or_none(Order.id == case.replacement_order_id)
    return order is not None and order.status != OrderStatus.CANCELLED


def case_replaced_by(order: Order) -> AfterSalesCase | None:
    """The case whose replacement `order` is (None: an ordinary order)."""
    return AfterSalesCase.get_or_none(AfterSalesCase.replacement_order == order.id)
