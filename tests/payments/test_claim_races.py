"""Races on claims with real threads against the real database (SQLite or PostgreSQL): a double
tap makes one open claim, two staff confirming at once record one payment."""

from collections import Counter as Tally

import pytest
from peewee import IntegrityError

from models.db import db
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment
from models.orders.status import PaymentStatus
from models.payments.claims import PaymentClaim, claim_payment, confirm_claim
from tests.helpers import make_user, race


def test_taps_at_once_make_one_open_claim(app, qr_order):
    results = race(app, 8, lambda i: claim_payment(Order.get_by_id(qr_order.id), "wechat").id)

    assert [outcome for outcome, _ in results] == ["ok"] * 8, results
    assert len({claim_id for _, claim_id in results}) == 1
    with app.app_context():
        assert PaymentClaim.select().count() == 1
        assert OrderEvent.select().where(OrderEvent.kind == "payment_claimed").count() == 1
        assert Order.get_by_id(qr_order.id).payment_status == PaymentStatus.CLAIMED


def test_the_database_holds_one_open_claim_per_order(app, qr_order):
    with app.app_context():
        claim = claim_payment(qr_order, "wechat")
        with pytest.raises(IntegrityError), db.atomic():
            PaymentClaim.create(order=qr_order.id, amount=1, method="wechat")
        PaymentClaim.update(status="rejected").where(PaymentClaim.id == claim.id).execute()
        PaymentClaim.create(order=qr_order.id, amount=1, method="wechat")  # a closed one is fine


def test_staff_confirming_at_once_record_one_payment(app, qr_order):
    with app.app_context():
        claim = claim_payment(qr_order, "wechat")
        users = [make_user("staff") for _ in range(6)]

    results = race(
        app, 6, lambda i: confirm_claim(PaymentClaim.get_by_id(claim.id), users[i]).status
    )

    outcomes = Tally(outcome for outcome, _ in results)
    assert outcomes == {"ok": 1, "ClaimDecided": 5}, results
    with app.app_context():
        assert Payment.select().count() == 1
        assert Payment.get().amount == 2500
        assert Order.get_by_id(qr_order.id).payment_status == PaymentStatus.PAID
        assert OrderEvent.select().where(OrderEvent.kind == "payment").count() == 1
