"""A shop that delivers to two zones, one with windows."""

from datetime import timedelta

import pytest

from models.base import utcnow
from models.delivery.windows import add_window
from models.delivery.zones import save_zone
from tests.factories import make_activity, make_product


@pytest.fixture
def zoned(app_context):
    fruit = make_product(100, price=3000, name="Fruit box")
    version = make_activity(
        [fruit], settings={"delivery": {"enabled": True, "fee": 800, "free_above": None}}
    )
    east = save_zone(
        name="Chaoyang",
        districts=["朝阳区"],
        communities=["望京花园"],
        postcode_prefixes=["1000"],
        fee=600,
        minimum_order=3000,
        free_above=9000,
    )
    west = save_zone(name="Haidian", districts=["海淀区"], fee=1000)
    soon = utcnow() + timedelta(days=1)
    window = add_window(east, soon, soon + timedelta(hours=1), capacity=2)
    return {"fruit": fruit, "version": version, "east": east, "west": west, "window": window}
