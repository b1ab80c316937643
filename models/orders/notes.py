"""Staff notes on an order and records of talking to the customer (call, chat, email, in person).

A note never changes the order itself (no version bump, so it cannot conflict with an edit);
it is written together with a "noted" timeline event whose `note` is the note's kind.
"""

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
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
