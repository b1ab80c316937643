"""The `flask --app app …` commands: demo shop, accounts, schema."""

import re
from collections import Counter as Tally
from datetime import timedelta

from peewee import DateTimeField, fn

from commands.demo.delivery import ORDERS as DELIVERY_ORDERS
from commands.demo.members import MEMBER, ORDERS_DAYS_AGO, PRICES
from commands.demo.shop import SLOT_CAPACITY, SLOT_HOURS
from commands.demo.waitlist import PRODUCT_SKU
from forms.staff.chat_import import EXAMPLE_CHAIN
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
from models.activities.activity import remaining_slots
from models.activities.fields.products import price_tiers
from models.base import utcnow
from models.catalog.ledger import balance
from models.catalog.products import ProductFamily, Warehouse
from models.catalog.stock import available
from models.chat_import.importing import propose
from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.delivery.runs import CourierRun, stops_of
from models.delivery.shipping import Shipment
from models.delivery.zones import DeliveryZone
from models.leaders.leader import points_of
from models.orders.status import OPEN_STATUSES, STATUSES
from models.promotions.offer import Offer
from models.purchasing.orders import PurchaseOrder
from models.purchasing.suppliers import Supplier
from models.shop_time import shop_today
from models.tiers.prices import TierPrice
from models.waitlist.entry import WaitlistEntry
from tests.helpers import HTMX, PASSWORD, csrf_token_from


def test_demo_builds_a_living_shop_whose_printed_credentials_sign_in(app, runner):
    result = runner.invoke(args=["demo", "--seed", "7"])
    assert result.exit_code == 0, result.output

    assert Product.select().count() == 18  # with the variants: a second apple box, two sauces
    families = {f.name: [p.option for p in f.variants.order_by(Product.id)] for f in ProductFamily}
    assert families == {
        "烟台红富士苹果 Yantai Fuji apples": ["3kg", "5kg"],
        "自制辣椒酱 Homemade chilli sauce": ["原味 Mild", "辣味 Hot"],
    }
    assert PickupPoint.select().count() == 2
    assert Warehouse.select().count() == 2  # the main warehouse and the metro store
    goods = Product.select().where(Product.tracks_stock == True)  # noqa: E712
    assert all(p.cost_price and p.cost_price < p.price for p in goods)  # margins to show
    purchases = {p.status: p for p in PurchaseOrder.select()}
    assert set(purchases) == {"partly_received", "draft"}  # from the one supplier
    assert Supplier.select().count() == 1
    fruit = FormTemplate.get(FormTemplate.slug == "friday-fruit")
    cleaning = FormTemplate.get(FormTemplate.slug == "home-cleaning")
    assert fruit.kind == "goods" and fruit.closes_at is not None
    assert fruit.latest_version().settings["pickup_point_ids"]
    assert all(point.hours for point in PickupPoint.select())  # open on Saturdays
    at_points = Order.select().where(Order.pickup_point.is_null(False))
    assert at_points.count() and all(  # each collected at the first opening after ordering
        o.created_at < o.pickup_starts_at <= o.created_at + timedelta(days=7) for o in at_points
    )
    assert cleaning.kind == "service" and cleaning.latest_version().field("slot")["slots"]

    durian = FormTemplate.get(FormTemplate.slug == "durian-group")
    group = durian.latest_version()
    assert (group.setting("group_minimum"), durian.closes_at > utcnow()) == (8, True)
    assert price_tiers(group.fields) and durian.orders.count() == 3  # 还差 5 人成团
    assert Offer.get(Offer.code == "NEWBIE5").per_customer_limit == 1
    assert Offer.get(Offer.code.is_null()).name == "满200减20"
    [runs] = points_of(User.get(User.email == "leader@example.com"))
    assert runs.id == fruit.latest_version().settings["pickup_point_ids"][0]

    orders = Order.select()
    assert (
        190 + DELIVERY_ORDERS + len(ORDERS_DAYS_AGO)
        <= orders.where(Order.template != durian.id).count()
        <= 200 + DELIVERY_ORDERS + len(ORDERS_DAYS_AGO)
    )
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
            .where(
                OrderLine.product == stock.product,
                OrderLine.warehouse == stock.warehouse,
                Order.status.in_(OPEN_STATUSES),
            )
            .scalar()
        )
        held += (  # and the waiting list's offer (commands/demo/waitlist.py)
            WaitlistEntry.select(fn.COALESCE(fn.SUM(WaitlistEntry.quantity), 0))
            .where(
                WaitlistEntry.product == stock.product,
                WaitlistEntry.warehouse == stock.warehouse,
                WaitlistEntry.status == "offered",
            )
            .scalar()
        )
        assert stock.reserved == held and 0 <= stock.reserved <= stock.on_hand
        assert balance(stock.product_id, stock.warehouse_id) == (stock.on_hand, stock.reserved)

    zones = {zone.name: zone for zone in DeliveryZone.select()}
    assert len(zones) == 2
    [run] = CourierRun.select()  # the courier's, for today
    assert run.courier.email == "courier@example.com" and len(stops_of(run)) == 4
    assert Shipment.select().count() == 2

    for role in ("admin", "staff", "leader", "courier"):
        password = re.search(rf"{role}@example.com\s+password: (\S+)", result.output).group(1)
        browser = app.test_client()
        token = csrf_token_from(browser, "/login")
        response = browser.post(
            "/login",
            data={"csrf_token": token, "email": f"{role}@example.com", "password": password},
        )
        assert response.status_code == 302


