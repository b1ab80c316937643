"""A segment: a named, saved customer filter (models/segments/criteria.py), kept by staff at
/segments, counted live, and the customers list filtered by it (/customers?saved=<id>)."""

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, IntegrityError, JSONField

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.db import db
from models.errors import DomainError
from models.segments.criteria import clean_criteria, members

MAX_NAME = 80


class DuplicateSegment(DomainError):
    message = _l("A segment with this name exists already.")


class Segment(BaseModel):
    name = CharField(max_length=MAX_NAME, unique=True)
    criteria = JSONField(default=dict)  # the stored form, models/segments/criteria.py
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    def members(self):
        """A query of the ids of its customers, as of now."""
        return members(self.criteria)

    def count(self) -> int:
        return self.members().count()


def save_segment(segment: Segment | None, name: str, raw: dict, user: User) -> Segment:
    """Create (segment None) or change a segment; raises InvalidCriteria, DuplicateSegment."""
    criteria = clean_criteria(raw)
    try:
        with db.atomic():
            if segment is None:
                return Segment.create(name=name.strip(), criteria=criteria, created_by=user.id)
            Segment.update(name=name.strip(), criteria=criteria, updated_at=utcnow()).where(
                Segment.id == segment.id
            ).execute()
    except IntegrityError as error:
        raise DuplicateSegment() from error
    return Segment.get_by_id(segment.id)


def delete_segment(segment: Segment) -> None:
    """Delete the segment; the messages sent to it stay in the send log, unlinked."""
    Segment.delete().where(Segment.id == segment.id).execute()


def all_segments() -> list[Segment]:
    return list(Segment.select().order_by(Segment.name))
