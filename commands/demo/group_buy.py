"""The demo shop's group-buy part: a leader running a pickup point, a 成团 activity with
tiered prices, a coupon and a 满减 (docs/group-buy.md)."""

from datetime import timedelta

from models.accounts.user import User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.base import utcnow
from models.catalog.admin import INITIAL_STOCK, receive_stock
from models.catalog.products import Product, Warehouse
from models.leaders.leader import assign_point
from models.orders.placing import LineRequest, place_order
from models.promotions.offer import Offer

NEIGHBOURS = [("王芳", "13800138101"), ("李雷", "13800138102"), ("陈静", "13800138103")]


def build_group_buy(admin: User) -> FormTemplate:
    """金枕榴莲拼团: happens when 8 people join by its deadline in three days; the price falls
    from ¥158 to ¥148 at 10 units and ¥138 at 20. Three neighbours have joined already."""
    durian = Product.get(Product.sku == "FR-DURIAN")
    receive_stock(durian, Warehouse.default(), 60, reason=str(INITIAL_STOCK))  # for the group
    point = PickupPoint.select().order_by(PickupPoint.id).first()
    now = utcnow()
    template = FormTemplate.create(
        slug="durian-group",
        title="榴莲拼团 / Durian group-buy",
        description="满 8 人成团，买得越多越便宜。\nHappens when 8 people join; the more we buy, "
        "the lower the price.",
        kind="goods",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3),
        draft={
            "fields": [
                {"name": "name", "type": "short_text", "label": "姓名 / Name", "required": True},
                {"name": "phone", "type": "phone", "label": "手机号 / Phone", "required": True},
                {
                    "name": "items",
                    "type": "products",
                    "label": "选购 / Choose",
                    "required": True,
                    "products": [
                        {"product_id": durian.id, "limit": 3, "tiers": [[10, 14800], [20, 13800]]}
                    ],
                },
            ],
            "settings": {
                "pickup_point_ids": [point.id],
                "show_chain_list": True,
                "group_minimum": 8,
                "group_minimum_by": "people",
                "payment_methods": ["at_pickup", "collection_code"],
            },
        },
    )
    version = template.publish(by=admin)
    for n, (name, phone) in enumerate(NEIGHBOURS):
        place_order(
            version=version,
            customer_name=name,
            customer_phone=phone,
            lines=[LineRequest(durian, 2)],
            submission_key=f"{template.id}:demo-{n}",
            pickup_point=point,
        )
    return template


def build_leader(password: str) -> User:
    """团长 Zhou runs the first pickup point (滨江花园东门)."""
    leader = User.register("leader@example.com", "团长 周 Leader Zhou", password, role="leader")
    assign_point(PickupPoint.select().order_by(PickupPoint.id).first(), leader)
    return leader


def build_offers() -> list[Offer]:
    """A coupon for newcomers and a 满减 for every activity."""
    now = utcnow()
    return [
        Offer.create(
            name="新人立减 5 元 / ¥5 off for newcomers",
            code="NEWBIE5",
            value=500,
            min_spend=3000,
            per_customer_limit=1,
            total_limit=200,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=30),
        ),
        Offer.create(name="满200减20", code=None, value=2000, min_spend=20000),
    ]
