"""What got in a customer's way on a phone, in a real browser (issue 12): a booking's time
slot shown wherever the order is, shop messages that wrap and do not link to their own page,
− / + steppers with and without JavaScript, a change that survives the shop's own
bookkeeping, a full slot pointing at the next free one, /my as cards with readable phone
numbers, unambiguous dates. Screenshots go to docs/screenshots/."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_skeleton

from models.messaging.channels.sms import recent_messages
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, assign_order, transition_order
from models.orders.notes import tag_customer
from models.orders.order import Order
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, make_template, order_for
from tests.helpers import (
    MIN_TAP,
    PASSWORD,
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    make_user,
    screenshot,
)

pytestmark = pytest.mark.browser

SHOP_ZONE = ZoneInfo("Asia/Shanghai")
PHONE, PHONE_TYPED, PHONE_SHOWN = "+8613900017143", "13900017143", "139 0001 7143"
AMBIGUOUS_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
LONG_ADDRESS = "Room1203Building7BinjiangGardenEastGateXihuDistrictHangzhouZhejiang"


def shop_day(days: int) -> datetime:
    """Midnight of the shop's calendar day `days` from today (naive, shop time)."""
    today = datetime.now(SHOP_ZONE).replace(tzinfo=None)
    return today.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)


def slot(days: int, hours: str, capacity: int = 3) -> dict:
    day = shop_day(days)
    return {"id": f"{day:%Y-%m-%d} {hours}", "label": f"{day:%m-%d} {hours}", "capacity": capacity}


def weekday_date(days: int, locale: str = "en") -> str:
    """How the slot's day reads: "Wed, Dec 9, 2026" / "2026年12月9日周三"."""
    return format_skeleton("yMMMEd", shop_day(days), locale=locale)


@pytest.fixture
def booking(make_shop, shop_morning):
    """A home-cleaning activity like the demo's: services taken once or not at all, time slots
    two and three days ahead, an address."""
    slots = [slot(2, "09:00–11:00"), slot(2, "14:00–16:00"), slot(3, "09:00–11:00")]
    made = make_shop(
        products={
            "clean": {"on_hand": None, "price": 12000, "name": "Home cleaning 2h"},
            "windows": {"on_hand": None, "price": 6000, "name": "Window add-on"},
        },
        limit=1,
        kind="service",
        title="Home cleaning",
        extra_fields=[
            {
                "name": "slot",
                "type": "time_slot",
                "label": "Time slot",
                "required": True,
                "slots": slots,
            },
            {"name": "address", "type": "address", "label": "Address", "required": True},
        ],
    )
    return made | {"slug": made["version"].template.slug, "slots": slots}


