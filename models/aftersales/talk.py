"""Talking about a case: staff's internal notes, the shop's messages to the customer, and the
customer's replies, each a CaseEvent on the case's timeline ("noted", "messaged", "replied").
They never conflict with a step, so they do not check or bump the case's version. A message
or reply also notifies the other side (models/aftersales/notices.py); a note tells nobody."""

from flask_babel import lazy_gettext as _l

from models.aftersales.case import AfterSalesCase, CaseEvent
from models.aftersales.lifecycle import FINISHED, CaseRefused, record_case_event
from models.aftersales.notices import tell_customer, tell_shop
from models.base import utcnow
from models.db import db
from models.orders.lifecycle import Actor
from models.orders.order import Order

NOTED, MESSAGED, REPLIED = "noted", "messaged", "replied"
MAX_TEXT = 1000


def _text(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CaseRefused(_l("Write something first."))
    if len(body) > MAX_TEXT:
        raise CaseRefused(_l("Keep it under %(max)s characters.", max=MAX_TEXT))
    return body


def add_case_note(case: AfterSalesCase, actor: Actor, body: str) -> CaseEvent:
    """An internal note for staff; the customer never sees it."""
    body = _text(body)
    if actor.kind == "customer":
        raise CaseRefused()
    with db.atomic():
        return record_case_event(case, actor, kind=NOTED, note=body)


def message_customer(case: AfterSalesCase, actor: Actor, body: str) -> CaseEvent:
    """A message from the shop, shown on the tracking page and sent to the customer; the
    case's first answer if it had none."""
    body = _text(body)
    if actor.kind == "customer":
        raise CaseRefused()
    with db.atomic():
        AfterSalesCase.update(first_answer_at=utcnow()).where(
            AfterSalesCase.id == case.id, AfterSalesCase.first_answer_at.is_null()
        ).execute()
        event = record_case_event(case, actor, kind=MESSAGED, note=body)
        tell_customer(case, actor, lambda _case: body)
    return event


def customer_reply(case: AfterSalesCase, actor: Actor, body: str) -> CaseEvent:
    """The customer answers on the tracking page, while the case is open; staff are told."""
    body = _text(body)
    with db.atomic():
        current = AfterSalesCase.get_by_id(case.id)
        owner = Order.select(Order.customer).where(Order.id == current.order_id).scalar()
        if actor.kind != "customer" or actor.customer.id != owner:
            raise CaseRefused()
        if current.status in FINISHED:
            raise CaseRefused(_l("This case is closed."))
        event = record_case_event(current, actor, kind=REPLIED, note=body)
        tell_shop(current, actor, lambda _case: body)
    return event
