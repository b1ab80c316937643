"""What admins do with the catalog (/admin/products): list, add and change products, and the
stock on the shelf.

Stock changes made by hand are one conditional UPDATE each (models/catalog/stock.py), recorded in
the stock ledger (models/catalog/ledger.py) in the same transaction:

- received: on hand grows by N (N ≥ 1);
- written off: on hand drops by N, with a reason, only as far as units are not held by open
  orders (on hand never drops below reserved, nor below 0);
- counted: a stock-take sets on hand to N, which must cover what orders hold; the movement
  records the difference to what was on hand.

Orders reserve, release and consume stock on their own (models/orders/placing.py,
models/orders/lifecycle.py), through the same ledger. An inactive product is no longer offered
(models/activities/activity.py `offered_products`); orders already placed keep it.
"""

from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from peewee import JOIN, Case, IntegrityError, Tuple, fn

from models.accounts.user import User
from models.audit.log import record
from models.catalog import stock
from models.catalog.ledger import LedgerFilter, StockMovement, ledger_page
from models.catalog.products import Product, Stock, Warehouse
from models.catalog.signals import stock_moved
from models.db import db, locked
from models.errors import DomainError
from models.matching import ilike

MOVEMENTS_SHOWN = 50


INITIAL_STOCK = _l("Initial stock")  # the reason of a new product's first units


class SkuTaken(DomainError):
    """`details["holder"]`: the product that has the SKU."""

    def __init__(self, sku: str, holder: Product):
        super().__init__(
            _l("The SKU “%(sku)s” is already used by “%(name)s”.", sku=sku, name=holder.name),
            holder=holder,
        )


class NotEnoughFree(DomainError):
    message = _l("Not enough units that orders do not hold.")


class HeldByOrders(DomainError):
    message = _l("Open orders hold more units than that.")


class InvalidStockChange(DomainError):
    message = _l("Enter a whole number of units.")


class StockBusy(DomainError):
    message = _l("The stock changed while saving. Try again.")


@dataclass(frozen=True)
class ProductDetails:
    """What the product form edits; price in fen."""

    name: str
    sku: str
    price: int
    cost_price: int | None = None  # fen; None: not known
    unit: str = ""
    description: str = ""
    tracks_stock: bool = True
    active: bool = True
    aliases: tuple[str, ...] = ()  # other names chats use (models/chat_import/match.py)
    category_id: int | None = None  # models/catalog/categories.py


@dataclass(frozen=True)
class ProductRow:
    """A product of the list with its stock summed over warehouses."""

    product: Product
    on_hand: int
    reserved: int
    low: int = 0  # warehouses where it is low on stock (models/catalog/alerts.py)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class WarehouseStock:
    warehouse: Warehouse
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


# Products ----------------------------------------------------------------------------


NO_CATEGORY = 0  # `product_list(category=…)`: the products without one
PRODUCTS_SHOWN = 50  # a page of the list


def _listed(search: str, include_inactive: bool, category: int | None, low_only: bool):
    """The ids of the products listed, in the list's order (for sale first, then by name and
    id): what the index (active, name, id) reads in order (migration 0064)."""
    query = Product.select(Product.id).order_by(Product.active.desc(), Product.name, Product.id)
    if not include_inactive:  # one value of `active`: the index is in (name, id) order within it
        query = query.where(Product.active == True).order_by(Product.name, Product.id)  # noqa: E712
    if search:
        query = query.where(ilike(Product.name, search) | ilike(Product.sku, search))
    if category == NO_CATEGORY:
        query = query.where(Product.category.is_null())
    elif category is not None:
        query = query.where(Product.category == category)
    if low_only:
        low = Stock.select(Stock.product).where(Stock.low_since.is_null(False))
        query = query.where(Product.tracks_stock == True, Product.id.in_(low))  # noqa: E712
    return query


def _after(query, after: int, include_inactive: bool):
    """`query` continued past product `after` in the list's order (a keyset: the page costs
    what the first costs however deep it is). An id that is no product: from the start."""
    last = Product.select(Product.active, Product.name).where(Product.id == after).first()
    if last is None:
        return query
    later = Tuple(Product.name, Product.id) > Tuple(last.name, after)
    if last.active and not include_inactive:  # the for-sale ones only: within them, by name
        return query.where(later)
    if last.active:
        return query.where(((Product.active == True) & later) | (Product.active == False))  # noqa: E712
    return query.where((Product.active == False) & later)  # noqa: E712


