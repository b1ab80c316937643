"""My orders (/my): a code texted through the log backend opens the orders of that phone
and no one else's; codes are hashed, expire, work once (also in a race), allow 5 tries,
and are rate-limited per phone and per address. Plus the dev page that shows the texts."""

import re
import threading
import time
from datetime import timedelta

import pytest

from app import create_app
from models import db
from models.base import utcnow
from models.messaging.channels.sms import recent_messages
from models.storefront.login_code import (
    CodeRefused,
    LoginCode,
    TooManyCodes,
    request_code,
    verify_code,
)
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, HTMX, assert_fits_the_screen

ALICE = "+8613800138000"
ALICE_TYPED = "138 0013 8000"
BOB = "+8613900139000"


@pytest.fixture(autouse=True)
def texts(app, tmp_path):
    """The log backend's file for this test (not the instance folder)."""
    path = tmp_path / "dev-sms.jsonl"
    app.config["SMS_LOG_PATH"] = str(path)
    return path


def texted_code(texts, phone: str = ALICE) -> str:
    [last] = recent_messages(texts, limit=1)
    assert last["phone"] == phone
    return re.search(r"\b(\d{6})\b", last["text"]).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def ask_for_code(post_form, phone: str = ALICE_TYPED, headers=()):
    return post_form("/my/code", {"phone": phone}, page="/my", headers={**EN, **dict(headers)})


def enter_code(post_form, code: str, phone: str = ALICE):
    return post_form("/my/verify", {"phone": phone, "code": code}, page="/my", headers=EN)


def sign_in_as(post_form, texts, phone_typed: str, phone: str):
    assert ask_for_code(post_form, phone_typed).status_code == 200
    response = enter_code(post_form, texted_code(texts, phone), phone)
    assert response.status_code == 303
    assert response.headers["Location"] == "/my"


def age_codes(delta: timedelta) -> None:
    """Pretend every code was sent `delta` earlier."""
    for code in LoginCode.select():
        code.created_at -= delta
        code.save(only=[LoginCode.created_at])


@pytest.fixture
def orders(app):
    """Two orders of Alice's (different activities) and one of Bob's."""
    with app.app_context():  # not kept pushed: requests must not share `g` (and the locale)
        apples = make_product(price=1250, name="Apples")
        first = published_version(title="Spring apples")
        second = published_version(title="Summer peaches")
        return {
            "alice_old": order_for(first, [(apples, 2)], name="Alice", phone=ALICE),
            "alice_new": order_for(second, [(apples, 1)], name="Alice", phone=ALICE),
            "bob": order_for(first, [(apples, 3)], name="Bob Secret", phone=BOB),
        }


# --- the whole flow ---------------------------------------------------------------------------


def test_a_texted_code_opens_every_order_of_that_phone_and_no_other(
    app, client, post_form, texts, orders
):
    asked = ask_for_code(post_form)
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "Enter the code" in html and f"code to {ALICE}" in html
    [text] = recent_messages(texts)
    assert text["phone"] == ALICE
    assert f"Your {app.config['SHOP_NAME']} code is" in text["text"]

    entered = enter_code(post_form, texted_code(texts))
    assert entered.status_code == 303

    page = client.get("/my", headers=EN).get_data(as_text=True)
    old, new, bob = orders["alice_old"], orders["alice_new"], orders["bob"]
    for order in (old, new):
        assert f'href="/o/{order.tracking_token}"' in page
        assert f"#{order.number}" in page
    assert page.index(new.tracking_token) < page.index(old.tracking_token), "newest first"
    assert "Spring apples" in page and "Summer peaches" in page
    assert "Pending" in page and "CN¥25.00" in page and "CN¥12.50" in page
    assert bob.tracking_token not in page and f"#{bob.number}" not in page
    assert "Bob Secret" not in page and BOB not in page


def test_a_phone_without_orders_gets_the_same_pages(client, post_form, texts, orders):
    """Nothing tells a visitor whether a number has ever ordered."""
    stranger, stranger_typed = "+8613700137000", "137 0013 7000"

    def page_for(typed, phone):
        html = ask_for_code(post_form, typed).get_data(as_text=True).replace(phone, "N")
        html = re.sub(r'name="csrf_token"[^>]*>', "", html)  # signed with the time
        return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)  # the same token, for htmx

    assert page_for(ALICE_TYPED, ALICE) == page_for(stranger_typed, stranger)

    response = enter_code(post_form, texted_code(texts, stranger), stranger)
    assert response.status_code == 303
    page = client.get("/my", headers=EN).get_data(as_text=True)
    assert "No orders with this number yet." in page
    assert orders["alice_new"].tracking_token not in page


def test_every_customer_page_links_to_my_orders_but_staff_see_their_own_menu(
    app, client, staff, login, orders
):
    link = '<a href="/my"'
    order = orders["alice_old"]
    with app.app_context():
        form = f"/f/{order.template.slug}"
    for path in ("/", form, f"/o/{order.tracking_token}", "/my"):
        assert link in client.get(path, headers=EN).get_data(as_text=True), path
    login(staff)
    assert link not in client.get("/board/", headers=EN).get_data(as_text=True)


