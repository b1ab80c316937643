"""Delivery zones: the named areas the shop delivers to, each with its fee, its minimum order and
the amount from which delivery is free.

An area is described by what an address says: district names (朝阳区), the names of residential
compounds (小区) and postcode prefixes. An address is in a zone when it contains one of the
zone's districts or compounds, or a six-digit postcode starting with one of its prefixes. The
first active zone (by position, then id) that matches wins; an address in no zone gets no order.
"""

import re

from flask_babel import lazy_gettext as _l
from peewee import BooleanField, CharField, Check, ForeignKeyField, IntegerField, JSONField

from models.accounts.user import User
from models.base import BaseModel
from models.config_cache import kept
from models.errors import DomainError

POSTCODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
SEPARATORS = re.compile(r"[,，、;；\n]+")


class OutsideEveryZone(DomainError):
    message = _l("We do not deliver to this address. Check it, or choose pickup.")


class NoSuchZone(DomainError):
    message = _l("Choose one of the listed delivery zones.")


class DeliveryZone(BaseModel):
    name = CharField()
    districts = JSONField(default=list)  # ["朝阳区"]
    communities = JSONField(default=list)  # 小区 names: ["望京花园"]
    postcode_prefixes = JSONField(default=list)  # ["1000"]
    fee = IntegerField(default=0, constraints=[Check("fee >= 0")])  # fen
    minimum_order = IntegerField(default=0, constraints=[Check("minimum_order >= 0")])  # fen
    free_above = IntegerField(null=True)  # fen; None: never free
    position = IntegerField(default=0)
    active = BooleanField(default=True)
    # who takes the zone's orders when a rule assigns couriers "by zone" (models/delivery/dispatch.py)
    courier = ForeignKeyField(User, null=True, backref="zones", on_delete="SET NULL")

    def fee_for(self, subtotal: int) -> int:
        """The delivery fee of an order of `subtotal` fen in this zone."""
        return 0 if self.free_above is not None and subtotal >= self.free_above else self.fee

    def covers(self, address: str) -> bool:
        text = address or ""
        if any(name and name in text for name in [*self.districts, *self.communities]):
            return True
        codes = POSTCODE.findall(text)
        return any(code.startswith(p) for code in codes for p in self.postcode_prefixes if p)


def names_list(text: str) -> list[str]:
    """Names typed one per line or comma-separated (either comma), trimmed, without repeats."""
    seen = []
    for name in SEPARATORS.split(text or ""):
        name = name.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


def active_zones() -> list[DeliveryZone]:
    """The zones in use, in their order (kept between changes to the zones)."""
    query = DeliveryZone.select().where(DeliveryZone.active == True)  # noqa: E712
    return kept(
        ("active zones",), lambda: list(query.order_by(DeliveryZone.position, DeliveryZone.id))
    )


def all_zones() -> list[DeliveryZone]:
    return list(DeliveryZone.select().order_by(DeliveryZone.position, DeliveryZone.id))


def match_zone(address: str, zones: list[DeliveryZone] | None = None) -> DeliveryZone | None:
    """The first active zone that covers `address`, or None."""
    return next((z for z in (zones or active_zones()) if z.covers(address)), None)


def save_zone(zone: DeliveryZone | None = None, **values) -> DeliveryZone:
    """Create a zone (zone None) or change one; `values` are DeliveryZone's columns."""
    if zone is None:
        return DeliveryZone.create(**values)
    DeliveryZone.update(**values).where(DeliveryZone.id == zone.id).execute()
    return DeliveryZone.get_by_id(zone.id)
