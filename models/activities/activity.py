"""What a customer sees of an activity: whether it takes orders, what is left, what it costs."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask_babel import lazy_gettext as _l

from models.activities import allotment
from models.activities.fields.products import offered_ids
from models.activities.pickup import PickupPoint, PickupWindow, window_for
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import utcnow
from models.catalog.products import Product, Stock, Warehouse
from models.catalog.showcase import Showcase, showcase

OPEN, NOT_OPEN, CLOSED, FULL, SOLD_OUT = "open", "not_open", "closed", "full", "sold_out"

STATE_TITLES = {
    NOT_OPEN: _l("Not open yet"),
    CLOSED: _l("This activity has closed"),
    FULL: _l("This activity is full"),
    SOLD_OUT: _l("Sold out"),
}


@dataclass(frozen=True)
class Quote:
    """What an order costs, in fen."""

    subtotal: int
    delivery_fee: int
    discount: int = 0  # a coupon's or 满减 (models/promotions/pricing.py), on the items

    @property
    def total(self) -> int:
        return self.subtotal + self.delivery_fee - self.discount


def find_activity(slug: str) -> tuple[FormTemplate, FormTemplateVersion] | None:
    """The template behind a share link and its latest published version (None if never published)."""
    template = FormTemplate.get_or_none(FormTemplate.slug == slug)
    if template is None or template.status == "draft":
        return None
    version = template.latest_version()
    return (template, version) if version else None


def offered_products(version: FormTemplateVersion) -> dict[int, Product]:
    """{product id: Product} over the version's product fields, active products only."""
    ids = offered_ids(version.fields)
    if not ids:
        return {}
    query = Product.select().where(Product.id.in_(ids), Product.active == True)  # noqa: E712
    return {p.id: p for p in query}


def remaining_stock(products: dict[int, Product]) -> dict[int, int | None]:
    """{product id: units still available} in one query; None for products without stock."""
    tracked = [pid for pid, p in products.items() if p.tracks_stock]
    left: dict[int, int | None] = {pid: None for pid in products} | dict.fromkeys(tracked, 0)
    if tracked:
        rows = Stock.select(Stock.product, Stock.on_hand, Stock.reserved).where(
            Stock.product.in_(tracked), Stock.warehouse == Warehouse.default().id
        )
        left.update({row.product_id: row.on_hand - row.reserved for row in rows})
    return left


def remaining_slots(version: FormTemplateVersion) -> dict[str, dict[str, int | None]]:
    """{field name: {slot id: places left}} for the version's time-slot fields."""
    fields = [spec for spec in version.fields if spec["type"] == "time_slot"]
    keys = [
        allotment.slot_key(spec["name"], str(slot["id"]))
        for spec in fields
        for slot in spec.get("slots") or []
    ]
    taken = allotment.taken(version.template_id, keys) if keys else {}

    def left(name: str, slot: dict) -> int | None:
        if slot.get("capacity") is None:
            return None
        return max(int(slot["capacity"]) - taken[allotment.slot_key(name, str(slot["id"]))], 0)

    return {
        spec["name"]: {
            str(slot["id"]): left(spec["name"], slot) for slot in spec.get("slots") or []
        }
        for spec in fields
    }


def has_closed(template: FormTemplate, now: datetime | None = None) -> bool:
    """Archived, or past its deadline: it takes no orders, and orders taken stay as they are."""
    now = now or utcnow()
    return template.status == "archived" or bool(template.closes_at and now >= template.closes_at)


def activity_state(
    template: FormTemplate,
    version: FormTemplateVersion,
    stock_left: dict[int, int | None],
    now: datetime | None = None,
) -> str:
    """OPEN, or why the activity takes no orders now."""
    now = now or utcnow()
    if template.opens_at and now < template.opens_at:
        return NOT_OPEN
    if has_closed(template, now):
        return CLOSED
    cap = version.setting("order_cap")
    if (
        cap is not None
        and allotment.taken(template.id, [allotment.ORDERS])[allotment.ORDERS] >= cap
    ):
        return FULL
    if stock_left and all(left is not None and left <= 0 for left in stock_left.values()):
        return SOLD_OUT
    return OPEN