AHEAD = {  # meant to be in the future
    *("opens_at", "closes_at", "expires_at", "available_at", "locked_until"),
    *("pickup_starts_at", "pickup_ends_at"),
    *("starts_at", "ends_at"),  # delivery windows (commands/demo/delivery.py)
    "hold_until",  # the waiting list's offer (commands/demo/waitlist.py)
}


def test_demo_has_a_member_who_pays_the_member_prices_on_the_fruit_form(app, runner, client):
    """The 金卡 tier, member prices on three variants, and the regular the demo prints, whose
    completed orders put her in the tier: the form shows 会员价 and, with her phone typed, the
    live total counts the member prices; another phone pays the list prices."""
    result = runner.invoke(args=["demo", "--orders", "20", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert MEMBER[1] in result.output
    [gold] = CustomerTier.select()
    prices = {p.product.sku: p.price for p in TierPrice.select().where(TierPrice.tier == gold.id)}
    assert prices == PRICES
    assert all(Product.get(Product.sku == sku).price > price for sku, price in PRICES.items())
    member = Customer.get(Customer.phone == MEMBER[1])
    assert member.tier_id == gold.id
    assert Order.select().where(
        Order.customer == member.id, Order.status == "completed"
    ).count() == len(ORDERS_DAYS_AGO)

    page = client.get("/f/friday-fruit", headers={"Accept-Language": "zh-CN"})
    assert "会员价 ¥49.00" in page.get_data(as_text=True)  # the 5 kg box's member price
    hot = Product.get(Product.sku == "FD-CHILLI-H")
    query = {f"items-{hot.id}": "2"}
    live = client.get(
        "/f/friday-fruit/live", query_string=query | {"phone": MEMBER[1]}, headers=HTMX
    )
    assert f'data-total="{2 * PRICES["FD-CHILLI-H"]}"' in live.get_data(as_text=True)
    other = client.get(
        "/f/friday-fruit/live", query_string=query | {"phone": "+8613900017777"}, headers=HTMX
    )
    assert f'data-total="{2 * hot.price}"' in other.get_data(as_text=True)


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
    assert User.select().count() == 4  # admin, staff, leader, courier


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


# --- a shop that exists; a forgotten password -------------------------------------------------


def signs_in(app, email: str, password: str, remember: bool = False):
    """A fresh browser signed in with these credentials, or None."""
    browser = app.test_client()
    data = {"csrf_token": csrf_token_from(browser, "/login"), "email": email}
    data |= {"password": password} | ({"remember": "y"} if remember else {})
    return browser if browser.post("/login", data=data).status_code == 302 else None


def test_demo_on_an_existing_shop_says_so_and_how_to_set_a_password(runner):
    assert runner.invoke(args=["demo", "--orders", "3"]).exit_code == 0
    orders = Order.select().count()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1
    assert again.exception is None or isinstance(again.exception, SystemExit), again.exception
    assert "already has a shop" in again.output and "nothing changed" in again.output
    assert "admins: admin@example.com" in again.output
    assert "flask --app app user password EMAIL" in again.output
    assert "IntegrityError" not in again.output
    assert User.select().count() == 4 and Order.select().count() == orders


def test_demo_on_a_shop_made_by_hand_names_its_admins(runner):
    runner.invoke(args=["user", "create", "boss@shop.cn", "--role", "admin", "--password", "x" * 8])
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0
    assert "admins: boss@shop.cn" in again.output and "user password EMAIL" in again.output
    assert Order.select().count() == 0


def test_user_password_asks_twice_hides_it_and_ends_every_session(app, runner, staff):
    kept_signed_in = signs_in(app, staff.email, PASSWORD, remember=True)
    cookie = kept_signed_in.get_cookie("remember_token").value
    result = runner.invoke(
        args=["user", "password", staff.email.upper()],
        input="a brand new one\na brand new one\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert "a brand new one" not in result.output, "the typed password is not echoed"
    assert "every session of this account has ended" in result.output

    assert signs_in(app, staff.email, "a brand new one")
    assert not signs_in(app, staff.email, PASSWORD)
    assert kept_signed_in.get("/board/").status_code == 302
    elsewhere = app.test_client()
    elsewhere.set_cookie("remember_token", cookie)
    assert elsewhere.get("/board/").status_code == 302


def test_user_password_asks_again_when_the_two_differ(app, runner, staff):
    result = runner.invoke(
        args=["user", "password", staff.email],
        input="first try 123\nsecond try 12\nthird time ok\nthird time ok\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert signs_in(app, staff.email, "third time ok")


def test_user_password_refuses_a_short_one_like_the_users_page(app, runner, staff):
    signed_in = signs_in(app, staff.email, PASSWORD)
    result = runner.invoke(args=["user", "password", staff.email], input="short\nshort\n")
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert signs_in(app, staff.email, PASSWORD)
    assert signed_in.get("/board/").status_code == 200, "nothing changed, nobody signed out"


def test_user_password_for_an_unknown_email_says_so(runner):
    result = runner.invoke(args=["user", "password", "nobody@example.com", "--password", "x" * 9])
    assert result.exit_code != 0
    assert "no account has the email nobody@example.com" in result.output


def test_user_password_on_an_inactive_account_says_it_stays_inactive(app, runner, staff):
    User.update(active=False).where(User.id == staff.id).execute()
    result = runner.invoke(args=["user", "password", staff.email, "--password", "x" * 9])
    assert result.exit_code == 0
    assert "inactive" in result.output
    assert not signs_in(app, staff.email, "x" * 9)


def test_demo_has_a_waiting_list_and_a_chain_ready_to_import(app, runner):
    assert runner.invoke(args=["demo", "--orders", "20", "--seed", "7"]).exit_code == 0
    mangosteen = Product.get(Product.sku == PRODUCT_SKU)
    line = list(WaitlistEntry.select().order_by(WaitlistEntry.id))
    assert [(e.product_id, e.status) for e in line] == [
        (mangosteen.id, "offered"),
        (mangosteen.id, "waiting"),
        (mangosteen.id, "waiting"),
    ]
    assert available(mangosteen.id, Warehouse.default().id) == 0  # sold out

    fruit = FormTemplate.get(FormTemplate.slug == "friday-fruit").latest_version()
    proposals = propose(EXAMPLE_CHAIN, fruit)
    assert len(proposals) == 6
    lines = [line for proposal in proposals for line in proposal.lines]
    assert len(lines) == 10 and all(line.match.product for line in lines)