def product_list(
    search: str = "",
    *,
    include_inactive: bool = False,
    category: int | None = None,
    low_only: bool = False,
    after: int | None = None,
    size: int = PRODUCTS_SHOWN,
) -> tuple[list[ProductRow], int | None]:
    """A page of the products whose name or SKU contains `search` (any case), for sale first,
    then by name, after product `after`; each with its stock summed over warehouses and the
    warehouses where it is low; and the `after` of the next page (None on the last). One query
    (two past the first page): the page's ids first, then the stock of those only.
    `category`: only those in it (NO_CATEGORY: those in none); `low_only`: only those low on
    stock in some warehouse (models/catalog/alerts.py)."""
    page = _listed(search, include_inactive, category, low_only)
    if after:
        page = _after(page, after, include_inactive)
    on_hand = fn.COALESCE(fn.SUM(Stock.on_hand), 0)
    reserved = fn.COALESCE(fn.SUM(Stock.reserved), 0)
    low = fn.COALESCE(fn.SUM(Case(None, [(Stock.low_since.is_null(False), 1)], 0)), 0)
    query = (
        Product.select(
            Product,
            on_hand.alias("total_on_hand"),
            reserved.alias("total_reserved"),
            low.alias("low_in"),
        )
        .join(Stock, JOIN.LEFT_OUTER, on=(Stock.product == Product.id))
        .where(Product.id.in_(page.limit(size + 1)))
        .group_by(Product.id)
        .order_by(Product.active.desc(), Product.name, Product.id)
    )
    rows = [
        ProductRow(p, int(p.total_on_hand), int(p.total_reserved), int(p.low_in)) for p in query
    ]
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].product.id if more else None)


def sku_holder(sku: str, *, other_than: Product | None = None) -> Product | None:
    query = Product.select().where(Product.sku == sku)
    if other_than is not None:
        query = query.where(Product.id != other_than.id)
    return query.first()


def _refuse_taken_sku(sku: str, product: Product | None) -> None:
    holder = sku_holder(sku, other_than=product)
    if holder is not None:
        raise SkuTaken(sku, holder)


def create_product(details: ProductDetails, initial_stock: int = 0, by: User | None = None):
    """Add a product; a product that tracks stock gets its row in the default warehouse, with
    `initial_stock` units received. One transaction. Raises SkuTaken."""
    if initial_stock < 0 or (initial_stock and not details.tracks_stock):
        raise InvalidStockChange()
    _refuse_taken_sku(details.sku, None)
    try:
        with db.atomic():
            product = Product.create(**asdict(details))
            record("product.created", _subject(product), after=asdict(details))
            if details.tracks_stock:
                warehouse = Warehouse.default()
                _ensure_stock_row(product, warehouse)
                if initial_stock:
                    note = str(INITIAL_STOCK)  # in the admin's language, like a typed note
                    receive_stock(product, warehouse, initial_stock, reason=note, by=by)
    except IntegrityError:  # another admin took the SKU a moment ago
        _refuse_taken_sku(details.sku, None)
        raise
    return product


def update_product(product: Product, details: ProductDetails) -> Product:
    """Change a product. Orders placed before keep their own name and price. Raises SkuTaken."""
    _refuse_taken_sku(details.sku, product)
    try:
        with db.atomic():
            before = _details(locked(Product.select().where(Product.id == product.id)).get())
            Product.update(**asdict(details)).where(Product.id == product.id).execute()
            record("product.updated", _subject(product), before=before, after=asdict(details))
    except IntegrityError:
        _refuse_taken_sku(details.sku, product)
        raise
    return Product.get_by_id(product.id)


def _subject(product: Product) -> str:
    return f"{product.name} ({product.sku}) #{product.id}"


def _details(product: Product) -> dict:
    return {name: getattr(product, name) for name in ProductDetails.__dataclass_fields__}


# Stock -------------------------------------------------------------------------------


