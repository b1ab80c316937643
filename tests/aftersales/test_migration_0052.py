"""Migration 0052: cases opened before it get an empty `reminded_at` (not reminded yet), on
SQLite and PostgreSQL."""

from models.aftersales.case import AfterSalesCase
from models.db import db
from models.schema import upgrade
from tests.house.test_migrations import empty_database  # noqa: F401


def test_0052_adds_when_staff_were_reminded(empty_database):  # noqa: F811
    upgrade(target="0049_waiting_lists")  # the one before
    assert "reminded_at" not in {c.name for c in db.get_columns("aftersales_case")}

    assert upgrade(target="0052_aftersales_reminded") == ["0052_aftersales_reminded"]

    assert "reminded_at" in {c.name for c in db.get_columns("aftersales_case")}
    assert AfterSalesCase.select().where(AfterSalesCase.reminded_at.is_null(False)).count() == 0
