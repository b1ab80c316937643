"""A stock-take of a warehouse: staff count the shelf and enter what they counted per product;
each product counted gets a "counted" movement of the difference to on hand (0 when it matched)
(models/catalog/admin.py `count_stock`, which locks the row and never sets on hand below what
orders hold). All products or none: one refused count refuses the whole stock-take, with the
reason beside that product."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from models.catalog.admin import count_stock
from models.catalog.ledger import StockMovement
from models.catalog.products import Product, Stock, Warehouse
from models.db import db
from models.errors import DomainError


@dataclass(frozen=True)
class ShelfRow:
    product: Product
    on_hand: int
    reserved: int


def shelf(warehouse: Warehouse) -> list[ShelfRow]:
    """The products that track stock and are for sale or still on this shelf, by name."""
    rows = {s.product_id: s for s in Stock.select().where(Stock.warehouse == warehouse.id)}
    products = Product.select().where(Product.tracks_stock == True).order_by(Product.name)  # noqa: E712
    return [
        ShelfRow(
            p, rows[p.id].on_hand if p.id in rows else 0, rows[p.id].reserved if p.id in rows else 0
        )
        for p in products
        if p.active or (p.id in rows and rows[p.id].on_hand)
    ]


class CountRefused(DomainError):
    """details["errors"]: {product id: the message}."""

    message = _l("Some counts cannot be taken; nothing was changed.")


def take_stock(warehouse, counts: dict[int, int], *, reason="", by=None) -> list[StockMovement]:
    """Set on hand to each count in {product id: counted}; the movements written. Raises
    CountRefused and changes nothing."""
    errors, movements = {}, []
    with db.atomic():
        for product_id, counted in sorted(counts.items()):
            product = Product.get_by_id(product_id)
            try:
                movement = count_stock(product, warehouse, counted, reason=reason, by=by)
            except DomainError as error:
                errors[product_id] = str(error)
                continue
            movements.append(movement)
        if errors:  # raised inside the transaction: the counts already made roll back
            raise CountRefused(errors=errors)
    return movements