def pickup_points(version: FormTemplateVersion) -> list[PickupPoint]:
    ids = version.setting("pickup_point_ids") or []
    if not ids:
        return []
    points = PickupPoint.select().where(PickupPoint.id.in_(ids), PickupPoint.active == True)  # noqa: E712
    by_id = {p.id: p for p in points}
    return [by_id[i] for i in ids if i in by_id]


def delivery_settings(version: FormTemplateVersion) -> dict:
    """{"enabled", "fee", "free_above"} with defaults; delivery is off unless enabled."""
    delivery = version.setting("delivery") or {}
    return {
        "enabled": bool(delivery.get("enabled")),
        "fee": int(delivery.get("fee") or 0),
        "free_above": delivery.get("free_above"),
    }


# Unit prices other than the list price for an order placed now: each source takes (version,
# products by id) and returns {product id: unit price} for some; models/groupbuy/tiers.py
# registers the group price in force (阶梯价). The lowest wins, never above the list price.
PRICE_SOURCES: list = []


def unit_prices(version: FormTemplateVersion, products: dict[int, Product]) -> dict[int, int]:
    """What each product costs on an order placed now, by product id (fen)."""
    prices = {pid: product.price for pid, product in products.items()}
    for source in PRICE_SOURCES:
        for pid, price in source(version, products).items():
            if pid in prices:
                prices[pid] = min(prices[pid], price)
    return prices


def quote(
    version: FormTemplateVersion,
    quantities: dict[int, int],
    products: dict[int, Product],
    *,
    delivered: bool,
) -> Quote:
    """Subtotal of `quantities` at the prices of an order placed now (`unit_prices`), plus the
    delivery fee when delivered."""
    chosen = {pid: products[pid] for pid in quantities if pid in products}
    prices = unit_prices(version, chosen) if chosen else {}
    subtotal = sum(prices[pid] * qty for pid, qty in quantities.items() if pid in prices)
    fee = 0
    delivery = delivery_settings(version)
    if delivered and delivery["enabled"]:
        free_above = delivery["free_above"]
        fee = 0 if free_above is not None and subtotal >= free_above else delivery["fee"]
    return Quote(subtotal=subtotal, delivery_fee=fee)


@dataclass
class Activity:
    """Everything the ordering page needs about one activity, loaded once per request."""

    template: FormTemplate
    version: FormTemplateVersion
    products: dict[int, Product]
    stock_left: dict[int, int | None]

    @cached_property
    def state(self) -> str:
        return activity_state(self.template, self.version, self.stock_left)

    @cached_property
    def slots_left(self) -> dict[str, dict[str, int | None]]:
        return remaining_slots(self.version)

    @cached_property
    def pickup_points(self) -> list[PickupPoint]:
        return pickup_points(self.version)

    @cached_property
    def pickup_windows(self) -> dict[int, PickupWindow]:
        """{point id: the window an order placed now there gets}, for points that have one."""
        now = utcnow()
        windows = {
            point.id: window_for(self.version.settings, self.template.closes_at, point, now)
            for point in self.pickup_points
        }
        return {point_id: window for point_id, window in windows.items() if window}

    @cached_property
    def delivery(self) -> dict:
        return delivery_settings(self.version)

    @cached_property
    def showcase(self) -> Showcase:
        """Cover photos and category headings of the offered products."""
        return showcase(self.products)


def load_activity(slug: str) -> Activity | None:
    found = find_activity(slug)
    if found is None:
        return None
    template, version = found
    products = offered_products(version)
    return Activity(template, version, products, remaining_stock(products))


def current_activities() -> list[FormTemplate]:
    """Published activities that have not closed, soonest deadline first (for the landing page)."""
    now = utcnow()
    query = FormTemplate.select().where(
        FormTemplate.status == "published",
        (FormTemplate.closes_at.is_null()) | (FormTemplate.closes_at > now),
    )
    return sorted(query, key=lambda t: (t.closes_at is None, t.closes_at or now, t.title))
