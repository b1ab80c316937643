"""Rating an order (models/ratings/giving.py): once it is completed, once per order (a double
tap and racing phones make one rating, on both databases), stars per product, and a low rating
telling staff in-app."""

import pytest

from models.db import db
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.outbox import Outbox
from models.orders.order import Order
from models.ratings.giving import (
    AlreadyRated,
    RatingRefused,
    may_rate,
    rate_order,
    rated_products,
    rating_of,
)
from models.ratings.rating import Rating
from tasks.notifications import sweep_due
from tests.factories import make_product, order_for, published_version
from tests.helpers import make_user, race


def test_a_completed_order_is_rated_with_stars_per_product(app_context, done):
    _, order = done
    apples, pears = rated_products(order)
    assert (apples.name, pears.name) == ("Apples", "Pears")
    assert may_rate(order)
    rate_order(order, stars=4, comment=" Fresh ", product_stars={apples.id: 5, pears.id: 3})
    rating = rating_of(order)
    assert (rating.stars, rating.comment) == (4, "Fresh")
    assert [(p.name, p.stars) for p in rating.product_stars] == [("Apples", 5), ("Pears", 3)]
    assert not may_rate(order)


def test_an_open_order_cannot_be_rated(app_context):
    order = order_for(published_version(), [(make_product(5), 1)])
    assert not may_rate(order)
    with pytest.raises(RatingRefused, match="once it is completed"):
        rate_order(order, stars=5)
    assert Rating.select().count() == 0


@pytest.mark.parametrize("stars", [0, 6, None, "5"])
def test_stars_are_one_to_five(app_context, done, stars):
    with pytest.raises(RatingRefused, match=r"Choose 1 to 5 stars\."):
        rate_order(done[1], stars=stars)


def test_a_product_not_in_the_order_is_refused(app_context, done):
    with pytest.raises(RatingRefused):
        rate_order(done[1], stars=5, product_stars={999999: 5})
    assert Rating.select().count() == 0


def test_rating_twice_keeps_the_first(app_context, done):
    _, order = done
    rate_order(order, stars=5, comment="first")
    with pytest.raises(AlreadyRated):
        rate_order(order, stars=1, comment="second")
    assert [(r.stars, r.comment) for r in Rating.select()] == [(5, "first")]


def test_six_taps_at_once_make_one_rating(app, done):
    """Threads against the real database (SQLite here, PostgreSQL with TEST_DATABASE_URL)."""
    _, order = done

    def tap(i):
        return rate_order(Order.get_by_id(order.id), stars=1 + i % 5, comment=f"tap {i}").id

    results = race(app, 6, tap)
    outcomes = sorted(outcome for outcome, _ in results)
    assert outcomes == ["AlreadyRated"] * 5 + ["ok"], results
    with app.app_context():
        assert Rating.select().count() == 1
        low = Rating.get().stars <= 2
        assert Outbox.select().where(Outbox.kind == "low_rating").count() == (1 if low else 0)
    db.close()


def test_a_low_rating_tells_staff_and_admins_in_app(app_context, done):
    staff, admin = make_user("staff"), make_user("admin")
    make_user("courier")  # not told
    _, order = done
    rate_order(order, stars=2, comment="Bruised pears")
    sweep_due()  # the worker turns the outbox row into in-app messages
    staff_inbox = InboxMessage.select().join(Delivery).where(Delivery.notice == "low_rating")
    messages = list(staff_inbox.order_by(InboxMessage.user))
    assert sorted(m.user_id for m in messages) == sorted([staff.id, admin.id])
    assert messages[0].title == f"Order #{order.number} was rated 2 of 5 stars"
    assert messages[0].body == "Bruised pears"
    assert messages[0].link == "/board/ratings?stars=2"


def test_a_good_rating_tells_nobody(app_context, done):
    make_user("staff")
    rate_order(done[1], stars=3)
    sweep_due()
    assert Outbox.select().where(Outbox.kind == "low_rating").count() == 0
    assert not Delivery.select().where(Delivery.notice == "low_rating").exists()
