"""Placing an order reads back nothing it has just written (docs/benchmarks.md, the submit's
statements): its notifications, sales recount and pickup code take the order as written
(models/orders/lifecycle.py `record_placing`), and still come out right; the outbox rows it
plans are written in one INSERT (models/messaging/outbox.py `written_together`)."""

from models.messaging.outbox import Outbox
from models.pickup.codes import code_of
from models.reports.recount import KIND as RECOUNT
from tests.factories import make_shop, order_for
from tests.helpers import selects, sql_statements


def test_a_placed_order_is_not_read_back_and_what_follows_it_is_planned(app_context):
    shop = make_shop(points={"gate": {"name": "East gate"}})
    with sql_statements() as statements:
        order = order_for(shop["version"], [(shop["apples"], 2)], pickup_point=shop["gate"])

    order_reads = [sql for sql in selects(statements) if 'FROM "order"' in sql]
    assert len(order_reads) == 1 and "submission_key" in order_reads[0], order_reads
    outbox_writes = [sql for sql in statements if 'INTO "outbox"' in sql]
    assert len(outbox_writes) == 1, outbox_writes
    assert code_of(order)  # a pickup order's code
    assert Outbox.select().where(Outbox.kind == "notify").count() >= 2  # customer and staff
    recount = Outbox.get(Outbox.kind == RECOUNT)
    assert recount.payload == {
        "day": order.created_at.date().isoformat(),
        "activity": shop["version"].template_id,
    }
