"""The funnel in Chromium: a customer on a phone opens a form and starts typing (the page tells
the server once), another opens it without JavaScript and sends it; the admin's funnel shows
both steps."""

import pytest

from models.reports import funnel_counter
from tests.factories import make_activity, make_product
from tests.helpers import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def slug(app):
    for kept in (funnel_counter._views, funnel_counter._starts, funnel_counter._seen):
        kept.clear()
    with app.app_context():
        return make_activity(
            [make_product(30, price=990, name="Lychees")], title="Lychee day"
        ).template.slug


def test_views_and_starts_from_a_phone_reach_the_funnel(new_page, slug, admin):
    customer = new_page("phone")
    customer.goto(f"/f/{slug}")
    customer.wait_for_load_state()  # htmx (deferred) listens by now
    with customer.expect_response(lambda r: r.url.endswith(f"/f/{slug}/started")) as started:
        customer.get_by_label("Name").fill("Li Lei")
    assert started.value.status == 204
    customer.get_by_label("Phone").fill("138 0013 8000")  # the same page: not a second start
    customer.wait_for_timeout(300)

    plain = new_page("phone", javascript=False)
    plain.goto(f"/f/{slug}")
    plain.get_by_label("Name").fill("Han Meimei")
    plain.get_by_role("button", name="Place order").click()  # nothing chosen: sent back, 422
    plain.locator("[aria-invalid=true]").first.wait_for()

    funnel_counter.flush(everything=True)
    page = new_page("desktop")
    page.goto("/login?next=/reports/funnel")
    sign_in(page, admin)
    page.locator("#funnel-views").wait_for()
    assert page.locator("#funnel-views").inner_text() == "2"
    assert page.locator("#funnel-starts").inner_text() == "2"
    assert page.locator("svg.chart.bars").count() == 1
