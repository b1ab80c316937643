"""The messaging tests' shop: apples (plenty) on a form that asks for the customer's email."""

import pytest

from tests.consumer import EMAIL_SHOP


@pytest.fixture
def shop(make_shop):
    return make_shop(**EMAIL_SHOP)
