"""The `flask --app app …` commands: demo shop, accounts, schema."""

import re
from collections import Counter as Tally
from datetime import timedelta

from peewee import DateTimeField, fn

from models import (
    ALL_MODELS,
    FormTemplate,
    Order,
    OrderEvent,
    OrderLine,
    PickupPoint,
    Product,
    Stock,
    User,
)
from models.activity import remaining_slots
from models.base import utcnow
from models.demo_shop import SLOT_CAPACITY, SLOT_HOURS
from models.order import OPEN_STATUSES, STATUSES
from models.order_filters import shop_today
from tests.helpers import csrf_token_from


def test_demo_builds_a_living_shop_whose_printed_credentials_sign_in(app, runner):
    result = runner.invoke(args=["demo", "--seed", "7"])
    assert result.exit_code == 0, result.output

    assert Product.select().count() == 15
    assert PickupPoint.select().count() == 2
    fruit = FormTemplate.get(FormTemplate.slug == "friday-fruit")
    cleaning = FormTemplate.get(FormTemplate.slug == "home-cleaning")
    assert fruit.kind == "goods" and fruit.closes_at is not None
    assert fruit.latest_version().settings["pickup_point_ids"]
    assert cleaning.kind == "service" and cleaning.latest_version().field("slot")["slots"]

    orders = Order.select()
    assert 190 <= orders.count() <= 200
    assert {o.status for o in orders} == set(STATUSES)
    days = {o.created_at.date() for o in orders}
    assert len(days) >= 20, "orders should be spread over the last 30 days"
    created_events = OrderEvent.select().where(OrderEvent.kind == "created").count()
    assert created_events == orders.count()
    for order in orders.where(Order.status != "pending"):
        last = order.events.where(OrderEvent.kind == "status").order_by(OrderEvent.id.desc()).get()
        assert last.to_status == order.status

    for stock in Stock.select():
        held = (
            OrderLine.select(fn.COALESCE(fn.SUM(OrderLine.quantity), 0))
            .join(Order)
            .where(OrderLine.product == stock.product, Order.status.in_(OPEN_STATUSES))
            .scalar()
        )
        assert stock.reserved == held and 0 <= stock.reserved <= stock.on_hand

    for role in ("admin", "staff"):
        password = re.search(rf"{role}@example.com\s+password: (\S+)", result.output).group(1)
        browser = app.test_client()
        token = csrf_token_from(browser, "/login")
        response = browser.post(
            "/login",
            data={"csrf_token": token, "email": f"{role}@example.com", "password": password},
        )
        assert response.status_code == 302


AHEAD = {"opens_at", "closes_at", "expires_at", "available_at", "locked_until"}  # meant to be


def test_demo_puts_nothing_in_the_future_and_leaves_room_to_book_for_two_weeks(app, runner):
    """What a newcomer finds in a fresh demo shop (with generated orders on top): no order,
    event or message dated after now, and home cleaning bookable on each coming day."""
    assert runner.invoke(args=["demo", "--seed", "7"]).exit_code == 0
    assert runner.invoke(args=["bulk-orders", "300", "--seed", "5"]).exit_code == 0
    now = utcnow()

    ahead = {
        f"{model.__name__}.{field.name}": model.select().where(field > now).count()
        for model in ALL_MODELS
        for field in model._meta.sorted_fields
        if isinstance(field, DateTimeField) and field.name not in AHEAD
    }
    assert {where: count for where, count in ahead.items() if count} == {}
    assert Order.select().where(Order.updated_at < Order.created_at).count() == 0

    cleaning = FormTemplate.get(FormTemplate.slug == "home-cleaning").latest_version()
    left = Tally()
    for slot_id, places in remaining_slots(cleaning)["slot"].items():
        left[slot_id[:10]] += places
    with app.app_context():
        days = [(shop_today() + timedelta(days=d)).isoformat() for d in range(1, 15)]
    assert sorted(left) == days
    full = len(SLOT_HOURS) * SLOT_CAPACITY
    assert all(left[day] >= SLOT_CAPACITY for day in days), left  # a slot's worth, each day
    assert sum(left.values()) >= 0.75 * full * len(days), left


def test_demo_if_empty_leaves_an_existing_shop_alone(runner):
    runner.invoke(args=["demo", "--orders", "5"])
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "skipped" in again.output
    assert User.select().count() == 2


def test_user_create_makes_an_account_that_signs_in(runner, post_form):
    result = runner.invoke(
        args=["user", "create", "Boss@Shop.cn", "--role", "admin", "--password", "s3cret-pass"]
    )
    assert result.exit_code == 0, result.output
    user = User.by_email("boss@shop.cn")
    assert user.role == "admin"
    response = post_form("/login", {"email": "boss@shop.cn", "password": "s3cret-pass"})
    assert response.status_code == 302


def test_user_create_refuses_a_duplicate_email(runner, staff):
    result = runner.invoke(args=["user", "create", staff.email, "--password", "x" * 12])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_db_upgrade_and_status_on_an_up_to_date_database(runner):
    assert "up to date" in runner.invoke(args=["db", "upgrade"]).output
    status = runner.invoke(args=["db", "status"])
    assert status.exit_code == 0 and "up to date" in status.output
