"""Migration 0056 on a database at 0049: it creates the segment, consent and message tables
as the models declare them, on SQLite and PostgreSQL."""

from models.db import db
from models.schema import drift, upgrade
from models.segments.consent import ContactConsent
from models.segments.messages import SegmentMessage, SegmentRecipient
from models.segments.segment import Segment
from tests.house.test_migrations import empty_database  # noqa: F401

MINE = [ContactConsent, Segment, SegmentMessage, SegmentRecipient]


def test_0056_applies_on_a_database_at_0049(empty_database):  # noqa: F811
    upgrade(target="0049_waiting_lists")
    assert not any(db.table_exists(model._meta.table_name) for model in MINE)

    assert "0056_segments" in upgrade(target="0056_segments")

    assert drift(MINE) == ""
