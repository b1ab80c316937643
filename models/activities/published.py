"""What every order of a published activity reads and no order changes: its template and
version, the products it offers, its pickup points and the warehouse serving each, its delivery
settings and what the form shows of the catalog. Loaded once per configuration generation and
kept by each worker (models/config_cache.py); stock, places and the clock are read per request.
"""

from dataclasses import dataclass, field

from models.activities.fields.products import offered_ids
from models.activities.pickup import PickupPoint, serving_warehouse
from models.activities.template import FormTemplate, FormTemplateVersion
from models.catalog.products import Product, Warehouse
from models.catalog.showcase import Showcase, showcase
from models.config_cache import kept
from models.customers.customer import Customer
from models.customers.tier import tier_names

DELIVERED = None  # the key of the delivery warehouse in `Published.warehouses`

# Loaders of the member prices (会员价) of some products: each takes product ids and returns
# {product id: {tier id: price in fen}}; models/tiers/prices.py registers its table's.
MEMBER_PRICE_LOADERS: list = []


@dataclass(frozen=True)
class Published:
    template: FormTemplate
    version: FormTemplateVersion
    products: dict[int, Product]  # offered and active, by id
    pickup_points: list[PickupPoint]  # offered and active, in the version's order
    warehouses: dict[int | None, Warehouse]  # by pickup point id (DELIVERED: delivery orders)
    main_warehouse: Warehouse
    delivery: dict  # {"enabled", "fee", "free_above"}
    showcase: Showcase
    # {product id: {tier id: price}} of offered products that have member prices, and
    # {tier id: name} of every tier when some do (both empty when none do)
    member_prices: dict[int, dict[int, int]] = field(default_factory=dict)
    tier_names: dict[int, str] = field(default_factory=dict)
    # the parts of the order form written from this publication alone (the `kept` blocks of
    # its templates, blueprints/rendering.py), by locale and part: they go with it
    kept_parts: dict = field(default_factory=dict, compare=False, repr=False)

    def prices_of_tier(self, tier_id: int | None) -> dict[int, int]:
        """{product id: member price} for a customer of this tier (None: no tier)."""
        return prices_of_tier(self.member_prices, tier_id)

    def has_member_prices(self, product_ids) -> bool:
        """Whether any of these products has a member price (no query: what is kept)."""
        return any(pid in self.member_prices for pid in product_ids)

    def member_offers(self) -> dict[int, list[tuple[str, int]]]:
        """What the order form shows beside a product's price: {product id: [(tier name, or ""
        when the shop has one tier, price)]}, lowest price first, only prices below the list
        price (a higher one never applies)."""
        named = len(self.tier_names) > 1
        offers: dict[int, list[tuple[str, int]]] = {}
        for pid, by_tier in self.member_prices.items():
            product = self.products.get(pid)
            below = sorted(
                (price, self.tier_names.get(tier, "") if named else "")
                for tier, price in by_tier.items()
                if product is not None and price < product.price
            )
            if below:
                offers[pid] = [(name, price) for price, name in below]
        return offers

    def member_prices_for(
        self, product_ids, *, phone: str = "", customer_id=None
    ) -> dict[int, int]:
        """{product id: member price} among `product_ids` for the customer with this phone (or
        id): reads their tier (one statement) only when one of the products has a member
        price, else nothing."""
        if not self.has_member_prices(product_ids):
            return {}
        if customer_id is not None:
            tier = Customer.select(Customer.tier).where(Customer.id == customer_id).scalar()
        else:
            tier = Customer.tier_of_phone(phone)
        return self.prices_of_tier(tier)


def prices_of_tier(member_prices: dict[int, dict[int, int]], tier_id: int | None) -> dict[int, int]:
    """{product id: price} of `member_prices` ({product id: {tier id: price}}) for a customer of
    tier `tier_id` (None: no tier, no member price)."""
    if tier_id is None or not member_prices:
        return {}
    return {pid: by_tier[tier_id] for pid, by_tier in member_prices.items() if tier_id in by_tier}


def find_activity(slug: str) -> tuple[FormTemplate, FormTemplateVersion] | None:
    """The template behind a share link and its latest published version (None if never published)."""
    template = FormTemplate.get_or_none(FormTemplate.slug == slug)
    if template is None or template.status == "draft":
        return None
    version = template.latest_version()
    return (template, version) if version else None


def published_by_slug(slug: str) -> Published | None:
    """The activity behind a share link as last published (None: no such published activity)."""

    def load():
        found = find_activity(slug)
        return found and _load(*found)

    return kept(("slug", slug), load)


def published(template: FormTemplate, version: FormTemplateVersion) -> Published:
    """The parts of `version` of `template`: the kept ones when it is the latest published."""
    found = published_by_slug(template.slug)
    if found is not None and found.version.id == version.id:
        return found
    return _load(template, version)


def offered_products(version: FormTemplateVersion) -> dict[int, Product]:
    """{product id: Product} over the version's product fields, active products only."""
    ids = offered_ids(version.fields)
    if not ids:
        return {}
    query = Product.select().where(Product.id.in_(ids), Product.active == True)  # noqa: E712
    return {p.id: p for p in query}


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


def _load(template: FormTemplate, version: FormTemplateVersion) -> Published:
    products = offered_products(version)
    points = pickup_points(version)
    delivery = delivery_settings(version)
    warehouses = {point.id: serving_warehouse(point) for point in points}
    if delivery["enabled"]:
        warehouses[DELIVERED] = serving_warehouse(None)
    members = member_prices_of(list(products))
    return Published(
        template=template,
        version=version,
        products=products,
        pickup_points=points,
        warehouses=warehouses,
        main_warehouse=Warehouse.default(),
        delivery=delivery,
        showcase=showcase(products),
        member_prices=members,
        tier_names=tier_names() if members else {},
    )


def member_prices_of(product_ids: list[int]) -> dict[int, dict[int, int]]:
    """{product id: {tier id: price}} of these products that have member prices."""
    found: dict[int, dict[int, int]] = {}
    for load in MEMBER_PRICE_LOADERS:
        for pid, by_tier in load(product_ids).items():
            found.setdefault(pid, {}).update(by_tier)
    return found
