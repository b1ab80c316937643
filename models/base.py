"""The base model and the UTC clock every timestamp comes from."""

from datetime import UTC, datetime

from peewee import Model

from models.db import db


def utcnow() -> datetime:
    """Now in UTC, as the naive datetime both databases store."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False
