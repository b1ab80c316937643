"""Marketing consent: whether a customer agreed to hear from the shop beyond their orders, and
their opt-out. Staff record the consent (the customer said yes); the customer opts out from
the link every marketing message carries: an unguessable token, one per customer, that opens a
public page with a button. Opting out is final for marketing; notices about the customer's
own orders (models/messaging/notifications.py) never read this table, so they still arrive.
"""

import secrets

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from models.base import BaseModel, utcnow
from models.customers.customer import Customer
from models.db import db


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


class ContactConsent(BaseModel):
    customer = ForeignKeyField(Customer, unique=True, on_delete="CASCADE")
    marketing = BooleanField(default=False)  # the customer agreed to marketing messages
    token = CharField(unique=True, default=new_token)  # the opt-out link's
    opted_out_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)


def reachable():
    """A query of the ids of customers marketing may reach: consent given, not opted out."""
    return ContactConsent.select(ContactConsent.customer).where(
        ContactConsent.marketing == True,  # noqa: E712
        ContactConsent.opted_out_at.is_null(),
    )


def consent_of(customer_id: int) -> ContactConsent | None:
    return ContactConsent.get_or_none(ContactConsent.customer == customer_id)


def _ensure(customer_id: int) -> None:
    ContactConsent.insert(customer=customer_id).on_conflict_ignore().execute()


def set_consent(customer_id: int, agreed: bool) -> None:
    """Record whether the customer agreed to marketing (staff, from the customer's page).
    Giving consent again after an opt-out clears the opt-out: the customer asked anew."""
    with db.atomic():
        _ensure(customer_id)
        changes = {"marketing": agreed, "updated_at": utcnow()}
        if agreed:
            changes["opted_out_at"] = None
        ContactConsent.update(**changes).where(ContactConsent.customer == customer_id).execute()


def token_for(customer_id: int) -> str:
    """The customer's opt-out token, made on first use; call inside a transaction."""
    _ensure(customer_id)
    return ContactConsent.get(ContactConsent.customer == customer_id).token


def by_token(token: str) -> ContactConsent | None:
    return ContactConsent.get_or_none(ContactConsent.token == (token or "")[:64])


def opt_out(token: str) -> bool:
    """Opt the token's customer out of marketing; False for an unknown token. Repeating it
    changes nothing (the first time is kept)."""
    known = by_token(token)
    if known is None:
        return False
    ContactConsent.update(opted_out_at=utcnow(), updated_at=utcnow()).where(
        ContactConsent.id == known.id, ContactConsent.opted_out_at.is_null()
    ).execute()
    return True
