"""Who follows an order change (models/orders/signals.py `order_changed`), in the order their
outbox rows are written: first the change's notifications, then its rule evaluations, then the
recount of its sales rollups, then closing a cancelled order's open payment claim, then closing
its open provider orders (after the commit), then giving back its delivery window place, then its
webhooks, then a new pickup order's pickup code, then offering freed units to the waiting list;
who follows a recount of the customers rollup (customer tiers); and who checks a draft's
settings before it is published besides its own package."""

from models.activities.publish_checks import checking_settings
from models.aftersales.signals import case_opened
from models.api.webhooks import plan_stock_low, plan_webhooks
from models.automation.close_on_cancel import plan_closing
from models.automation.rules import plan_case_rules, plan_rules
from models.catalog.signals import stock_fell_low, stock_moved
from models.delivery.booking import release_on_cancel
from models.messaging.notifications import plan_notifications
from models.messaging.outbox import written_together
from models.messaging.stock_notices import plan_low_stock_notice
from models.orders.signals import order_changed
from models.payments.claims import withdraw_on_cancel
from models.payments.collection_codes import collection_code_problems
from models.payments.online import online_method_problems
from models.pickup.codes import issue_on_placing
from models.reports.recount import customers_recounted, plan_recount
from models.tiers.assign import follow_recount
from models.waitlist.offers import offer_on_cancel, offer_on_receipt


def notify(event, steps, from_status=None) -> None:
    """One change notifies once: with its last event (a walk's `from_status` as the previous one)."""
    plan_notifications(event, from_status=from_status)


def evaluate_rules(event, steps, from_status=None) -> None:
    """Every event of the change triggers its rules, a walk's steps each."""
    for step in steps:
        plan_rules(step)


ORDER_FOLLOWERS = (
    notify,
    evaluate_rules,
    plan_recount,
    withdraw_on_cancel,
    plan_closing,  # its open provider orders closed after the commit
    release_on_cancel,
    plan_webhooks,  # signed POSTs to the shop's other tools
    issue_on_placing,  # a new pickup order's pickup code
    offer_on_cancel,  # freed units to the waiting list
)


def follow_order_change(event, steps, from_status=None) -> None:
    """Every follower of an order change, in order; their outbox rows in one INSERT."""
    with written_together():
        for follower in ORDER_FOLLOWERS:
            follower(event, steps=steps, from_status=from_status)


def connect() -> None:
    """Subscribe them all; the app calls this at start (connecting twice changes nothing)."""
    order_changed.connect(follow_order_change)
    checking_settings.connect(collection_code_problems)
    checking_settings.connect(online_method_problems)
    stock_moved.connect(plan_stock_low)
    stock_moved.connect(offer_on_receipt)
    stock_fell_low.connect(plan_low_stock_notice)  # low-stock notice to staff and admins
    case_opened.connect(plan_case_rules)  # the rules "after-sales requested"
    customers_recounted.connect(follow_recount)  # customer tiers follow their rollup rows
