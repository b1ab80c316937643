"""What admins do with customer tiers (/admin/tiers): add, change and remove one. Each change is
audited in its transaction and plans a "tiers" outbox row that puts every customer in their
tier again (models/tiers/assign.py `reassign_row`)."""

import uuid
from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from models.audit.log import record
from models.base import utcnow
from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.db import db
from models.errors import DomainError
from models.messaging.outbox import add_work

KIND = "tiers"


@dataclass(frozen=True)
class TierDetails:
    name: str
    rank: int
    min_spend: int = 0  # fen
    min_orders: int = 0
    need: str = "all"
    days: int = 365


class TierNameTaken(DomainError):
    message = _l("Another tier already has this name.")


class TierRankTaken(DomainError):
    message = _l("Another tier already has this rank.")


def _check(details: TierDetails, tier: CustomerTier | None) -> None:
    others = CustomerTier.select()
    if tier is not None:
        others = others.where(CustomerTier.id != tier.id)
    if others.where(CustomerTier.name == details.name).exists():
        raise TierNameTaken()
    if others.where(CustomerTier.rank == details.rank).exists():
        raise TierRankTaken()


def _plan_reassign() -> None:
    add_work(KIND, f"{KIND}:{uuid.uuid4().hex}", {})


def _subject(name: str, tier_id: int) -> str:
    return f"{name} #{tier_id}"


def _values(tier: CustomerTier) -> dict:
    return {name: getattr(tier, name) for name in TierDetails.__dataclass_fields__}


def save_tier(tier: CustomerTier | None, details: TierDetails) -> CustomerTier:
    """Add a tier (`tier` None) or change one. Raises TierNameTaken, TierRankTaken."""
    _check(details, tier)
    try:
        with db.atomic():
            if tier is None:
                tier = CustomerTier.create(**asdict(details))
                record("tier.created", _subject(tier.name, tier.id), after=asdict(details))
            else:
                before = _values(CustomerTier.get_by_id(tier.id))
                CustomerTier.update(updated_at=utcnow(), **asdict(details)).where(
                    CustomerTier.id == tier.id
                ).execute()
                record(
                    "tier.updated",
                    _subject(details.name, tier.id),
                    before=before,
                    after=asdict(details),
                )
            _plan_reassign()
    except IntegrityError:  # another admin took the name or rank a moment ago
        _check(details, tier)
        raise
    return CustomerTier.get_by_id(tier.id)


def delete_tier(tier: CustomerTier) -> None:
    """Remove a tier: its customers have none until the reassignment puts them in another."""
    with db.atomic():
        Customer.update(tier=None).where(Customer.tier == tier.id).execute()
        if CustomerTier.delete().where(CustomerTier.id == tier.id).execute():
            record("tier.deleted", _subject(tier.name, tier.id), before=_values(tier))
            _plan_reassign()
