"""Migration 0053: cases opened before it keep everything and have no replacement or booking;
one replacement order belongs to one case at most (a unique index), on SQLite and PostgreSQL."""

import pytest
from peewee import IntegrityError

from models.db import db
from models.schema import upgrade
from tests.house.test_migrations import empty_database, insert, write_rows_at_0001  # noqa: F401

WHEN = "2024-05-02 10:00:00"


def a_case(number: int, order_id: int) -> int:
    return insert(
        "aftersales_case",
        number=number,
        order_id=order_id,
        kind="exchange",
        status="requested",
        reason="Damaged",
        details="",
        preferred="",
        answer="",
        version=1,
        created_at=WHEN,
        updated_at=WHEN,
    )


def test_cases_before_0053_keep_their_data_and_one_order_replaces_one_case(empty_database):  # noqa: F811
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()
    upgrade(target="0049_waiting_lists")
    case_id = a_case(1, ids["order"])
    line_id = insert("aftersales_case_line", case_id=case_id, line_id=ids["line"], quantity=1)

    upgrade()

    row = db.execute_sql(
        "SELECT kind, reason, replacement_order_id, redo_starts_at, redo_ends_at"
        f" FROM aftersales_case WHERE id = {case_id}"
    ).fetchone()
    assert tuple(row) == ("exchange", "Damaged", None, None, None)
    swap = db.execute_sql(
        f"SELECT replacement_product_id FROM aftersales_case_line WHERE id = {line_id}"
    ).fetchone()
    assert swap[0] is None
    db.execute_sql(
        f"UPDATE aftersales_case SET replacement_order_id = {ids['order']} WHERE id = {case_id}"
    )
    with pytest.raises(IntegrityError), db.atomic():
        second = a_case(2, ids["order"])
        db.execute_sql(
            f"UPDATE aftersales_case SET replacement_order_id = {ids['order']} WHERE id = {second}"
        )
