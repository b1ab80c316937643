"""Without a mouse: a customer orders and a staff member confirms the order with the keyboard
alone (Tab, Enter, Space, arrow keys and typing, in a real Chromium). Every control Tab
reaches on the way shows where the focus is (an outline or a shadow) and is on the screen."""

import re

import pytest

from models.orders.order import Order
from tests.factories import order_for
from tests.helpers import PASSWORD, make_user

pytestmark = pytest.mark.browser

MAX_TABS = 120  # a page's tab stops, at most, before the control sought

# The focused element, whether it matches `selector`, and whether a person can see the focus.
FOCUSED = """selector => {
  const el = document.activeElement;
  if (!el || el === document.body) return {matches: false, shown: true, what: 'body'};
  const style = getComputedStyle(el);
  // Focus on a part of the box itself (a date box's calendar button): the browser draws it.
  const ring = !el.matches(':focus')
    || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  return {matches: el.matches(selector), shown: ring && onScreen,
          what: `${el.outerHTML.slice(0, 80)} outline ${style.outlineStyle} ${style.outlineWidth}, ` +
                `${Math.round(box.top)}–${Math.round(box.bottom)} of ${innerHeight} px`};
}"""


@pytest.fixture
def activity(make_shop):
    made = make_shop(
        products={
            "strawberries": {"on_hand": 12, "price": 3990, "name": "Strawberries 500g"},
            "oranges": {"on_hand": 3, "price": 5900, "name": "Navel oranges 5kg"},
        },
        points={
            "east": {"name": "East gate", "address": "88 River Rd"},
            "west": {"name": "West gate", "address": "2 Hill St"},
        },
        title="Friday fruit group-buy",
    )
    return made | {"points": [made["east"], made["west"]]}


def tab_to(page, selector: str, backwards: bool = False) -> None:
    """Press Tab until the focus is on `selector`; every stop on the way must show its focus."""
    hidden = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED, selector)
        if not focused["shown"]:
            hidden.append(focused["what"])
        if focused["matches"]:
            assert not hidden, f"focus not visible on: {hidden}"
            return
    raise AssertionError(f"Tab never reached {selector} in {MAX_TABS} presses")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+A")  # replace what the box holds
    page.keyboard.type(text)


def test_a_customer_orders_with_the_keyboard_alone(new_page, activity):
    page = new_page("phone")
    page.goto(f"/f/{activity['version'].template.slug}")

    type_into(page, "input[name=name]", "Wang Fang")
    type_into(page, "input[name=phone]", "138 0013 8000")
    type_into(page, f"input[name='items-{activity['strawberries'].id}']", "2")
    tab_to(page, "input[type=radio]")  # the first pickup point
    page.keyboard.press("ArrowDown")  # the next one, chosen as it is reached
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "button[type=submit].primary")  # past the coupon's Apply
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    text = page.inner_text("main")
    assert "Strawberries 500g" in text and "West gate" in text
    assert "CN¥79.80" in text


def test_a_staff_member_confirms_an_order_with_the_keyboard_alone(new_page, activity):
    staff = make_user("staff", "keys@example.com")
    order = order_for(activity["version"], [(activity["strawberries"], 1)], name="Li Na")
    page = new_page("desktop")
    page.goto("/login")

    type_into(page, "#email", staff.email)
    type_into(page, "#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/board/")

    page.keyboard.press("Tab")  # the first stop: skip to the content
    assert page.evaluate("document.activeElement.matches('.skip-link')")
    page.keyboard.press("Enter")
    tab_to(page, f"a[href$='/board/orders/{order.number}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/board/orders/{order.number}")

    tab_to(page, "button[value=confirmed]")
    page.keyboard.press("Space")
    page.locator(".order-head .status", has_text="Confirmed").wait_for()
    assert Order.get_by_id(order.id).status == "confirmed"
