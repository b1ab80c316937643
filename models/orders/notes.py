"""What staff add to an order beside its contents: notes, records of talking to the customer
(call, chat, email, in person), and tags given to its customer from the order's page.

Neither changes the order itself (no version bump, so neither can conflict with an edit); each
is written together with a timeline event: "noted" (its `note` the note's kind), "tagged" or
"untagged" (its `note` the tag).
"""

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.customers.tags import add_tag, remove_tag
from models.db import db
from models.errors import DomainError
from models.orders.lifecycle import Actor, record_event
from models.orders.order import Note, Order

NOTE_KINDS = {
    "note": _l("Note"),
    "call": _l("Phone call"),
    "chat": _l("Chat message"),
    "email": _l("Email message"),
    "in_person": _l("In person"),
}
MAX_NOTE_LENGTH = 2000


class EmptyNote(DomainError):
    message = _l("Write the note first.")


def add_note(order: Order, *, author: User, body: str, kind: str = "note") -> Note:
    """Store a note by `author`; EmptyNote when `body` is blank."""
    body = (body or "").strip()
    if not body:
        raise EmptyNote()
    if kind not in NOTE_KINDS:
        raise ValueError(f"unknown note kind {kind!r}")
    with db.atomic():
        note = Note.create(order=order.id, author=author, kind=kind, body=body)
        record_event(order, Actor.of_user(author), kind="noted", note=kind)
    return note


def notes_of(order: Order):
    """The order's notes with their authors, newest first."""
    return (
        Note.select(Note, User)
        .join(User)
        .where(Note.order == order.id)
        .order_by(Note.created_at.desc(), Note.id.desc())
    )


def tag_customer(order: Order, tag: str, actor: Actor) -> str:
    """Give the customer of `order` the tag (models/customers/tags.py `add_tag`, whose errors
    it raises) and record it on the order's timeline."""
    with db.atomic():
        stored = add_tag(order.customer_id, tag)
        record_event(order, actor, kind="tagged", note=stored)
    return stored


def untag_customer(order: Order, tag: str, actor: Actor) -> bool:
    """Take the tag off the customer of `order` and record it on the order's timeline; False
    when they did not have it, which changes and records nothing."""
    with db.atomic():
        removed = remove_tag(order.customer_id, tag)
        if removed is not None:
            record_event(order, actor, kind="untagged", note=removed)
    return removed is not None
