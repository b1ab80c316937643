"""Outbox rows planned together are written together (models/messaging/outbox.py): one INSERT
at the end of a `written_together` block, with what `add_work` promises one at a time: a key
written before fails the change unless the row is `if_new`, and nothing is written when the
block fails."""

from datetime import timedelta

import pytest
from peewee import IntegrityError

from models.base import utcnow
from models.db import db
from models.messaging.outbox import Outbox, add_work, row_written, written_together
from tests.helpers import sql_statements


@pytest.fixture
def told():
    """The outbox rows announced for kicking (due now), in order."""
    ids = []

    def note(kind, row_id):
        ids.append(row_id)

    row_written.connect(note)
    yield ids
    row_written.disconnect(note)


def keys():
    return [row.delivery_key for row in Outbox.select().order_by(Outbox.id)]


def test_rows_planned_together_are_one_insert_in_the_order_planned(app_context, told):
    with sql_statements() as statements, db.atomic(), written_together():
        add_work("notify", "a", {"n": 1})
        with written_together():  # nested: the outer block writes
            add_work("rules", "b", {"n": 2})
        add_work("sales", "c", {"n": 3}, available_at=utcnow() + timedelta(minutes=2))
        assert keys() == []  # planned, not written yet
    assert len([sql for sql in statements if 'INTO "outbox"' in sql]) == 1
    assert keys() == ["a", "b", "c"]
    rows = {row.delivery_key: row for row in Outbox.select()}
    assert rows["b"].payload == {"n": 2} and rows["b"].status == Outbox.OPEN
    assert told == [rows["a"].id, rows["b"].id]  # "c" is due later: the sweeper's


def test_a_key_written_before_fails_the_change_and_nothing_of_it_is_written(app_context):
    add_work("notify", "taken", {})
    with pytest.raises(IntegrityError), db.atomic(), written_together():
        add_work("notify", "new", {})
        add_work("notify", "taken", {})
    assert keys() == ["taken"]


def test_a_key_twice_in_one_block_fails_the_change(app_context):
    with pytest.raises(IntegrityError), db.atomic(), written_together():
        add_work("notify", "twice", {})
        add_work("notify", "twice", {})
    assert keys() == []


def test_an_if_new_row_leaves_the_row_written_before(app_context):
    add_work("sales", "minute", {"first": True}, if_new=True)
    with db.atomic(), written_together():
        add_work("sales", "minute", {"first": False}, if_new=True)
        add_work("sales", "minute", {"first": False}, if_new=True)
        add_work("notify", "other", {})
    assert keys() == ["minute", "other"]
    assert Outbox.get(Outbox.delivery_key == "minute").payload == {"first": True}


def test_a_block_that_fails_writes_nothing(app_context):
    with pytest.raises(RuntimeError), db.atomic(), written_together():
        add_work("notify", "lost", {})
        raise RuntimeError("the change failed")
    assert keys() == []
    with db.atomic(), written_together():  # the next block starts empty
        add_work("notify", "kept", {})
    assert keys() == ["kept"]
