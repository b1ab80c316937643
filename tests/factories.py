"""Small factories for domain tests: products with stock, published templates, orders.

They go through the real domain functions (stock.receive, FormTemplate.publish,
place_order) so what they build is what the app itself would build.
"""

import itertools
import uuid

from models.accounts.user import User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate, FormTemplateVersion
from models.catalog import stock
from models.catalog.products import Product, Stock, Warehouse
from models.leaders.leader import assign_point
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.orders.placing import LineRequest, place_order

_phones = itertools.count(1)

EMAIL_FIELD = {"name": "email", "type": "email", "label": "Email"}
APPLES = {"on_hand": 50, "price": 1250, "name": "Apples"}
SAMPLE = {"on_hand": 50, "price": 0, "name": "Tasting box"}  # free


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def cn_mobile(n: int | None = None) -> str:
    """A valid mainland mobile number in E.164, different for every call without `n`."""
    return f"+86138{(next(_phones) if n is None else n) % 100_000_000:08d}"


def make_product(
    on_hand: int | None = 10,
    *,
    price: int = 1000,
    name: str | None = None,
    sku: str | None = None,
    cost_price: int | None = None,
) -> Product:
    """A product with `on_hand` units in the default warehouse; on_hand=None: a service."""
    sku = sku or unique("SKU-")
    product = Product.create(
        name=name or f"Product {sku}",
        sku=sku,
        price=price,
        cost_price=cost_price,
        tracks_stock=on_hand is not None,
    )
    if on_hand is not None:
        stock.receive(product.id, Warehouse.default().id, on_hand)
    return product


def stock_of(product: Product) -> Stock:
    """The product's stock row in the default warehouse, as stored now."""
    return Stock.get(Stock.product == product.id, Stock.warehouse == Warehouse.default().id)


def make_template(
    *, kind: str = "goods", fields: list | None = None, settings: dict | None = None, **extra
) -> FormTemplate:
    slug = extra.pop("slug", None) or unique("tpl-")
    return FormTemplate.create(
        slug=slug,
        title=extra.pop("title", f"Template {slug}"),
        kind=kind,
        draft={
            "fields": fields if fields is not None else [{"name": "name", "type": "short_text"}],
            "settings": settings or {},
        },
        **extra,
    )


def published_version(template: FormTemplate | None = None, **template_options):
    """Publish `template` (a new goods template by default) and return the new version."""
    template = template or make_template(**template_options)
    return template.publish()


def order_for(
    version: FormTemplateVersion,
    items: list[tuple[Product, int]],
    *,
    name: str = "Alice",
    phone: str | None = None,
    key: str | None = None,
    delivery_fee: int = 0,
    **options,
) -> Order:
    """Place an order for `items` [(product, quantity), ...] and return it (raises as place_order)."""
    order, _ = place_order(
        version=version,
        customer_name=name,
        customer_phone=phone or cn_mobile(),
        lines=[LineRequest(product, quantity) for product, quantity in items],
        submission_key=key or unique("key-"),
        delivery_fee=delivery_fee,
        **options,
    )
    return order


def contact_fields() -> list[dict]:
    return [
        {"name": "name", "type": "short_text", "label": "Name", "required": True},
        {"name": "phone", "type": "phone", "label": "Phone", "required": True},
    ]


def make_activity(
    products: list[Product],
    *,
    limit: int = 10,
    extra_fields: list | None = None,
    settings: dict | None = None,
    kind: str = "goods",
    **template_options,
) -> FormTemplateVersion:
    """A published activity like a shop's: contact fields, one products field, then extras."""
    fields = contact_fields()
    if products:
        fields.append(
            {
                "name": "items",
                "type": "products",
                "label": "Items",
                "required": True,
                "products": [{"product_id": p.id, "limit": limit} for p in products],
            }
        )
    fields += extra_fields or []
    template = make_template(
        kind=kind, fields=fields, settings=settings, status="draft", **template_options
    )
    return template.publish()


def make_shop(
    products: dict[str, dict] | None = None,
    points: dict[str, dict] | None = None,
    *,
    fields=None,
    **activity_options,
) -> dict:
    """A shop: `products` by key (make_product's options, in order; default: 50 apples at
    ¥12.50), pickup `points` by key (PickupPoint's columns) that the activity offers, and a
    published activity of the products (make_activity's options). `fields`: a bare template
    with these fields instead (or a function of the products giving them).

    Returns the products and points by their keys, and the published "version"."""
    made = {
        key: make_product(**options) for key, options in (products or {"apples": APPLES}).items()
    }
    places = {key: PickupPoint.create(**columns) for key, columns in (points or {}).items()}
    if fields is not None:
        fields = fields(made) if callable(fields) else fields
        version = published_version(fields=fields, **activity_options)
    else:
        if places:
            settings = activity_options.get("settings") or {}
            pickup = {"pickup_point_ids": [point.id for point in places.values()]}
            activity_options["settings"] = pickup | settings
        version = make_activity(list(made.values()), **activity_options)
    return {**made, **places, "version": version}


def leader_shop_order(leader: User, **options) -> Order:
    """A confirmed order at a pickup point `leader` runs (a new point and activity)."""
    point = PickupPoint.create(name=unique("Point "), address="1 Leader Rd")
    assign_point(point, leader)
    product = make_product(20)
    version = make_activity([product], settings={"pickup_point_ids": [point.id]})
    order = order_for(version, [(product, 1)], pickup_point=point, **options)
    return transition_order(order, "confirmed", Actor.system())