def stock_by_warehouse(product: Product) -> list[WarehouseStock]:
    """The product's stock in every warehouse (the default one at least), zero where it has
    none yet."""
    Warehouse.default()
    rows = {s.warehouse_id: s for s in Stock.select().where(Stock.product == product.id)}
    return [
        WarehouseStock(
            warehouse,
            rows[warehouse.id].on_hand if warehouse.id in rows else 0,
            rows[warehouse.id].reserved if warehouse.id in rows else 0,
        )
        for warehouse in Warehouse.select().order_by(Warehouse.id)
    ]


def recent_movements(product: Product, limit: int = MOVEMENTS_SHOWN) -> list[StockMovement]:
    return ledger_page(product, LedgerFilter(), size=limit)[0]


def _ensure_stock_row(product: Product, warehouse: Warehouse) -> None:
    Stock.insert(product=product.id, warehouse=warehouse.id).on_conflict_ignore().execute()


def _locked_stock_row(product: Product, warehouse: Warehouse) -> Stock:
    query = Stock.select().where(Stock.product == product.id, Stock.warehouse == warehouse.id)
    return locked(query).get()


def _audited(movement: StockMovement) -> StockMovement:
    """The audit log's entry and the `stock_moved` signal (webhooks: stock.low) of a stock
    change made by hand."""
    record(
        f"stock.{movement.kind}",
        f"#{movement.product_id} @ {movement.warehouse_id}",
        after={"change": movement.change, "reason": movement.reason},
    )
    stock_moved.send(movement.product, warehouse=movement.warehouse, change=movement.change)
    return movement


def _check_units(units: int, least: int) -> None:
    if not isinstance(units, int) or units < least:
        raise InvalidStockChange()


def receive_stock(
    product, warehouse, units: int, *, reason: str = "", by=None, batch=None, expires_on=None
):
    """Goods arrived: on hand grows by `units` (at least 1); with a batch code (and an expiry
    date) they form a batch (models/catalog/batches.py)."""
    _check_units(units, 1)
    note = {"batch": batch, "expires_on": expires_on} if batch else {}
    with db.atomic():
        return _audited(
            stock.receive(product.id, warehouse.id, units, reason=reason, by=by, **note)
        )


def write_off_stock(product, warehouse, units: int, *, reason: str, by=None):
    """Units leave the shelf unsold (damaged, expired, lost): on hand drops by `units`, but
    only as far as open orders do not hold them. Raises NotEnoughFree."""
    _check_units(units, 1)
    if not (reason or "").strip():
        raise InvalidStockChange(_l("Say why the units are written off."))
    with db.atomic():
        movement = stock.try_write_off(product.id, warehouse.id, units, reason=reason, by=by)
        if movement is None:
            row = Stock.get_or_none(Stock.product == product.id, Stock.warehouse == warehouse.id)
            on_hand, free = (row.on_hand, row.available) if row else (0, 0)
            raise NotEnoughFree(
                _l(
                    "Not held by orders: %(free)s of %(on_hand)s on hand. "
                    "You can write off at most %(free)s.",
                    free=free,
                    on_hand=on_hand,
                ),
                free=free,
            )
        return _audited(movement)


def count_stock(product, warehouse, counted: int, *, reason: str = "", by=None):
    """A stock-take: on hand becomes `counted`, which must cover what open orders hold. The
    movement records the difference to what was on hand, read under a lock; the UPDATE
    still checks both, so a broken assumption refuses rather than records a wrong change.
    Raises HeldByOrders."""
    _check_units(counted, 0)
    with db.atomic():
        _ensure_stock_row(product, warehouse)
        row = _locked_stock_row(product, warehouse)
        if counted < row.reserved:
            raise HeldByOrders(
                _l(
                    "Open orders hold %(held)s; on hand cannot be set below that.",
                    held=row.reserved,
                ),
                held=row.reserved,
            )
        movement = stock.try_set_on_hand(
            product.id, warehouse.id, counted, seen=row.on_hand, reason=reason, by=by
        )
        if movement is None:
            raise StockBusy()
        return _audited(movement)


STOCK_CHANGES = {
    "received": receive_stock,
    "written_off": write_off_stock,
    "counted": count_stock,
}


def change_stock(kind: str, product, warehouse, units: int, *, reason: str = "", by=None):
    """One of the STOCK_CHANGES by its movement kind."""
    return STOCK_CHANGES[kind](product, warehouse, units, reason=reason, by=by)
