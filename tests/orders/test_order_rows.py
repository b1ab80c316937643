"""Orders as stored: unique numbers, unguessable tracking tokens, totals in integer fen, lines that
keep their price, stock reserved per line and never more than is on hand."""

import re

import pytest
from peewee import IntegrityError

from models import db
from models.catalog.products import Product, Stock
from models.customers.customer import Customer
from models.errors import OutOfStock
from models.orders.order import Counter, Order, OrderLine
from models.orders.placing import EmptyOrder, LineRequest, place_order
from tests.factories import cn_mobile, make_product, order_for, published_version, stock_of

# --- numbers and tokens --------------------------------------------------------------------


def test_counter_gives_increasing_unique_numbers_per_name(app):
    orders = [Counter.next("order") for _ in range(5)]
    invoices = [Counter.next("invoice", start=500) for _ in range(3)]
    assert orders == list(range(orders[0], orders[0] + 5))
    assert orders[0] > 10000 - 1
    assert invoices == [501, 502, 503]
    assert Counter.next("order") == orders[-1] + 1  # other counters do not disturb it
    assert Counter.next("invoice", start=9999) == 504  # start only applies to a new counter


def test_order_numbers_are_unique_and_tracking_tokens_are_unguessable(app):
    version = published_version()
    product = make_product(50)
    orders = [order_for(version, [(product, 1)]) for _ in range(12)]

    numbers = [o.number for o in orders]
    assert numbers == sorted(numbers) and len(set(numbers)) == 12
    tokens = [Order.get_by_id(o.id).tracking_token for o in orders]
    assert len(set(tokens)) == 12
    for order, token in zip(orders, tokens, strict=True):
        assert re.fullmatch(r"[A-Za-z0-9_-]{24,}", token)  # >= 144 random bits, URL-safe
        assert str(order.number) not in token and str(order.id) != token
        assert Order.by_token(token).id == order.id
        assert Order.by_token(token[:-1]) is None
    assert Order.by_token("") is None


def test_the_database_refuses_a_second_order_with_the_same_number(app):
    version = published_version()
    order = order_for(version, [(make_product(5), 1)])
    clash = order_for(version, [(make_product(5), 1)])
    with pytest.raises(IntegrityError), db.atomic():
        Order.update(number=order.number).where(Order.id == clash.id).execute()
    assert Order.get_by_id(clash.id).number != order.number


# --- money and stock, as stored --------------------------------------------------------------


def test_order_totals_are_integer_fen_summed_from_the_lines(app):
    version = published_version()
    strawberries = make_product(10, price=3990)
    oranges = make_product(10, price=1250)
    cleaning = make_product(None, price=12000)

    order = order_for(version, [(strawberries, 3), (oranges, 2), (cleaning, 1)], delivery_fee=800)

    stored = Order.get_by_id(order.id)
    lines = list(stored.lines.order_by(OrderLine.id))
    assert [(ln.unit_price, ln.quantity, ln.line_total) for ln in lines] == [
        (3990, 3, 11970),
        (1250, 2, 2500),
        (12000, 1, 12000),
    ]
    assert stored.subtotal == 11970 + 2500 + 12000 == sum(ln.line_total for ln in lines)
    assert stored.delivery_fee == 800
    assert stored.total == stored.subtotal + 800 == 27270
    for amount in (
        stored.subtotal,
        stored.delivery_fee,
        stored.total,
        *[ln.unit_price for ln in lines],
    ):
        assert type(amount) is int


def test_lines_keep_the_name_and_price_they_were_sold_at(app):
    version = published_version()
    product = make_product(10, price=990, name="Cherries")
    order = order_for(version, [(product, 2)])
    Product.update(price=1990, name="Premium cherries").where(Product.id == product.id).execute()
    line = Order.get_by_id(order.id).lines[0]
    assert (line.name, line.unit_price, line.line_total) == ("Cherries", 990, 1980)
    assert Order.get_by_id(order.id).total == 1980


def test_stock_is_reserved_per_line_and_services_hold_none(app):
    version = published_version()
    fruit = make_product(10)
    service = make_product(None)
    order = order_for(version, [(fruit, 4), (service, 1)])
    held = {ln.product_id: ln.holds_stock for ln in order.lines}
    assert held == {fruit.id: True, service.id: False}
    assert (stock_of(fruit).on_hand, stock_of(fruit).reserved) == (10, 4)
    assert not Stock.select().where(Stock.product == service.id).exists()


def test_a_cart_that_cannot_be_filled_reserves_nothing(app):
    version = published_version()
    plenty, scarce = make_product(10), make_product(1)
    with pytest.raises(OutOfStock) as short:
        order_for(version, [(plenty, 3), (scarce, 2)], key="cart-1")
    assert short.value.details["short"] == {scarce.id: 1}
    assert (stock_of(plenty).reserved, stock_of(scarce).reserved) == (0, 0)
    assert Order.select().count() == 0 and OrderLine.select().count() == 0
    assert Customer.select().count() == 0


def test_an_empty_cart_is_refused_and_zero_quantities_are_dropped(app):
    version = published_version()
    product = make_product(10)
    with pytest.raises(EmptyOrder):
        order_for(version, [(product, 0)])
    order, _ = place_order(
        version=version,
        customer_name="A",
        customer_phone=cn_mobile(),
        lines=[LineRequest(product, 0), LineRequest(product, 2)],
        submission_key="k",
    )
    assert [ln.quantity for ln in order.lines] == [2]
    assert Order.select().count() == 1


def test_the_database_refuses_to_hold_more_than_is_on_hand(app):
    product = make_product(3)
    for change in ({"reserved": 4}, {"on_hand": -1}, {"reserved": -1}):
        with pytest.raises(IntegrityError), db.atomic():
            Stock.update(**change).where(Stock.product == product.id).execute()
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (3, 0)
