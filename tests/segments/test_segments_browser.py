"""In a real browser (desktop): staff create a segment, watch its count, write a message,
preview it with the recipient count and send it; the send log lists it."""

import re

from playwright.sync_api import expect

from models.customers.customer import Customer
from models.customers.tags import add_tag
from models.segments.consent import set_consent
from tests.factories import order_for
from tests.helpers import make_user, sign_in


def test_staff_create_a_segment_and_send_it_a_message(desktop_page, app, make_shop):
    shop = make_shop()
    with app.app_context():
        staff = make_user("staff")
        for number in range(3):
            order = order_for(shop["version"], [(shop["apples"], 1)], name=f"Kim{number}")
            add_tag(order.customer_id, "团购")
            if number < 2:
                set_consent(order.customer_id, True)
    page = desktop_page
    page.goto("/segments/new")
    sign_in(page, staff)
    page.wait_for_url("**/segments/new")
    page.wait_for_load_state()
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_label("Name", exact=True).fill("Group buyers")
    page.get_by_label("Tags", exact=True).fill("团购")
    expect(page.locator("#segment-count")).to_contain_text("Customers now: 3")
    page.get_by_role("button", name="Save the segment").click()
    page.wait_for_url(re.compile(r"/segments/\d+$"))
    expect(page.locator("#segment-count")).to_contain_text("Customers now: 3")

    page.get_by_role("link", name="Send a message").click()
    page.wait_for_url(re.compile(r"/segments/\d+/message$"))
    page.wait_for_load_state()
    page.get_by_label("Message").fill("到货了，今天下午 3 点起可取")
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Preview").click()
    assert answer.value.status == 200, answer.value.text()
    expect(page.locator("#reach")).to_contain_text("Recipients: 2")
    expect(page.locator("#sample")).to_contain_text("到货了，今天下午 3 点起可取")
    page.get_by_role("button", name="Send to 2").click()
    page.wait_for_url("**/segments/messages")
    expect(page.locator("table.send-log tbody tr")).to_have_count(1)
    expect(page.locator("table.send-log tbody tr")).to_contain_text("Group buyers")
    with app.app_context():
        assert Customer.select().count() == 3