def sign_in_staff(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/board"))


def fits(page) -> None:
    assert_fits_the_screen(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


# --- 1. the booked time slot, wherever the order is shown ------------------------------------


def test_a_booking_shows_its_time_slot_wherever_the_order_is_shown(
    app, new_page, booking, staff, tmp_path
):
    app.config["SMS_LOG_PATH"] = str(tmp_path / "sms.jsonl")
    customer = new_page("phone")
    customer.goto(f"/f/{booking['slug']}")
    customer.get_by_label("Name").fill("Wang Fang")
    customer.get_by_label("Phone").fill(PHONE_TYPED)
    customer.get_by_label("Home cleaning 2h").check()  # one or none: a tick box
    assert (
        customer.locator(f"input[name='items-{booking['clean'].id}']").get_attribute("type")
        == "checkbox"
    )
    when = f"{weekday_date(2)}, 2:00"
    option = customer.locator("label.option", has_text=when)
    assert "in 2 days" in option.inner_text()  # the form's slots read with weekday, too
    option.click()
    customer.get_by_label("Address").fill(LONG_ADDRESS)
    customer.get_by_role("button", name="Place order").click()
    customer.wait_for_url(re.compile(r"/o/[\w-]+$"))
    token = customer.url.rsplit("/", 1)[1]

    booked = customer.locator(".booked-slot")
    assert "Time slot:" in booked.inner_text()
    assert when in booked.inner_text() and "4:00" in booked.inner_text()
    assert "in 2 days" in booked.inner_text()
    confirmation = customer.locator(".messages .message").first
    confirmation.wait_for()
    assert f"Booked for: {weekday_date(2)}" in confirmation.inner_text()
    assert "in 2 days" in confirmation.inner_text()
    assert "Follow your order" not in confirmation.inner_text()  # no link to this very page
    assert customer.locator(f".messages a[href*='/o/{token}']").count() == 0
    assert not AMBIGUOUS_DATE.search(customer.locator("main").inner_text())
    fits(customer)
    screenshot(customer, "tracking-phone.png")

    chinese = new_page("phone", locale="zh-CN")
    chinese.goto(f"/o/{token}")
    slot_zh = chinese.locator(".booked-slot").inner_text()
    assert weekday_date(2, "zh_Hans_CN") in slot_zh and "14:00–16:00" in slot_zh
    assert "2天后" in slot_zh
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", chinese.locator("main").inner_text())

    with app.app_context():
        number = Order.get(Order.tracking_token == token).number
    desk = new_page("desktop")
    sign_in_staff(desk, staff)
    desk.goto("/board/")
    row = desk.locator("tr.order", has_text=f"#{number}")
    assert when in row.inner_text() and "in 2 days" in row.inner_text()
    assert PHONE_SHOWN in row.inner_text()
    assert not AMBIGUOUS_DATE.search(row.inner_text())
    desk.goto(f"/board/orders/{number}")
    facts = desk.locator(".facts").first
    assert when in facts.inner_text() and "in 2 days" in facts.inner_text()
    assert PHONE_SHOWN in desk.locator("#order-customer").inner_text()
    assert not AMBIGUOUS_DATE.search(desk.locator("main").inner_text())

    with app.app_context():  # an earlier order of the same phone, from another activity
        apples = make_product(10, price=1250, name="Apples")
        fruit = make_activity([apples], title="Friday fruit group-buy")
        order_for(fruit, [(apples, 2)], name="Wang Fang", phone=PHONE)
    mine = new_page("phone")
    mine.goto("/my")
    mine.fill("#phone", PHONE_TYPED)
    mine.get_by_role("button", name="Text me a code").click()
    mine.get_by_role("heading", name="Enter the code").wait_for()
    [text] = recent_messages(app.config["SMS_LOG_PATH"], limit=1)
    mine.fill("#code", re.search(r"\b(\d{6})\b", text["text"]).group(1))
    mine.get_by_role("button", name="Open my orders").click()
    card = mine.locator(".my-orders tbody tr", has_text="Home cleaning")
    card.wait_for()
    assert PHONE_SHOWN in mine.locator("#my-orders").inner_text()
    assert PHONE not in mine.content()
    assert when in card.inner_text() and "in 2 days" in card.inner_text()
    assert card.evaluate("tr => getComputedStyle(tr).display") == "flex"  # a card, no table
    fits(mine)
    screenshot(mine, "my-orders-phone.png")


# --- 2. shop messages wrap, link, and leave out the page's own link ----------------------------

MAP = (
    "https://maps.example.com/place/Binjiang-Garden-east-gate/"
    "@30.2741,120.1551,17z/data=!3m1!4b1!4m6!3m5!1s0x344b6f2c0bd5e0f5"
)


def test_shop_messages_wrap_link_and_leave_out_the_link_to_the_page_itself(app, phone_page):
    with app.app_context():
        apples = make_product(10, price=1250, name="Apples")
        body = (
            "Your order is {{ status }}.\nDirections: " + MAP + "\n"
            "Supercalifragilisticexpialidocious-and-more-and-more-and-more-and-more\n"
            "查看订单: {{ tracking_url }}"
        )
        version = make_activity(
            [apples], settings={"notifications": {"status_changed": {"body": body}}}
        )
        order = order_for(version, [(apples, 2)], name="Li Na")
    page = phone_page
    page.goto(f"/o/{order.tracking_token}")

    with app.app_context():
        transition_order(order, "confirmed", Actor.of_user(make_user("staff")))
        sweep_due()  # the worker writes the in-app message the page polls for

    message = page.locator(".messages .message", has_text="Directions")
    message.wait_for(timeout=5_000)
    link = message.get_by_role("link")
    assert link.count() == 1 and link.get_attribute("href") == MAP
    assert "查看订单" not in message.inner_text()
    assert page.locator(".messages a[href*='/o/']").count() == 0
    fits(page)


# --- 3. − / + steppers, a blank box means 0, a tick box for one-or-none --------------------------


@pytest.fixture
def groceries(app):
    with app.app_context():
        berries = make_product(20, price=3990, name="Strawberries 500g")
        oranges = make_product(20, price=5900, name="Navel oranges 5kg")
        wash = make_product(None, price=500, name="Washing service")
        fields = [
            {"name": "name", "type": "short_text", "label": "Name", "required": True},
            {"name": "phone", "type": "phone", "label": "Phone", "required": True},
            {
                "name": "items",
                "type": "products",
                "label": "Fruit",
                "required": True,
                "products": [{"product_id": p.id, "limit": 5} for p in (berries, oranges)],
            },
            {
                "name": "extras",
                "type": "products",
                "label": "Extras",
                "products": [{"product_id": wash.id, "limit": 1}],
            },
        ]
        version = make_template(fields=fields, status="draft", title="Fruit").publish()
        return {"slug": version.template.slug, "berries": berries, "oranges": oranges, "wash": wash}


def total_is(page, fen: int) -> None:
    page.wait_for_function(
        f"() => document.querySelector('#order-total strong').dataset.total === '{fen}'"
    )


def test_steppers_change_quantities_with_javascript(new_page, groceries):
    page = new_page("phone")
    page.goto(f"/f/{groceries['slug']}")
    berries = page.locator(f"input[name='items-{groceries['berries'].id}']")
    assert berries.input_value() == "" and berries.get_attribute("placeholder") == "0"
    more = page.get_by_role("button", name="One more Strawberries 500g")
    less = page.get_by_role("button", name="One less Strawberries 500g")
    for button in (more, less):
        box = button.bounding_box()
        assert box["width"] >= MIN_TAP and box["height"] >= MIN_TAP, box

    more.click()
    more.click()
    assert berries.input_value() == "2"
    total_is(page, 7980)
    less.click()
    assert berries.input_value() == "1"
    total_is(page, 3990)
    for _ in range(7):
        more.click()
    assert berries.input_value() == "5"  # the per-order limit
    less.click()
    for _ in range(5):
        less.click()
    assert berries.input_value() == ""  # 0 shows as an empty box
    page.get_by_role("button", name="One more Navel oranges 5kg").click()
    page.get_by_label("Washing service").check()
    total_is(page, 6400)
    assert page.url.endswith(f"/f/{groceries['slug']}")  # all in the page, nothing sent
    fits(page)

    page.get_by_label("Name").fill("Zhao Lei")
    page.get_by_label("Phone").fill("13800138000")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    lines = page.locator(".lines").inner_text()
    assert "Navel oranges 5kg\t×1" in lines and "Washing service\t×1" in lines
    assert "Strawberries" not in lines


def test_steppers_work_without_javascript_and_keep_what_was_typed(new_page, groceries):
    page = new_page("phone", javascript=False)
    page.goto(f"/f/{groceries['slug']}")
    page.get_by_label("Name").fill("Zhao Lei")
    page.get_by_label("Washing service").check()
    more = page.get_by_role("button", name="One more Strawberries 500g")
    more.click()
    page.wait_for_load_state()
    more.click()
    page.wait_for_load_state()
    berries = page.locator(f"input[name='items-{groceries['berries'].id}']")
    assert berries.input_value() == "2"
    assert page.get_by_label("Name").input_value() == "Zhao Lei"  # kept
    assert page.get_by_label("Washing service").is_checked()
    assert page.locator(".alert, .error:not(:empty)").count() == 0  # a step is no submission
    page.get_by_role("button", name="One less Strawberries 500g").click()
    page.wait_for_load_state()
    assert berries.input_value() == "1"

    page.get_by_label("Phone").fill("13800138000")
    page.get_by_label("Phone").press("Enter")  # Enter places the order; it steps nothing
    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    lines = page.locator(".lines").inner_text()
    assert "Strawberries 500g\t×1" in lines and "Washing service\t×1" in lines


# --- 4. the shop's own bookkeeping does not refuse or wipe a customer's change -----------------


@pytest.fixture
def pending(app, make_shop):
    made = make_shop(
        products={"apples": {"on_hand": 20, "price": 1250, "name": "Apples"}},
        limit=10,
        title="Apples",
    )
    with app.app_context():
        order = order_for(made["version"], [(made["apples"], 3)], name="Wang Fang")
    return made | {"order": order}


def test_a_change_in_progress_survives_the_shops_rule_and_is_saved(app, phone_page, pending):
    order, apples = pending["order"], pending["apples"]
    page = phone_page
    page.goto(f"/o/{order.tracking_token}")
    page.get_by_text("Change quantities").click()
    box = page.locator(f"input[name='qty-{apples.id}']")
    assert box.input_value() == "3"
    page.get_by_role("button", name="One more Apples").click()
    assert box.input_value() == "4"

    with app.app_context():  # the shop's rule gives the order to someone, a second later
        assigned = assign_order(order, make_user("staff"), Actor.rule("Assign by pickup point"))
        tag_customer(assigned, "regular", Actor.rule("Tag regulars"))
    with page.expect_response(lambda r: "/poll" in r.url and r.status == 200):
        pass  # the page refreshes itself with the new version ...
    page.wait_for_timeout(300)
    assert box.input_value() == "4"  # ... and keeps the edit in progress
    assert page.locator("details.change").evaluate("d => d.open")

    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("You changed the order.").wait_for(timeout=5_000)
    assert page.locator(".alert").count() == 0
    with app.app_context():
        stored = Order.get_by_id(order.id)
        assert [line.quantity for line in stored.lines] == [4]
        assert stored.assignee_id == assigned.assignee_id


def test_without_javascript_a_change_after_the_shops_rule_is_saved(app, new_page, pending):
    order, apples = pending["order"], pending["apples"]
    page = new_page("phone", javascript=False)
    page.goto(f"/o/{order.tracking_token}")
    with app.app_context():
        assign_order(order, make_user("staff"), Actor.rule("Assign by pickup point"))
    page.get_by_text("Change quantities").click()
    page.locator(f"input[name='qty-{apples.id}']").fill("")  # empty means 0 ...
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Choose at least one item.").wait_for()  # ... of a goods order
    page.get_by_role("button", name="One more Apples").click()  # a step re-renders the form
    page.wait_for_load_state()
    assert page.locator(f"input[name='qty-{apples.id}']").input_value() == "1"
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("You changed the order.").wait_for()
    with app.app_context():
        assert [line.quantity for line in Order.get_by_id(order.id).lines] == [1]


def test_a_change_the_customer_can_see_still_refuses_theirs(app, new_page, pending):
    order, apples = pending["order"], pending["apples"]
    page = new_page("phone", javascript=False)
    page.goto(f"/o/{order.tracking_token}")
    with app.app_context():
        edit_order(
            order,
            actor=Actor.of_user(make_user("staff")),
            expected_version=order.version,
            quantities={apples.id: 6},
        )
    page.get_by_text("Change quantities").click()
    page.locator(f"input[name='qty-{apples.id}']").fill("2")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("The shop changed this order a moment ago").wait_for()
    with app.app_context():
        assert [line.quantity for line in Order.get_by_id(order.id).lines] == [6]


# --- 5. a slot that just became full is unticked; the next free one is pointed at --------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_slot_that_just_filled_up_is_unticked_and_the_next_free_one_is_named(
    app, new_page, booking, javascript
):
    first, second, third = booking["slots"]
    with app.app_context():
        for n in range(3):  # the afternoon is fully booked already
            order_for(
                booking["version"],
                [(booking["clean"], 1)],
                answers={"slot": second["id"]},
                name=f"Early {n}",
            )
    page = new_page("phone", javascript=javascript)
    page.goto(f"/f/{booking['slug']}")
    page.get_by_label("Name").fill("Wang Fang")
    page.get_by_label("Phone").fill(PHONE_TYPED)
    page.get_by_label("Home cleaning 2h").check()
    page.locator(f"input[value='{first['id']}']").check()
    page.get_by_label("Address").fill("88 River Rd")
    with app.app_context():  # three others take the morning while the customer types
        for n in range(3):
            order_for(
                booking["version"],
                [(booking["clean"], 1)],
                answers={"slot": first["id"]},
                name=f"Quick {n}",
            )

    page.get_by_role("button", name="Place order").click()
    error = page.locator("#field-slot .error")
    error.wait_for()
    assert "This time slot has just been fully booked." in error.inner_text()
    assert f"The next free one is {weekday_date(3)}, 9:00" in error.inner_text()
    full = page.locator(f"input[value='{first['id']}']")
    assert not full.is_checked() and full.is_disabled()
    suggested = page.locator("label.option.suggested")
    assert suggested.count() == 1 and "Next free" in suggested.inner_text()
    assert suggested.locator("input").get_attribute("value") == third["id"]
    assert page.get_by_label("Name").input_value() == "Wang Fang"

    suggested.click()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    assert f"{weekday_date(3)}, 9:00" in page.locator(".booked-slot").inner_text()


def test_every_tap_target_on_the_tracking_page_is_big_enough_for_a_thumb(phone_page, app):
    with app.app_context():
        apples = make_product(300, name="Apples")
        order = order_for(make_activity([apples]), [(apples, 2)], name="Li Na")
    phone_page.goto(f"/o/{order.tracking_token}")
    phone_page.get_by_role("link", name="All my orders").wait_for()
    assert_tap_targets_are_big_enough(phone_page)
    assert_fits_the_screen(phone_page)