def test_htmx_gets_the_next_step_as_a_fragment(post_form, texts):
    response = ask_for_code(post_form, headers=HTMX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="my-orders"')
    assert "<html" not in html and "Enter the code" in html


# --- wrong, expired, used codes ---------------------------------------------------------------


def test_a_wrong_code_is_refused_inline_and_keeps_the_input(client, post_form, texts):
    ask_for_code(post_form)
    typed = wrong(texted_code(texts))
    response = enter_code(post_form, typed)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That code is not right. Tries left: 4." in html
    assert f'value="{typed}"' in html and f'value="{ALICE}"' in html
    assert "Sign out of my orders" not in client.get("/my", headers=EN).get_data(as_text=True)


def test_a_code_that_is_not_six_digits_costs_no_try(post_form, texts):
    ask_for_code(post_form)
    response = enter_code(post_form, "12ab")
    assert response.status_code == 422
    assert "The code has 6 digits." in response.get_data(as_text=True)
    assert LoginCode.get(LoginCode.phone == ALICE).attempts == 0


def test_an_expired_code_is_refused(post_form, texts):
    ask_for_code(post_form)
    LoginCode.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    response = enter_code(post_form, texted_code(texts))
    assert response.status_code == 422
    assert "This code has expired. Ask for a new one." in response.get_data(as_text=True)


def test_a_code_works_only_once(app, post_form, texts):
    ask_for_code(post_form)
    code = texted_code(texts)
    assert enter_code(post_form, code).status_code == 303

    other_browser = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', other_browser.get("/my").text)
    again = other_browser.post(
        "/my/verify", data={"csrf_token": token[1], "phone": ALICE, "code": code}, headers=EN
    )
    assert again.status_code == 422
    assert "This code was already used." in again.get_data(as_text=True)


def test_five_wrong_tries_burn_the_code(post_form, texts):
    ask_for_code(post_form)
    code = texted_code(texts)
    messages = [enter_code(post_form, wrong(code)).get_data(as_text=True) for _ in range(5)]
    assert "Tries left: 4." in messages[0] and "Tries left: 1." in messages[3]
    assert "it was the last try" in messages[4]

    response = enter_code(post_form, code)
    assert response.status_code == 422
    assert "Too many wrong tries. Ask for a new code." in response.get_data(as_text=True)


def test_only_the_newest_code_counts(app, post_form, texts):
    ask_for_code(post_form)
    first = texted_code(texts)
    age_codes(timedelta(minutes=2))
    ask_for_code(post_form)
    second = texted_code(texts)
    if first != second:
        assert enter_code(post_form, first).status_code == 422
    assert enter_code(post_form, second).status_code == 303


def test_codes_are_stored_only_as_a_keyed_hash(app, post_form, texts):
    ask_for_code(post_form)
    code = texted_code(texts)
    row = LoginCode.get(LoginCode.phone == ALICE)
    assert code not in row.code_hash and len(row.code_hash) == 64
    app.config["SECRET_KEY"] = "another-secret"
    with app.test_request_context(), pytest.raises(CodeRefused):
        verify_code(ALICE, code)


# --- races against the real database ----------------------------------------------------------


def _verify_in_threads(app, code: str, threads: int) -> list[str]:
    """`threads` threads try `code` for ALICE at the same moment; return who passed."""
    barrier = threading.Barrier(threads)
    outcomes = []

    def attempt():
        with app.test_request_context():
            barrier.wait()
            try:
                outcomes.append(verify_code(ALICE, code))
            except CodeRefused:
                outcomes.append("refused")
            finally:
                db.close()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(outcomes) == threads
    return outcomes


@pytest.mark.parametrize("threads", [2, 10])
def test_the_same_code_verified_in_parallel_passes_exactly_once(app, texts, threads):
    with app.test_request_context():
        request_code(ALICE_TYPED)
    outcomes = _verify_in_threads(app, texted_code(texts), threads)
    assert outcomes.count(ALICE) == 1
    assert LoginCode.get(LoginCode.phone == ALICE).attempts <= 5


def test_parallel_wrong_guesses_never_get_more_than_five_tries(app, texts):
    with app.test_request_context():
        request_code(ALICE_TYPED)
    outcomes = _verify_in_threads(app, wrong(texted_code(texts)), 12)
    assert outcomes == ["refused"] * 12
    assert LoginCode.get(LoginCode.phone == ALICE).attempts == 5


# --- rate limits and bad input ----------------------------------------------------------------


def test_a_second_code_within_a_minute_is_refused_with_when_to_retry(post_form, texts):
    assert ask_for_code(post_form).status_code == 200
    again = ask_for_code(post_form)
    html = again.get_data(as_text=True)
    assert again.status_code == 429
    assert re.search(r"You can ask for a new one in (59|60) seconds\.", html)
    assert "Enter the code" in html, "the code already sent can still be entered"
    assert len(recent_messages(texts)) == 1

    age_codes(timedelta(seconds=61))
    assert ask_for_code(post_form).status_code == 200
    assert len(recent_messages(texts)) == 2


def test_at_most_five_codes_an_hour(app, texts):
    with app.test_request_context(headers=EN):
        for minutes_ago in (50, 40, 30, 20, 10):
            request_code(ALICE_TYPED)
            just_sent = LoginCode.created_at > utcnow() - timedelta(minutes=1)
            LoginCode.update(created_at=utcnow() - timedelta(minutes=minutes_ago)).where(
                just_sent
            ).execute()
        with pytest.raises(TooManyCodes, match=r"Try again in 10 minutes\."):
            request_code(ALICE_TYPED)
        assert len(recent_messages(texts)) == 5


@pytest.mark.parametrize(
    ("typed", "message"),
    [("12345", "Enter a valid phone number."), ("", "Enter your phone number.")],
)
def test_an_invalid_phone_is_refused_inline_and_keeps_the_input(post_form, texts, typed, message):
    response = ask_for_code(post_form, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and f'value="{typed}"' in html
    assert recent_messages(texts) == []


def test_one_address_is_throttled_with_a_message_that_keeps_the_phone(app, post_form, texts):
    app.config["MY_ORDERS_LIMIT"] = "2 per minute"
    for n in range(2):
        assert ask_for_code(post_form, f"138 0013 800{n}").status_code == 200
    blocked = ask_for_code(post_form, "138 0013 8009")
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert "Too many requests from your network." in html and 'value="138 0013 8009"' in html
    assert len(recent_messages(texts)) == 2


def test_a_text_that_cannot_be_sent_leaves_no_code_behind(app, post_form, tmp_path):
    app.config["SMS_LOG_PATH"] = str(tmp_path)  # a folder: the log backend cannot write
    response = ask_for_code(post_form)
    assert response.status_code == 422
    assert "The code could not be sent." in response.get_data(as_text=True)
    assert LoginCode.select().count() == 0, "the next request is not held up"


# --- the session ------------------------------------------------------------------------------


def test_signing_out_forgets_the_phone(client, post_form, texts, orders):
    sign_in_as(post_form, texts, ALICE_TYPED, ALICE)
    response = post_form("/my/sign-out", {}, page="/my")
    assert response.status_code == 303
    page = client.get("/my", headers=EN).get_data(as_text=True)
    assert "Text me a code" in page and orders["alice_new"].tracking_token not in page


def test_the_proof_expires_after_thirty_days(client, post_form, texts, orders):
    sign_in_as(post_form, texts, ALICE_TYPED, ALICE)
    with client.session_transaction() as session:
        session["my_orders"]["at"] = time.time() - 31 * 24 * 3600
    page = client.get("/my", headers=EN).get_data(as_text=True)
    assert "Text me a code" in page and orders["alice_new"].tracking_token not in page


# --- the dev page -----------------------------------------------------------------------------


def test_the_dev_page_shows_the_last_twenty_texts_newest_first(app, client, texts, admin, login):
    with app.test_request_context():
        for n in range(22):
            request_code(f"+86138001380{n:02d}")
    login(admin)  # development pages are for admins only (tests/messaging/test_dev_pages.py)
    page = client.get("/dev/sms", headers=EN).get_data(as_text=True)
    assert page.count('class="dev-sms-message"') == 20
    assert page.index("+8613800138021") < page.index("+8613800138002")
    assert "+8613800138001" not in page


@pytest.mark.parametrize(
    ("settings", "shown"),
    [
        ({"DEV_PAGES": True}, True),
        ({"DEV_PAGES": False}, False),
        ({"DEV_PAGES": False, "DEBUG": True}, False),  # only when DEV_PAGES says so
    ],
)
def test_the_dev_page_exists_only_in_development(database_url, settings, shown):
    app = create_app(DATABASE_URL=database_url, SECRET_KEY="s", **settings)
    assert ("dev.sms_log" in app.view_functions) is shown


def test_no_dev_sms_page_with_a_real_sms_gateway(app, client, admin, login, monkeypatch):
    login(admin)
    monkeypatch.setitem(app.config, "SMS_BACKEND", "webhook")
    assert client.get("/dev/sms").status_code == 404


# --- in the browser ---------------------------------------------------------------------------


def test_a_customer_opens_my_orders_on_a_phone(phone_page, orders, texts):
    page = phone_page
    page.goto("/my")
    page.fill("#phone", ALICE_TYPED)
    page.get_by_role("button", name="Text me a code").click()
    page.get_by_role("heading", name="Enter the code").wait_for()

    code = texted_code(texts)  # what the customer's phone received

    page.fill("#code", code)
    page.get_by_role("button", name="Open my orders").click()
    new, old = orders["alice_new"], orders["alice_old"]
    page.get_by_role("link", name=f"#{new.number}").wait_for()
    assert page.get_by_role("link", name=f"#{old.number}").is_visible()
    assert page.get_by_text(f"#{orders['bob'].number}").count() == 0
    assert page.locator("header.site-header").count() == 1, "the list replaced the form only"
    assert page.url.endswith("/my")
    assert_fits_the_screen(page)  # tests/orders/test_customer_browser.py takes the screenshot

    page.get_by_role("button", name="Sign out of my orders").click()
    page.get_by_role("button", name="Text me a code").wait_for()
