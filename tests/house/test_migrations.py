"""Schema migrations: data written under an older schema survives upgrading, and a
fully migrated database is exactly what the models declare.

Runs on a fresh SQLite file, and also on a throwaway PostgreSQL schema when
TEST_DATABASE_URL is set. The db proxy is pointed back where it was afterwards.
"""

import json
import os
import threading
import uuid

import pytest
from peewee import JSONField

from models import ALL_MODELS, db
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplateVersion
from models.customers.customer import Customer
from models.db import bind_database, is_postgres
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.schema import drift, pending, upgrade
from tests.factories import stock_of

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI") == "true"

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
    ),
]


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """The db proxy bound to a brand-new, unmigrated database; restored afterwards."""
    previous = db.obj
    if previous is not None and not previous.is_closed():
        previous.close()
    if request.param == "sqlite":
        bind_database(f"sqlite:///{tmp_path / 'old.db'}")
        yield request.param
        db.close()
    else:
        schema = f"jl_migrations_{uuid.uuid4().hex[:8]}"
        base = TEST_DATABASE_URL
        try:
            bind_database(base).execute_sql(f'CREATE SCHEMA "{schema}"')
            db.close()
        except Exception as error:
            if IN_CI:
                pytest.fail(f"TEST_DATABASE_URL is unreachable under CI: {error}")
            pytest.skip(f"PostgreSQL unavailable: {error}")
        bind_database(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
        yield request.param
        bind_database(base).execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
        db.close()
    db.obj.close_all() if hasattr(db.obj, "close_all") else db.obj.close()
    db.initialize(previous)


def stored(field, value):
    """`value` of `field` as raw SQL takes it."""
    return json.dumps(value) if isinstance(field, JSONField) else field.db_value(value)


def insert(table: str, **values) -> int:
    """INSERT one row with raw SQL, the way data got there under the old code; return its id."""
    columns = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join([db.obj.param] * len(values))
    cursor = db.execute_sql(
        f'INSERT INTO "{table}" ({columns}) VALUES ({marks}) RETURNING id', list(values.values())
    )
    return cursor.fetchone()[0]


WHEN = "2024-05-01 10:00:00"
# order columns a database at 0010 lacks
ADDED_AFTER_0011 = {
    "change_seq",
    "change_tx",
    "pickup_starts_at",
    "pickup_ends_at",
    "source",
    "discount",
    "offer",
}


def write_rows_at_0001() -> dict:
    """A small shop's data written against the 0001 schema (no customer.phone_last4)."""
    ids = {}
    with db.atomic():
        ids["customer"] = insert("customer", name="王芳", phone="+8613800138000", created_at=WHEN)
        ids["overseas"] = insert("customer", name="Grace", phone="+14155552671", created_at=WHEN)
        ids["user"] = insert(
            "user",
            email="admin@example.com",
            name="Admin",
            role="admin",
            password_hash="x",
            active=True,
            created_at=WHEN,
        )
        ids["product"] = insert(
            "product",
            name="丹东草莓",
            sku="FR-STRAW",
            price=3990,
            unit="500g",
            description="",
            tracks_stock=True,
            active=True,
            created_at=WHEN,
        )
        ids["warehouse"] = insert("warehouse", code="main", name="Main")
        ids["stock"] = insert(
            "stock", product_id=ids["product"], warehouse_id=ids["warehouse"], on_hand=5, reserved=2
        )
        ids["template"] = insert(
            "form_template",
            slug="friday-fruit",
            title="Friday fruit",
            description="",
            kind="goods",
            status="published",
            draft='{"fields": [{"name": "remark", "type": "long_text"}], "settings": {}}',
            created_at=WHEN,
            updated_at=WHEN,
        )
        ids["version"] = insert(
            "form_template_version",
            template_id=ids["template"],
            number=1,
            title="Friday fruit",
            fields='[{"name": "remark", "type": "long_text"}]',
            settings='{"order_cap": 500}',
            published_at=WHEN,
            published_by_id=ids["user"],
        )
        ids["order"] = insert(
            "order",
            number=10001,
            tracking_token="tok-" + "x" * 20,
            submission_key="key-1",
            template_id=ids["template"],
            template_version_id=ids["version"],
            customer_id=ids["customer"],
            status="pending",
            payment_status="unpaid",
            subtotal=7980,
            delivery_fee=500,
            total=8480,
            answers='{"remark": "大一点的"}',
            address="",
            version=1,
            created_at=WHEN,
            updated_at=WHEN,
        )
        ids["line"] = insert(
            "order_line",
            order_id=ids["order"],
            product_id=ids["product"],
            warehouse_id=ids["warehouse"],
            name="丹东草莓",
            unit_price=3990,
            quantity=2,
        )
        ids["event"] = insert(
            "order_event",
            order_id=ids["order"],
            kind="created",
            to_status="pending",
            actor_kind="customer",
            actor_label="王芳",
            note="",
            created_at=WHEN,
        )
    return ids


def test_data_from_0001_survives_the_upgrade_and_phone_last4_is_backfilled(empty_database):
    assert upgrade(target="0001_initial") == ["0001_initial"]
    assert "0002_customer_phone_last4" in pending()
    ids = write_rows_at_0001()

    applied = upgrade()
    assert applied[:2] == ["0002_customer_phone_last4", "0003_allotments"]
    assert pending() == []
    assert upgrade() == []  # nothing left to apply, and running again is harmless

    customer = Customer.get_by_id(ids["customer"])
    assert (customer.name, customer.phone, customer.phone_last4) == (
        "王芳",
        "+8613800138000",
        "8000",
    )
    assert Customer.get_by_id(ids["overseas"]).phone_last4 == "2671"
    found = Customer.select().where(Customer.phone_last4 == "8000")
    assert [c.id for c in found] == [ids["customer"]]
    # the same person typing their number differently is still the migrated customer
    assert Customer.find_or_create("王芳", "138 0013 8000").id == ids["customer"]
    assert Customer.select().count() == 2

    order = Order.get_by_id(ids["order"])
    assert (order.number, order.status, order.version) == (10001, "pending", 1)
    assert (order.holds, order.locale) == ([], "zh_CN")
    assert (order.subtotal, order.delivery_fee, order.total) == (7980, 500, 8480)
    assert order.answers == {"remark": "大一点的"}
    assert order.customer.phone == "+8613800138000"
    assert order.template.draft["fields"][0]["name"] == "remark"
    assert [(ln.name, ln.unit_price, ln.quantity) for ln in order.lines] == [("丹东草莓", 3990, 2)]
    assert [(e.kind, e.to_status, e.actor_label) for e in order.events] == [
        ("created", "pending", "王芳")
    ]
    frozen = FormTemplateVersion.get_by_id(ids["version"])
    assert (frozen.number, frozen.settings, frozen.published_by.email) == (
        1,
        {"order_cap": 500},
        "admin@example.com",
    )

    # and the migrated order still works with today's code: cancelling frees its 2 units
    cancelled = transition_order(order, "cancelled", Actor.of_customer(customer))
    assert cancelled.status == "cancelled"
    assert stock_of(order.lines[0].product).reserved == 0
    assert OrderEvent.select().where(OrderEvent.order == order.id).count() == 2


def test_free_orders_placed_before_0011_become_paid(empty_database):
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()
    upgrade(target="0010_payments")
    at_0010 = [f for f in Order._meta.sorted_fields if f.name not in ADDED_AFTER_0011]
    priced = Order.select(*at_0010).where(Order.id == ids["order"]).get()
    # the raw values: a foreign key's id, not its row (read with today's columns, e.g. tier_id)
    copied = {f.column_name: stored(f, priced.__data__.get(f.name)) for f in at_0010}
    del copied["id"]
    copied |= {"number": 10002, "tracking_token": "tok-free", "submission_key": "key-2"}
    free_id = insert("order", **copied | {"subtotal": 0, "delivery_fee": 0, "total": 0})

    assert upgrade(target="0011_free_orders_paid") == ["0011_free_orders_paid"]

    def payment_status(order_id):
        return Order.select(Order.payment_status).where(Order.id == order_id).scalar()

    assert payment_status(free_id) == "paid"
    assert payment_status(ids["order"]) == "unpaid"  # it still costs ¥84.80


def test_migrations_create_exactly_what_the_models_declare(empty_database):
    upgrade(target="0001_initial")
    behind = drift(ALL_MODELS)
    assert "phone_last4" in behind  # the check does notice a missing column

    upgrade()

    assert drift(ALL_MODELS) == ""
    assert is_postgres() == (empty_database == "postgresql")


def test_a_pickup_points_window_text_becomes_opening_hours_and_nothing_typed_is_lost(
    empty_database,
):
    upgrade(target="0015_sessions_and_sign_in_attempts")
    with db.atomic():
        plain = insert(
            "pickup_point",
            name="East gate",
            address="88 River Rd",
            window="周六、周日 10:00–12:00",
            active=True,
        )
        more = insert(
            "pickup_point",
            name="Metro",
            address="Exit B",
            window="Sat 17:00-19:00, ring twice",
            active=True,
        )
        unread = insert("pickup_point", name="Shop", address="", window="after 5 pm", active=True)

    assert upgrade(target="0016_pickup_windows") == ["0016_pickup_windows"]

    def point(point_id):
        columns = (PickupPoint.address, PickupPoint.hours)  # the columns 0016 knows
        found = PickupPoint.select(*columns).where(PickupPoint.id == point_id).get()
        return found.address, found.hours

    assert point(plain) == (
        "88 River Rd",
        [
            {"day": 5, "from": "10:00", "until": "12:00"},
            {"day": 6, "from": "10:00", "until": "12:00"},
        ],
    )
    assert point(more) == (
        "Exit B\nSat 17:00-19:00, ring twice",
        [{"day": 5, "from": "17:00", "until": "19:00"}],
    )
    assert point(unread) == ("after 5 pm", [])
    upgrade()
    assert drift(ALL_MODELS) == ""


def test_two_upgrades_at_once_apply_each_migration_once(empty_database):
    """Two app servers starting together on PostgreSQL: one migrates, the other waits for it
    (an advisory lock) and finds nothing left. SQLite serves one machine only."""
    if empty_database == "sqlite":
        pytest.skip("PostgreSQL only: SQLite is never shared between machines")
    barrier, applied = threading.Barrier(2), []

    def start():
        barrier.wait()
        applied.append(upgrade())
        db.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    everything = sorted(applied, key=len)
    assert everything[0] == [] and len(everything[1]) == len(set(everything[1])) > 20
    assert pending() == []


def test_0066_gives_products_families_and_a_family_change_moves_the_generation(empty_database):
    upgrade(target="0065_board_count_indexes")
    with db.atomic():
        product = insert(
            "product",
            name="苹果",
            sku="FR-APPLE",
            price=990,
            unit="500 g",
            description="",
            aliases="[]",
            tracks_stock=True,
            active=True,
            created_at=WHEN,
        )

    assert upgrade(target="0066_product_variants") == ["0066_product_variants"]

    row = db.execute_sql(f'SELECT name, family_id, "option" FROM product WHERE id = {product}')
    assert row.fetchone() == ("苹果", None, "")  # an existing product is one without options
    generation = "SELECT value FROM config_generation WHERE id = 1"
    before = db.execute_sql(generation).fetchone()[0]
    with db.atomic():
        family = insert("productfamily", name="苹果", created_at=WHEN)
    after_insert = db.execute_sql(generation).fetchone()[0]
    with db.atomic():
        db.execute_sql(f"UPDATE productfamily SET name = 'Apples' WHERE id = {family}")
    after_update = db.execute_sql(generation).fetchone()[0]
    with db.atomic():
        db.execute_sql(f"UPDATE product SET family_id = {family} WHERE id = {product}")
        db.execute_sql(f"DELETE FROM productfamily WHERE id = {family}")
    after_delete = db.execute_sql(generation).fetchone()[0]
    with db.atomic():  # SQLite built the product table anew: its triggers are there still
        db.execute_sql(f"UPDATE product SET price = 1090 WHERE id = {product}")
    assert before < after_insert < after_update < after_delete
    assert db.execute_sql(generation).fetchone()[0] > after_delete
    # the database let go of the family: the product stays, without one
    assert db.execute_sql(f"SELECT family_id FROM product WHERE id = {product}").fetchone() == (
        None,
    )
    upgrade()  # and the later ones, which the models declare too
    assert drift(ALL_MODELS) == ""
