"""What every order of a published activity reads and no order changes: its template and
version, the products it offers, its pickup points and the warehouse serving each, its delivery
settings and what the form shows of the catalog. Loaded once per configuration generation and
kept by each worker (models/config_cache.py); stock, places and the clock are read per request.
"""

from dataclasses import dataclass

from models.activities.fields.products import offered_ids
from models.activities.pickup import PickupPoint, serving_warehouse
from models.activities.template import FormTemplate, FormTemplateVersion
from models.catalog.products import Product, Warehouse
from models.catalog.showcase import Showcase, showcase
from models.config_cache import kept

DELIVERED = None  # the key of the delivery warehouse in `Published.warehouses`


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
    return Published(
        template=template,
        version=version,
        products=products,
        pickup_points=points,
        warehouses=warehouses,
        main_warehouse=Warehouse.default(),
        delivery=delivery,
        showcase=showcase(products),
    )
