"""models/orders/payments.py payment_status: the one rule for an order's payment status."""

import pytest

from models.orders.payments import payment_status
from models.orders.status import PaymentStatus


@pytest.mark.parametrize(
    ("total", "paid", "refunded", "claimed", "expected"),
    [
        (1000, 0, 0, False, PaymentStatus.UNPAID),
        (1000, 400, 0, False, PaymentStatus.PARTLY_PAID),  # the rest is outstanding
        (1000, 0, 0, True, PaymentStatus.CLAIMED),
        (1000, 400, 0, True, PaymentStatus.CLAIMED),
        (1000, 1000, 0, True, PaymentStatus.PAID),  # covered: the claim no longer counts
        (1000, 1000, 0, False, PaymentStatus.PAID),
        (0, 0, 0, False, PaymentStatus.PAID),  # a free order
        (1000, 1000, 1000, False, PaymentStatus.REFUNDED),
        (1000, 1000, 300, False, PaymentStatus.PARTLY_REFUNDED),
        (1000, 400, 400, False, PaymentStatus.REFUNDED),  # all that was paid went back
        (1000, 400, 100, True, PaymentStatus.PARTLY_REFUNDED),
        (1000, 0, 1000, True, PaymentStatus.REFUNDED),  # marked refunded without payments
    ],
)
def test_the_status_follows_the_rows(total, paid, refunded, claimed, expected):
    assert payment_status(total, paid, refunded=refunded, claimed=claimed) == expected


def test_claimed_has_its_label_and_tone(app_context):
    assert str(PaymentStatus.CLAIMED.label) == "Payment claimed"
    assert PaymentStatus.CLAIMED.tone == "info"


@pytest.mark.parametrize(
    ("status", "en", "zh"),
    [
        (PaymentStatus.PARTLY_PAID, "Partly paid", "部分付款"),
        (PaymentStatus.PARTLY_REFUNDED, "Partly refunded", "部分退款"),
    ],
)
def test_the_new_statuses_have_labels_in_both_languages(app, status, en, zh):
    from flask_babel import force_locale

    with app.test_request_context():
        with force_locale("en"):
            assert str(status.label) == en
        with force_locale("zh_CN"):
            assert str(status.label) == zh
