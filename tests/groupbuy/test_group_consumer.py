"""A failed 成团 with the real worker (tests/consumer.py): the consumer is killed (SIGKILL)
half-way through cancelling the group's orders; the next one finishes, and every customer gets
exactly one cancellation email and all stock comes back."""

import time
from datetime import timedelta

from models.activities.template import FormTemplate
from models.base import utcnow
from models.groupbuy.group import GroupOutcome
from models.orders.order import Order
from tasks.automation import tick
from tests.consumer import EMAIL_SHOP, place_on_the_web
from tests.factories import stock_of
from tests.messaging.test_consumer import wait_until

PEOPLE = 6


def cancelled() -> int:
    return Order.select().where(Order.status == "cancelled").count()


def test_a_worker_killed_while_cancelling_a_failed_group_leaves_nobody_told_twice(
    app,
    client,
    make_shop,
    consumer,
    mailbox,
):
    shop = make_shop(
        **EMAIL_SHOP, settings={"group_minimum": 10}, closes_at=utcnow() + timedelta(hours=1)
    )
    worker = consumer()
    with app.app_context():
        for n in range(PEOPLE):
            place_on_the_web(client, shop, f"p{n}@example.com")
        mailbox.wait_for(PEOPLE, timeout=30)  # the "order received" emails
        FormTemplate.update(closes_at=utcnow() - timedelta(minutes=1)).execute()
        worker.kill()

        slow = consumer(GROUP_SETTLE_TEST_PAUSE_SECONDS=0.4)
        tick()
        wait_until(lambda: cancelled() >= 2, timeout=30, what="two cancellations", consumer=slow)
        slow.kill()
        halfway = cancelled()
        assert 2 <= halfway < PEOPLE

        fresh = consumer()
        tick()
        wait_until(lambda: cancelled() == PEOPLE, timeout=30, what="the rest", consumer=fresh)
        mailbox.wait_for(2 * PEOPLE, timeout=30)
        time.sleep(1.0)  # several sweeps later, nothing more

        cancellations = [m["To"] for m in mailbox.messages if "Cancelled" in m["Subject"]]
        assert sorted(cancellations) == sorted(f"p{n}@example.com" for n in range(PEOPLE))
        assert stock_of(shop["apples"]).reserved == 0
        assert GroupOutcome.select().count() == 1 and not GroupOutcome.get().formed
