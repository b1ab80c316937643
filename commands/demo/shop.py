"""The demo shop's catalog, activities and orders, built through the real domain functions."""

import io
import random
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import segno
from flask import current_app

from commands.demo.people import NAMES, REMARKS
from commands.demo.photos import build_categories_and_photos
from commands.demo.timeline import fit_before
from models.accounts.user import User
from models.activities.pickup import (
    PickupPoint,
    create_pickup_point,
    next_opening,
    set_serving_warehouse,
)
from models.activities.template import FormTemplate
from models.automation.rules import save_rule
from models.base import utcnow
from models.catalog.admin import INITIAL_STOCK, receive_stock
from models.catalog.products import Product, Warehouse
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.db import db
from models.errors import OutOfStock
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, assign_order, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.placing import LineRequest, SlotFull, place_order
from models.orders.status import OrderStatus
from models.payments.collection_codes import upload_collection_code

# name, sku, price in fen, unit, on hand (None: a service, no stock)
CATALOG = [
    ("丹东草莓 Dandong strawberries", "FR-STRAW", 3990, "500g", 260),
    ("赣南脐橙 Gannan navel oranges", "FR-ORANGE", 5900, "5kg", 300),
    ("阳光玫瑰葡萄 Shine Muscat grapes", "FR-GRAPE", 4500, "1kg", 220),
    ("烟台红富士苹果 Yantai Fuji apples", "FR-APPLE", 3500, "3kg", 320),
    ("海南金煌芒 Hainan mangoes", "FR-MANGO", 4800, "2.5kg", 180),
    ("智利车厘子 Chilean cherries", "FR-CHERRY", 9800, "1kg", 90),
    ("云南蓝莓 Yunnan blueberries", "FR-BLUE", 5200, "125g×4", 150),
    ("新疆哈密瓜 Hami melon", "FR-MELON", 2990, "1 个", 140),
    ("徐香猕猴桃 Kiwifruit", "FR-KIWI", 3200, "2kg", 200),
    ("广西砂糖橘 Sugar tangerines", "FR-TANG", 2600, "2.5kg", 260),
    ("泰国山竹 Mangosteen", "FR-MANGOS", 6800, "1kg", 40),
    ("金枕榴莲 Durian", "FR-DURIAN", 15800, "1 个", 25),
    ("日常保洁 2 小时 Home cleaning, 2 hours", "SV-CLEAN2", 12000, "次", None),
    ("深度保洁 4 小时 Deep cleaning, 4 hours", "SV-CLEAN4", 26000, "次", None),
    ("擦窗加购 Window add-on", "SV-WINDOW", 6000, "次", None),
]
# Other names the group chats use (the chat import matches them, docs/group-buy.md)
ALIASES = {"FR-MANGO": ["芒果"], "FR-TANG": ["砂糖橘"], "FR-GRAPE": ["阳光玫瑰"]}

COST_SHARE = 0.62  # what the fruit costs the shop, of its price

# Home cleaning takes bookings for the coming two weeks, with room left after the demo's own
# bookings (about one in five demo orders) for anyone trying the shop.
SLOT_DAYS = 14
SLOT_HOURS = ("09:00–11:00", "14:00–16:00", "18:00–20:00")
SLOT_CAPACITY = 4
SATURDAY, SUNDAY = 5, 6


def _to_utc(local: datetime) -> datetime:
    zone = ZoneInfo(current_app.config["SHOP_TIMEZONE"])
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _shop_now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["SHOP_TIMEZONE"])).replace(tzinfo=None)


