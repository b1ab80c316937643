"""What a customer sees of an activity: whether it takes orders, what is left, what it costs."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask_babel import lazy_gettext as _l

from models.activities import allotment
from models.activities.pickup import PickupPoint, PickupWindow, window_for
from models.activities.published import Published, delivery_settings, published_by_slug
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import utcnow
from models.catalog.products import Product, Stock, Warehouse
from models.catalog.showcase import Showcase
from models.statements import Slot, StatementPerCount, slots

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


def remaining_stock(
    products: dict[int, Product], warehouse: Warehouse | None = None
) -> dict[int, int | None]:
    """{product id: units still available in `warehouse` (the main one when None)} in one
    query; None for products without stock."""
    tracked = [pid for pid, p in products.items() if p.tracks_stock]
    left: dict[int, int | None] = {pid: None for pid in products} | dict.fromkeys(tracked, 0)
    if tracked:
        warehouse_id = (warehouse or Warehouse.default()).id
        rows = _STOCK.run("product", tracked, warehouse=warehouse_id)
        left.update({product_id: on_hand - reserved for product_id, on_hand, reserved in rows})
    return left


_STOCK = StatementPerCount(
    lambda count: Stock.select(Stock.product, Stock.on_hand, Stock.reserved).where(
        Stock.product.in_(slots("product", count)), Stock.warehouse == Slot("warehouse")
    )
)


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


def closed_by_clock(template: FormTemplate, now: datetime | None = None) -> str | None:
    """NOT_OPEN or CLOSED when the clock (or archiving) keeps the activity from taking orders
    now; None otherwise. Full and sold out are for the order's own transaction to find."""
    now = now or utcnow()
    if template.opens_at and now < template.opens_at:
        return NOT_OPEN
    if has_closed(template, now):
        return CLOSED
    return None


def activity_state(
    template: FormTemplate,
    version: FormTemplateVersion,
    stock_left: dict[int, int | None],
    now: datetime | None = None,
) -> str:
    """OPEN, or why the activity takes no orders now."""
    now = now or utcnow()
    closed = closed_by_clock(template, now)
    if closed:
        return closed
    cap = version.setting("order_cap")
    if cap is not None and allotment.joined(template.id)[0] >= cap:
        return FULL
    if stock_left and all(left is not None and left <= 0 for left in stock_left.values()):
        return SOLD_OUT
    return OPEN


# Unit prices other than the list price for an order placed now: each source takes (version,
# products by id) and returns {product id: unit price} for some; models/groupbuy/tiers.py
# registers the group price in force (阶梯价). The lowest wins, never above the list price.
PRICE_SOURCES: list = []


def unit_prices(
    version: FormTemplateVersion,
    products: dict[int, Product],
    member: dict[int, int] | None = None,
) -> dict[int, int]:
    """What each product costs on an order placed now, by product id (fen): the lowest of its
    list price, the PRICE_SOURCES' and `member`, the member prices of the customer's tier
    ({product id: price}, `Published.prices_of_tier`; models/tiers/prices.py). Placing, the
    form's total, staff order entry and changed quantities all price here."""
    prices = {pid: product.price for pid, product in products.items()}
    for source in PRICE_SOURCES:
        for pid, price in source(version, products).items():
            if pid in prices:
                prices[pid] = min(prices[pid], price)
    for pid, price in (member or {}).items():
        if pid in prices:
            prices[pid] = min(prices[pid], price)
    return prices


def quote(
    version: FormTemplateVersion,
    quantities: dict[int, int],
    products: dict[int, Product],
    *,
    delivered: bool,
    member: dict[int, int] | None = None,
) -> Quote:
    """Subtotal of `quantities` at the prices of an order placed now (`unit_prices`, with the
    customer's `member` prices), plus the delivery fee when delivered."""
    chosen = {pid: products[pid] for pid in quantities if pid in products}
    prices = unit_prices(version, chosen, member) if chosen else {}
    subtotal = sum(prices[pid] * qty for pid, qty in quantities.items() if pid in prices)
    fee = 0
    delivery = delivery_settings(version)
    if delivered and delivery["enabled"]:
        free_above = delivery["free_above"]
        fee = 0 if free_above is not None and subtotal >= free_above else delivery["fee"]
    return Quote(subtotal=subtotal, delivery_fee=fee)


@dataclass
class Activity:
    """Everything the ordering page needs about one activity: what was published (kept
    between requests) and, when asked, the stock left now (a submit that places its order
    never asks)."""

    published: Published

    @cached_property
    def stock_left(self) -> dict[int, int | None]:
        return remaining_stock(self.published.products, self.published.main_warehouse)

    @property
    def template(self) -> FormTemplate:
        return self.published.template

    @property
    def version(self) -> FormTemplateVersion:
        return self.published.version

    @property
    def products(self) -> dict[int, Product]:
        return self.published.products

    @property
    def pickup_points(self) -> list[PickupPoint]:
        return self.published.pickup_points

    @property
    def delivery(self) -> dict:
        return self.published.delivery

    @property
    def showcase(self) -> Showcase:
        """Cover photos and category headings of the offered products."""
        return self.published.showcase

    @cached_property
    def state(self) -> str:
        return activity_state(self.template, self.version, self.stock_left)

    @cached_property
    def slots_left(self) -> dict[str, dict[str, int | None]]:
        return remaining_slots(self.version)

    @cached_property
    def pickup_windows(self) -> dict[int, PickupWindow]:
        """{point id: the window an order placed now there gets}, for points that have one."""
        now = utcnow()
        windows = {
            point.id: window_for(self.version.settings, self.template.closes_at, point, now)
            for point in self.pickup_points
        }
        return {point_id: window for point_id, window in windows.items() if window}


def load_activity(slug: str) -> Activity | None:
    found = published_by_slug(slug)
    if found is None:
        return None
    return Activity(found)


def current_activities() -> list[FormTemplate]:
    """Published activities that have not closed, soonest deadline first (for the landing page)."""
    now = utcnow()
    query = FormTemplate.select().where(
        FormTemplate.status == "published",
        (FormTemplate.closes_at.is_null()) | (FormTemplate.closes_at > now),
    )
    return sorted(query, key=lambda t: (t.closes_at is None, t.closes_at or now, t.title))
