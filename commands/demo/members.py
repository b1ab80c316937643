"""The demo's member prices (会员价, docs/customers.md): a 金卡 tier for the customers with 3
orders completed in the last 90 days, member prices on both boxes of apples and the hot chilli
sauce, and a regular known by her phone, 王芳 (MEMBER), whose three completed orders put her in
the tier once the sales rollups are counted (`rebuild`, at the end of the demo): typing her
phone on the fruit form counts the member prices in the live total."""

import random
from datetime import timedelta

from commands.demo.shop import COMPLETED, _backdate, _place_with_retries, _walk
from models.accounts.user import User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.base import utcnow
from models.catalog.products import Product
from models.tiers.admin import TierDetails, save_tier
from models.tiers.prices import save_member_prices, stamp

TIER = TierDetails(name="金卡 Gold", rank=1, min_orders=3, days=90)
PRICES = {"FR-APPLE": 3200, "FR-APPLE-5": 4900, "FD-CHILLI-H": 1600}  # fen, below the list
MEMBER = ("王芳", "+8613900018888")
ORDERS_DAYS_AGO = (24, 15, 8)  # her completed orders


def build_member_prices() -> None:
    """The tier and its member prices."""
    tier = save_tier(None, TIER)
    for product in Product.select().where(Product.sku.in_(list(PRICES))):
        save_member_prices(product, stamp({}), {tier.id: PRICES[product.sku]})


def place_member_orders(template: FormTemplate, staff: list[User], rng: random.Random) -> int:
    """The regular's orders of what has member prices, each completed; how many."""
    version = template.latest_version()
    goods = list(Product.select().where(Product.sku.in_(list(PRICES))))
    points = list(PickupPoint.select())
    placed = 0
    for days in ORDERS_DAYS_AGO:
        order = _place_with_retries(template, version, *MEMBER, goods, [], points, rng)
        if order is None:
            continue
        order = _walk(order, COMPLETED, staff, rng)
        _backdate(order, utcnow() - timedelta(days=days, hours=rng.randint(1, 8)), rng)
        placed += 1
    return placed
