"""models/orders/payments.py payment_status: the one rule for an order's payment status."""

import pytest

from models.orders.payments import payment_status
from models.orders.status import PaymentStatus


@pytest.mark.parametrize(
    ("total", "paid", "refunded", "claimed", "expected"),
    [
        (1000, 0, False, False, PaymentStatus.UNPAID),
        (1000, 400, False, False, PaymentStatus.UNPAID),  # a part payment is still unpaid
        (1000, 0, False, True, PaymentStatus.CLAIMED),
        (1000, 400, False, True, PaymentStatus.CLAIMED),
        (1000, 1000, False, True, PaymentStatus.PAID),  # covered: the claim no longer counts
        (1000, 1000, False, False, PaymentStatus.PAID),
        (0, 0, False, False, PaymentStatus.PAID),  # a free order
        (1000, 1000, True, False, PaymentStatus.REFUNDED),
        (1000, 0, True, True, PaymentStatus.REFUNDED),
    ],
)
def test_the_status_follows_the_rows(total, paid, refunded, claimed, expected):
    assert payment_status(total, paid, refunded=refunded, claimed=claimed) == expected


def test_claimed_has_its_label_and_tone(app_context):
    assert str(PaymentStatus.CLAIMED.label) == "Payment claimed"
    assert PaymentStatus.CLAIMED.tone == "info"
