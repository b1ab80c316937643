"""A shop whose form offers paying by its WeChat Pay collection code, and an order on it."""

import pytest

from models.payments.collection_codes import upload_collection_code
from tests.factories import order_for
from tests.helpers import make_user
from tests.payments.images import png

QR_METHODS = {"payment_methods": ["at_pickup", "collection_code"]}


@pytest.fixture
def qr_shop(make_shop, app):
    """50 apples at ¥12.50 on a form offering the shop's QR code; a WeChat Pay code uploaded."""
    shop = make_shop(settings=QR_METHODS)
    with app.app_context():
        shop["code"] = upload_collection_code("wechat", png(), make_user("admin"))
    return shop


@pytest.fixture
def qr_order(qr_shop, app):
    """Two kilos of apples (¥25.00), unpaid."""
    with app.app_context():
        return order_for(qr_shop["version"], [(qr_shop["apples"], 2)])
