"""What admins do with warehouses (/admin/warehouses): add them, rename them, take them out of
use, choose the one delivery orders reserve from and the one each may fall back to when short.

Which warehouse a pickup point's orders reserve from is the point's (models/activities/pickup.py
`serving_warehouse`); reserving with fallback is models/catalog/stock.py `reserve_from`.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from models.catalog.products import Warehouse
from models.db import db
from models.errors import DomainError


@dataclass(frozen=True)
class WarehouseDetails:
    code: str
    name: str
    address: str = ""
    active: bool = True
    delivers: bool = False
    fallback_id: int | None = None


class CodeTaken(DomainError):
    message = _l("Another warehouse already has this code.")


class BadFallback(DomainError):
    message = _l("A warehouse cannot fall back to itself or to one out of use.")


class MainStaysInUse(DomainError):
    message = _l("The main warehouse stays in use.")


def warehouse_list() -> list[Warehouse]:
    """Every warehouse, the main one first, then those in use, by name."""
    main = Warehouse.default()
    rows = Warehouse.select().order_by(Warehouse.active.desc(), Warehouse.name, Warehouse.id)
    return sorted(rows, key=lambda w: w.id != main.id)


def _check(details: WarehouseDetails, warehouse: Warehouse | None) -> None:
    taken = Warehouse.select().where(Warehouse.code == details.code)
    if warehouse is not None:
        taken = taken.where(Warehouse.id != warehouse.id)
        if not details.active and warehouse.id == Warehouse.default().id:
            raise MainStaysInUse()
        if details.fallback_id == warehouse.id:
            raise BadFallback()
    if taken.exists():
        raise CodeTaken()
    if details.fallback_id is not None:
        fallback = Warehouse.get_or_none(Warehouse.id == details.fallback_id)
        if fallback is None or not fallback.active:
            raise BadFallback()


def _save(details: WarehouseDetails, warehouse: Warehouse | None) -> Warehouse:
    _check(details, warehouse)
    fields = {
        "code": details.code,
        "name": details.name,
        "address": details.address,
        "active": details.active,
        "delivers": details.delivers and details.active,
        "fallback": details.fallback_id,
    }
    try:
        with db.atomic():
            if warehouse is None:
                warehouse = Warehouse.create(**fields)
            else:
                Warehouse.update(fields).where(Warehouse.id == warehouse.id).execute()
            if fields["delivers"]:  # one warehouse ships delivery orders
                Warehouse.update(delivers=False).where(Warehouse.id != warehouse.id).execute()
    except IntegrityError:  # another admin took the code a moment ago
        raise CodeTaken() from None
    return Warehouse.get_by_id(warehouse.id)


def create_warehouse(details: WarehouseDetails) -> Warehouse:
    """Raises CodeTaken, BadFallback."""
    return _save(details, None)


def update_warehouse(warehouse: Warehouse, details: WarehouseDetails) -> Warehouse:
    """Raises CodeTaken, BadFallback, MainStaysInUse."""
    return _save(details, warehouse)