def build_catalog() -> list[Product]:
    """The products, in the main warehouse and (a few of each) in the metro store, which takes
    from the main warehouse when short."""
    warehouse = Warehouse.default()
    metro = create_warehouse(
        WarehouseDetails(
            code="metro",
            name="地铁店 Metro store",
            address="人民路地铁站",
            fallback_id=warehouse.id,
        )
    )
    products = []
    for name, sku, price, unit, on_hand in CATALOG:
        goods = on_hand is not None
        product = Product.create(
            name=name,
            sku=sku,
            price=price,
            cost_price=round(price * COST_SHARE) if goods else None,  # the margins' cost
            unit=unit,
            tracks_stock=goods,
            aliases=ALIASES.get(sku, []),
        )
        if on_hand is not None:
            receive_stock(product, warehouse, on_hand, reason=str(INITIAL_STOCK))
            receive_stock(product, metro, max(on_hand // 5, 1), reason=str(INITIAL_STOCK))
        products.append(product)
    build_categories_and_photos(products)
    return products


def _field(name, kind, label, **extra):
    return {
        "name": name,
        "type": kind,
        "label": label,
        "required": extra.pop("required", False),
        **extra,
    }


def build_templates(products: list[Product], admin: User) -> list[FormTemplate]:
    goods = [p for p in products if p.tracks_stock]
    services = [p for p in products if not p.tracks_stock]
    points = [  # open on Saturdays, the day after the fruit group-buy closes
        create_pickup_point(
            "滨江花园东门 Binjiang Garden east gate",
            "滨江路 88 号",
            {SATURDAY: (time(10), time(12)), SUNDAY: (time(10), time(12))},
        ),
        create_pickup_point(
            "地铁 2 号线 B 口 Metro line 2, exit B",
            "人民路地铁站",
            {SATURDAY: (time(17), time(19))},
        ),
    ]
    set_serving_warehouse(points[1], Warehouse.get(Warehouse.code == "metro"))
    today = _shop_now().replace(hour=0, minute=0, second=0, microsecond=0)
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7, hours=20)
    fruit = FormTemplate.create(
        slug="friday-fruit",
        title="周五水果团 / Friday fruit group-buy",
        description="每周五晚 8 点截单，周六自提。\nOrders close Friday 8 pm; pick up on Saturday.",
        kind="goods",
        opens_at=_to_utc(today - timedelta(days=30)),
        closes_at=_to_utc(friday),
        draft={
            "fields": [
                _field("name", "short_text", "姓名 / Name", required=True, max_length=40),
                _field("phone", "phone", "手机号 / Phone", required=True),
                _field(
                    "items",
                    "products",
                    "选购 / Choose",
                    required=True,
                    products=[{"product_id": p.id, "limit": 10} for p in goods],
                ),
                _field("remark", "long_text", "备注 / Notes", max_length=200),
            ],
            "settings": {
                "pickup_point_ids": [p.id for p in points],
                "show_chain_list": True,
                "order_cap": 500,
                "pickup_reminder_minutes": 120,
                "payment_methods": ["at_pickup", "collection_code"],
                # delivered in the zones of commands/demo/delivery.py, at their fees
                "delivery": {"enabled": True, "fee": 800, "free_above": 10000},
            },
        },
    )
    slots = [
        {
            "id": f"{(today + timedelta(days=d)):%Y-%m-%d} {hour}",
            "label": f"{(today + timedelta(days=d)):%m-%d} {hour}",
            "capacity": SLOT_CAPACITY,
        }
        for d in range(1, SLOT_DAYS + 1)
        for hour in SLOT_HOURS
    ]
    cleaning = FormTemplate.create(
        slug="home-cleaning",
        title="上门保洁 / Home cleaning",
        description="选择时间段，我们上门服务。\nPick a time slot and we come to you.",
        kind="service",
        opens_at=_to_utc(today - timedelta(days=30)),
        draft={
            "fields": [
                _field("name", "short_text", "姓名 / Name", required=True, max_length=40),
                _field("phone", "phone", "手机号 / Phone", required=True),
                _field(
                    "service",
                    "products",
                    "服务 / Service",
                    required=True,
                    products=[{"product_id": p.id, "limit": 1} for p in services],
                ),
                _field("slot", "time_slot", "时间 / Time slot", required=True, slots=slots),
                _field("address", "address", "地址 / Address", required=True),
                _field(
                    "size",
                    "choice",
                    "户型 / Home size",
                    options=["一居室 1 bedroom", "两居室 2 bedrooms", "三居室+ 3+"],
                ),
                _field("requests", "long_text", "特别要求 / Requests", max_length=300),
            ],
            "settings": {"show_chain_list": False, "pickup_reminder_minutes": 120},
        },
    )
    build_collection_code(admin)
    for template in (fruit, cleaning):
        template.publish(by=admin)
    return [fruit, cleaning]


def build_collection_code(admin: User) -> None:
    """A stand-in for the shop's WeChat Pay collection code (收款码): a QR code of a made-up
    payee, so the fruit form's customers see the payment step."""
    image = io.BytesIO()
    segno.make("wxp://demo-shop-collection-code", error="m").save(image, kind="png", scale=8)
    upload_collection_code("wechat", image.getvalue(), admin)


# A confirmed order that is paid goes to fulfilment (docs/payments.md, "Paying online").
PAID_STARTS_FULFILMENT = {
    "name": "付款完成 → 开始备货 / Payment done → fulfilment starts",
    "trigger": "payment_recorded",
    "conditions": [{"kind": "status", "value": "confirmed"}],
    "actions": [{"kind": "set_status", "status": "processing"}],
}


def build_rules(templates: list[FormTemplate], staff: list[User]) -> None:
    """The rules the demo shop ships switched on; they act on orders placed after seeding."""
    fruit = templates[0]
    admin, clerk = staff
    save_rule(None, admin, enabled=True, **PAID_STARTS_FULFILMENT)
    first, second = fruit.latest_version().settings["pickup_point_ids"]
    save_rule(
        None,
        admin,
        name="小额水果团自动确认 / Auto-confirm fruit orders up to ¥300",
        trigger="order_created",
        enabled=True,
        conditions=[
            {"kind": "template", "value": fruit.id},
            {"kind": "total_at_most", "value": 30000},
        ],
        actions=[{"kind": "confirm"}],
    )
    save_rule(
        None,
        admin,
        name="按自提点分配 / Assign by pickup point",
        trigger="order_created",
        enabled=True,
        conditions=[],
        actions=[
            {"kind": "assign_pickup_point", "points": {str(first): clerk.id, str(second): admin.id}}
        ],
    )


def settle_seeded_work() -> int:
    """Mark the outbox work seeding left (messages, rule runs for the invented orders) done,
    so a fresh demo shop does not flood inboxes; return how many rows."""
    return (
        Outbox.update(status=Outbox.DONE, done_at=utcnow())
        .where(Outbox.status == Outbox.OPEN)
        .execute()
    )


PENDING, CONFIRMED, PROCESSING, READY, _SHIPPED, COMPLETED, CANCELLED = OrderStatus


def _target_status(age_days: float, rng: random.Random) -> str:
    if age_days < 1.5:
        choices = {PENDING: 6, CONFIRMED: 3, CANCELLED: 1}
    elif age_days < 7:
        choices = {CONFIRMED: 2, PROCESSING: 3, READY: 3, COMPLETED: 3, CANCELLED: 1}
    else:
        choices = {COMPLETED: 8, CANCELLED: 2, READY: 1}
    return rng.choices(list(choices), weights=list(choices.values()))[0]


PATH = [PENDING, CONFIRMED, PROCESSING, READY, COMPLETED]


def _walk(order: Order, target: str, staff: list[User], rng: random.Random) -> Order:
    """Move `order` step by step to `target` the way a shop would."""
    actor = Actor.of_user(rng.choice(staff))
    if target == CANCELLED:
        stop = rng.choice(PATH[:3])
        for status in PATH[1 : PATH.index(stop) + 1]:
            order = transition_order(order, status, actor)
        canceller = (
            Actor.of_customer(order.customer) if stop == PENDING and rng.random() < 0.5 else actor
        )
        return transition_order(
            order, CANCELLED, canceller, note="客户改期 / customer changed plans"
        )
    if target != PENDING and rng.random() < 0.7:
        order = assign_order(order, rng.choice(staff), actor)
    for status in PATH[1 : PATH.index(target) + 1]:
        order = transition_order(order, status, actor)
    return order


def _backdate(order: Order, placed_at: datetime, rng: random.Random) -> None:
    """Spread an order's events over the hours after `placed_at`, as if it happened then, but
    never later than now; its pickup window is the point's first opening after that."""
    events = list(order.events.order_by(OrderEvent.id))
    gaps = [rng.randint(20, 600) for _ in events[1:]]
    moments = fit_before(placed_at, utcnow(), gaps)
    with db.atomic():
        for event, moment in zip(events, moments, strict=True):
            OrderEvent.update(created_at=moment).where(OrderEvent.id == event.id).execute()
        window = order.pickup_point_id and next_opening(order.pickup_point, placed_at)
        Order.update(
            created_at=placed_at,
            updated_at=moments[-1],
            pickup_starts_at=window.starts_at if window else None,
            pickup_ends_at=window.ends_at if window else None,
        ).where(Order.id == order.id).execute()


def _lines_for(
    template: FormTemplate, products: list[Product], rng: random.Random
) -> list[LineRequest]:
    if template.kind == "service":
        picked = [rng.choice(products[:2])] + ([products[2]] if rng.random() < 0.3 else [])
        return [LineRequest(p, 1) for p in picked]
    return [LineRequest(p, rng.randint(1, 3)) for p in rng.sample(products, rng.randint(1, 3))]


def _answers(template: FormTemplate, name: str, phone: str, rng: random.Random) -> dict:
    answers = {"name": name, "phone": phone}
    if template.kind == "service":
        slots = template.latest_version().field("slot")["slots"]
        answers |= {
            "slot": rng.choice(slots)["id"],
            "address": f"幸福小区 {rng.randint(1, 30)} 栋 {rng.randint(101, 2508)} 室",
            "size": rng.choice(["一居室 1 bedroom", "两居室 2 bedrooms", "三居室+ 3+"]),
        }
    else:
        answers["remark"] = rng.choice(REMARKS)
    return answers


def _place_with_retries(template, version, name, phone, goods, services, points, rng, tries=5):
    """Place one order, choosing other items or another time slot when the first is taken."""
    for _ in range(tries):
        answers = _answers(template, name, phone, rng)
        try:
            order, _ = place_order(
                version=version,
                customer_name=name,
                customer_phone=phone,
                lines=_lines_for(template, services if template.kind == "service" else goods, rng),
                submission_key=uuid.uuid4().hex,
                answers=answers,
                pickup_point=rng.choice(points) if template.kind == "goods" else None,
                address=answers.get("address", ""),
            )
            return order
        except (OutOfStock, SlotFull):
            continue
    return None


def place_demo_orders(
    templates: list[FormTemplate], staff: list[User], count: int, rng: random.Random
) -> int:
    """Place `count` orders over the last 30 days and walk each to a plausible status."""
    fruit, cleaning = templates
    versions = {t.id: t.latest_version() for t in templates}
    goods = [p for p in Product.select().where(Product.tracks_stock == True)]  # noqa: E712
    services = [p for p in Product.select().where(Product.tracks_stock == False)]  # noqa: E712
    points = list(PickupPoint.select())
    people = [
        (name, f"+86 13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}")
        for name in NAMES * 2
    ]
    now = utcnow()
    placed_times = sorted(now - timedelta(days=30 * rng.random() ** 1.3) for _ in range(count))
    created = 0
    for placed_at in placed_times:
        template = fruit if rng.random() < 0.8 else cleaning
        name, phone = rng.choice(people)
        order = _place_with_retries(
            template, versions[template.id], name, phone, goods, services, points, rng
        )
        if order is None:
            continue
        order = _walk(
            order, _target_status((now - placed_at).total_seconds() / 86400, rng), staff, rng
        )
        _backdate(order, placed_at, rng)
        created += 1
    return created
