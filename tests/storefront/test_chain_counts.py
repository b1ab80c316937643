"""The 接龙 list's counts are kept places (models/activities/allotment.py ORDERS and PEOPLE), not
counted from the orders: they must always equal what the orders say, whatever happens to them —
orders and cancellations in any order, racing threads, bulk loads, an exchange's replacement —
and a database from before migration 0070 gets its people counted."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import fn

from models import ALL_MODELS, db
from models.activities import allotment
from models.aftersales.lifecycle import transition_case
from models.aftersales.requests import open_case
from models.orders.lifecycle import Actor, transition_order, walk_order
from models.orders.order import Order
from models.orders.status import OrderStatus
from models.schema import drift, upgrade
from tests.factories import make_activity, make_product, order_for
from tests.helpers import EN, race
from tests.house.test_migrations import empty_database, insert  # noqa: F401 (the fixture)


def from_the_orders(template_id: int) -> tuple[int, int]:
    """(orders standing, their customers) counted the slow way."""
    return (
        Order.select(fn.COUNT(Order.id), fn.COUNT(Order.customer.distinct()))
        .where(
            Order.template == template_id,
            Order.status != OrderStatus.CANCELLED,
            Order.source != "aftersales",
        )
        .tuples()
        .get()
    )


def shown_counts(client, slug: str) -> tuple[int, int]:
    html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    people, orders = re.search(r"People: (\d+) · Orders: (\d+)", html).groups()
    return int(orders), int(people)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["order", "cancel"]), st.integers(0, 3), st.integers(0, 5)),
        max_size=14,
    )
)
def test_the_counts_equal_the_orders_after_any_orders_and_cancellations(app, client, steps):
    with app.app_context():
        product = make_product(1000, price=500)
        version = make_activity([product], settings={"show_chain_list": True})
        placed = []
        for action, person, pick in steps:
            if action == "order":
                phone = f"1390000{person:04d}"
                placed.append(order_for(version, [(product, 1)], name=f"P{person}", phone=phone))
            elif placed:
                order = placed[pick % len(placed)]
                if Order.get_by_id(order.id).status != OrderStatus.CANCELLED:
                    transition_order(order, OrderStatus.CANCELLED, Actor.system())
        expected = from_the_orders(version.template_id)
        assert allotment.joined(version.template_id) == expected
    assert shown_counts(client, version.template.slug) == expected


def test_racing_orders_and_cancellations_of_the_same_people_keep_the_counts_right(app, client):
    with app.app_context():
        product = make_product(1000, price=500)
        version = make_activity([product], limit=10, settings={"show_chain_list": True})

    def place(i):
        return order_for(version, [(product, 1)], name=f"P{i % 4}", phone=f"1370000{i % 4:04d}").id

    results = race(app, 8, place)  # two orders each for four people, all at once
    assert [outcome for outcome, _ in results] == ["ok"] * 8
    ids = [order_id for _, order_id in results]
    with app.app_context():
        assert allotment.joined(version.template_id) == (8, 4)

    def cancel(i):
        transition_order(Order.get_by_id(ids[i]), OrderStatus.CANCELLED, Actor.system())

    race(app, 8, cancel)
    with app.app_context():
        assert (
            allotment.joined(version.template_id) == (0, 0) == from_the_orders(version.template_id)
        )
    assert shown_counts(client, version.template.slug) == (0, 0)


def test_an_exchange_replacement_is_no_one_joining(app, client, staff):
    with app.app_context():
        apple = make_product(10, price=1250, name="Apples")
        version = make_activity([apple], settings={"show_chain_list": True})
        order = order_for(version, [(apple, 2)], name="Alice")
        order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
        line = order.lines[0]
        case = open_case(
            order,
            Actor.of_customer(order.customer),
            kind="exchange",
            quantities={line.id: 1},
            reason="Damaged",
        )
        assert transition_case(case, "approved", Actor.of_user(staff)).replacement_order
        assert Order.select().where(Order.template == version.template_id).count() == 2
        slug = version.template.slug

    assert shown_counts(client, slug) == (1, 1)
    listed = client.get(f"/f/{slug}/list", headers=EN).get_data(as_text=True)
    assert re.findall(r'<span class="who">(\d+)\. ', listed) == ["1"]


def test_bulk_loaded_orders_are_counted_like_placed_ones(app, runner):
    assert runner.invoke(args=["demo", "--orders", "0", "--seed", "3"]).exit_code == 0
    assert runner.invoke(args=["bulk-orders", "300", "--seed", "5"]).exit_code == 0
    for template_id in {o.template_id for o in Order.select(Order.template)}:
        assert allotment.joined(template_id) == from_the_orders(template_id)


def test_people_are_counted_from_their_places_by_migration_0070(empty_database):  # noqa: F811
    upgrade(target="0065_board_count_indexes")
    with db.atomic():
        a, b = (
            insert(
                "form_template",
                slug=slug,
                title=slug,
                description="",
                kind="goods",
                status="published",
                draft="{}",
                created_at="2026-01-01 00:00:00",
                updated_at="2026-01-01 00:00:00",
            )
            for slug in ("a", "b")
        )
        for template, key, taken in (
            (a, "orders", 3),
            (a, "customer:1", 2),
            (a, "customer:2", 1),
            (a, "customer:3", 0),
            (b, "orders", 0),
            (b, "customer:1", 0),
        ):
            insert("allotment", template_id=template, key=key, taken=taken)

    upgrade(target="0070_people_counted")
    upgrade()  # and any later ones, which the models declare too
    assert drift(ALL_MODELS) == ""
    assert allotment.joined(a) == (3, 2)
    assert allotment.joined(b) == (0, 0)
