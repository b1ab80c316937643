"""Notifications with Huey in immediate mode: what each order change plans, the texts (template
switches, admin texts, the sandbox), and the emails a real SMTP server on loopback receives."""

import re
import time
from pathlib import Path

import pytest
from flask_babel import force_locale
from jinja2 import TemplateError

from models.activities.pickup import PickupPoint
from models.db import db
from models.messaging.channels.sms import recent_messages
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.notifications import NOTICES, customer_messages
from models.messaging.outbox import Outbox
from models.messaging.texts import render_text, template_variables
from models.orders.lifecycle import Actor, assign_order, transition_order
from models.orders.order import Order, OrderEvent
from tests.factories import EMAIL_FIELD, make_activity, make_product, order_for
from tests.helpers import EN, ROOT, hidden_inputs, web_request
from tests.mailbox import Mailbox, plain_text


@pytest.fixture
def mailbox(app, tmp_path):
    with Mailbox() as box:
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=box.port,
            MAIL_FROM="shop@jielong.test",
            SHOP_NAME="Fruit Corner",
            PUBLIC_URL="https://shop.example",
            SMS_LOG_PATH=str(tmp_path / "sms.jsonl"),
        )
        yield box


@pytest.fixture
def apples(app_context):
    return make_product(50, price=1250, name="Apples")


def activity(apples, notifications: dict | None = None):
    settings = {"notifications": notifications} if notifications is not None else None
    return make_activity([apples], extra_fields=[EMAIL_FIELD], settings=settings)


def place(app, version, apples, *, email="alice@example.com", locale="en", **options) -> Order:
    with web_request(app):
        return order_for(version, [(apples, 2)], answers={"email": email}, locale=locale, **options)


def planned(order: Order) -> set[tuple]:
    rows = Delivery.select().where(Delivery.order == order.id)
    return {(d.notice, d.audience, d.channel, d.recipient) for d in rows}


def test_an_order_placed_on_the_web_emails_the_customer_once_and_tells_the_staff(
    app, client, mailbox, apples, staff, admin
):
    version = activity(apples)
    html = client.get(f"/f/{version.template.slug}", headers=EN).get_data(as_text=True)
    data = {
        **hidden_inputs(html),
        "name": "Alice",
        "phone": "138 0013 8000",
        f"items-{apples.id}": "2",
        "email": "alice@example.com",
    }

    response = client.post(f"/f/{version.template.slug}", data=data, headers=EN)
    client.post(f"/f/{version.template.slug}", data=data, headers=EN)  # a double tap

    assert response.status_code == 303
    order = Order.get()
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "alice@example.com"
    assert mail["From"] == "Fruit Corner <shop@jielong.test>"
    assert mail["Subject"] == f"We received your order #{order.number}"
    key = f"notify.{order.events[0].id}.order_received.email.customer"
    assert mail["Message-ID"] == f"<{key}@jielong.test>"
    text = plain_text(mail)
    assert "Hello Alice" in text and "CN¥25.00" in text and "Apples × 2" in text
    assert f"https://shop.example/o/{order.tracking_token}" in text
    html_part = mail.get_body(("html",)).get_content()
    assert f'href="https://shop.example/o/{order.tracking_token}"' in html_part
    assert [m.title for m in customer_messages(order)] == [mail["Subject"]]
    for account in (staff, admin):
        [note] = InboxMessage.select().where(InboxMessage.user == account.id)
        assert note.title == f"New order #{order.number} from Alice"
        assert note.link == f"/board/orders/{order.number}"
    assert len(mailbox.wait_for(2, timeout=0.5)) == 1


def test_each_order_change_plans_its_own_deliveries(app, mailbox, apples, staff, admin):
    version = activity(apples)
    order = place(app, version, apples)
    received = planned(order)
    assert received == {
        ("order_received", "customer", "email", "alice@example.com"),
        ("order_received", "customer", "inapp", "Alice"),
        ("order_received_staff", "staff", "inapp", "Staff"),
        ("order_received_staff", "staff", "inapp", "Admin"),
    }

    with web_request(app):
        order = transition_order(order, "confirmed", Actor.of_user(staff))
    assert planned(order) - received == {
        ("status_changed", "customer", "email", "alice@example.com"),
        ("status_changed", "customer", "inapp", "Alice"),
    }

    before = planned(order)
    with web_request(app):
        order = assign_order(order, staff, Actor.of_user(admin))
        assign_order(order, admin, Actor.of_user(admin))  # to oneself: nobody to tell
    assert planned(order) - before == {
        ("assigned", "staff", "inapp", "Staff"),
        ("assigned", "staff", "email", staff.email),
    }
    assert Delivery.select().where(Delivery.status != "sent").count() == 0
    subjects = [m["Subject"] for m in mailbox.wait_for(3)]
    number = order.number
    assert subjects == [
        f"We received your order #{number}",
        f"Order #{number}: Confirmed",
        f"Order #{number} is now yours",
    ]


def test_a_rolled_back_order_change_plans_and_sends_nothing(app, mailbox, apples, staff):
    version = activity(apples)
    with pytest.raises(RuntimeError), web_request(app), db.atomic():
        order_for(version, [(apples, 1)], answers={"email": "bob@example.com"})
        assert (
            Outbox.select().where(Outbox.kind == "notify").count() == 2
        )  # planned inside the transaction...
        raise RuntimeError("the rest of the change failed")
    assert Order.select().count() == 0
    assert Outbox.select().count() == 0  # ...and gone with it

    order = place(app, version, apples)
    with pytest.raises(RuntimeError), web_request(app), db.atomic():
        transition_order(order, "confirmed", Actor.of_user(staff))
        raise RuntimeError("the rest of the change failed")

    assert [row.payload["notice"] for row in Outbox.select().where(Outbox.kind == "notify")] == [
        "order_received",
        "order_received_staff",
    ]
    assert [m["To"] for m in mailbox.wait_for(2, timeout=0.5)] == ["alice@example.com"]


def test_a_chinese_customer_gets_the_email_in_chinese(app, mailbox, apples, staff):
    order = place(app, activity(apples), apples, locale="zh_CN")
    with web_request(app):
        transition_order(order, "confirmed", Actor.of_user(staff))

    received, confirmed = mailbox.wait_for(2)
    assert confirmed["Subject"].endswith("已确认")  # the status label in the customer's language
    assert 'lang="zh-CN"' in confirmed.get_body(("html",)).get_content()
    text = plain_text(received)
    assert "¥25.00" in text and "CN¥" not in text


def test_template_switches_turn_notices_and_channels_on_and_off(app, mailbox, apples, staff):
    version = activity(
        apples,
        {
            "order_received": {"enabled": True, "channels": ["sms"]},
            "order_received_staff": {"channels": ["inapp", "email"]},
            "status_changed": {"statuses": ["ready"]},
            "assigned": {"enabled": False},
        },
    )
    order = place(app, version, apples, phone="+8613800138000")
    assert planned(order) == {
        ("order_received", "customer", "sms", "+8613800138000"),
        ("order_received_staff", "staff", "inapp", "Staff"),
        ("order_received_staff", "staff", "email", staff.email),
    }
    [text] = recent_messages(Path(app.config["SMS_LOG_PATH"]))
    assert text["phone"] == "+8613800138000"
    assert text["text"].startswith(f"Fruit Corner: order #{order.number} received, total CN¥25.00")
    assert text["key"] == f"notify.{order.events[0].id}.order_received.sms.customer"

    actor = Actor.of_user(staff)
    with web_request(app):
        for status in ("confirmed", "processing", "ready"):
            order = transition_order(order, status, actor)
        assign_order(order, staff, Actor.system())
    customer = Delivery.select().where(Delivery.audience == "customer").order_by(Delivery.id)
    notices = [d.notice for d in customer]
    assert notices == ["order_received", "status_changed", "status_changed"]  # ready: email, inapp
    assert [m["To"] for m in mailbox.wait_for(2)] == [staff.email, "alice@example.com"]


def test_handing_over_an_order_not_yet_ready_tells_the_customer_once_that_it_is_done(
    app, client, login, post_form, mailbox, apples, staff
):
    subject = "#{{ order_number }}: {{ previous_status }} → {{ status }}"
    version = activity(apples, {"status_changed": {"subject": subject}})
    gate = PickupPoint.create(name="East gate")
    order = place(app, version, apples, pickup_point=gate)
    with web_request(app):  # one staff action, one message
        order = transition_order(order, "confirmed", Actor.of_user(staff))
    assert len(mailbox.wait_for(2)) == 2
    login(staff)

    response = post_form(
        f"/board/pickup/{gate.id}/orders/{order.number}/handed-over",
        {"version": order.version},
        page=f"/board/pickup/{gate.id}",
        headers=EN,
    )

    assert response.status_code in (200, 303)
    assert Order.get_by_id(order.id).status == "completed"
    steps = [e.to_status for e in order.events.where(OrderEvent.kind == "status")]
    assert steps == ["confirmed", "processing", "ready", "completed"]  # the timeline keeps each
    mails = mailbox.wait_for(4, timeout=1)  # waits a second in vain for a fourth
    assert [m["Subject"] for m in mails[2:]] == [f"#{order.number}: Confirmed → Completed"]
    assert "is now: Completed." in plain_text(mails[2])
    titles = [m.title for m in customer_messages(order)]
    assert titles == [
        f"We received your order #{order.number}",
        f"#{order.number}: Pending → Confirmed",
        f"#{order.number}: Confirmed → Completed",
    ]
    page = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    shown = re.findall(r'<article class="message">\s*<h3>(.*?)</h3>', page)
    assert shown == titles[::-1]  # newest first


def test_an_admins_texts_are_rendered_with_the_documented_variables(app, mailbox, apples):
    version = activity(
        apples,
        {
            "order_received": {
                "subject": "{{ shop_name }}: #{{ order_number }} for {{ customer_name }}",
                "body": {
                    "en": "{% for item in items %}{{ item.name }} x{{ item.quantity }} "
                    "= {{ item.amount }}\n{% endfor %}Total {{ total }}, {{ status|lower }}.",
                    "zh_CN": "共 {{ total }}",
                },
            }
        },
    )
    english = place(app, version, apples)
    place(app, version, apples, email="wang@example.com", locale="zh_CN")

    mails = {m["To"]: m for m in mailbox.wait_for(2)}
    mail = mails["alice@example.com"]
    assert mail["Subject"] == f"Fruit Corner: #{english.number} for Alice"
    text = plain_text(mail)
    assert "Apples x2 = CN¥25.00\nTotal CN¥25.00, pending." in text
    assert plain_text(mails["wang@example.com"]).startswith("共 ¥25.00")


UNSAFE = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ items.__class__.__init__.__globals__ }}",
    "{{ config }}",
    "{{ range(10) }}",
    "{{ 'x' * 100000000 }}",
    "{{ 9 ** 99999999 }}",
    "{{ '%99999999s' % 'x' }}",
    "{{ 'x'|center(99999999) }}",
    "{% for %}",
]


@pytest.mark.parametrize("source", UNSAFE)
def test_the_sandbox_refuses_unsafe_or_broken_texts(app_context, source):
    with pytest.raises(TemplateError):
        render_text(source, {"items": [], "order_number": 1})


TEN_THOUSAND = "{% set s = 'x' * 10000 %}"
COSTLY = [  # (text, why it is refused): each stopped before it costs much
    ("{{ 'x'" + "|replace('x', 'xxxxxxxxxxxxxxxx')" * 7 + " }}", "write more than 10000"),  # 256 MB
    ("{{ 'x' * 100000000 }}", "write more than 10000 characters"),
    ("{{ ['x' * 5000] * 10000 }}", "write more than 10000 characters"),
    (TEN_THOUSAND + "{{ ['a', 'b', 'c']|join(s) }}", "write more than 10000 characters"),
    (TEN_THOUSAND + "{{ s ~ s ~ s }}", "write more than 10000 characters"),
    (TEN_THOUSAND + "{% for a in s %}{{ a }}{{ s }}{% endfor %}", "write more than 10000"),
    (TEN_THOUSAND + "{% set t %}{% for a in s %}aaaa{% endfor %}{% endset %}", "write more than"),
    (TEN_THOUSAND + "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}", "longer than 500"),
    ("{% for a in range(10**6) %}{% for b in range(10**6) %}{% endfor %}{% endfor %}", "'range'"),
    ("{% for i in range(10**12) %}.{% endfor %}", "'range' is undefined"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "call themselves more than 20 deep"),
    ("{% for x in 'ab' recursive %}{{ loop('ab') }}{% endfor %}", "more than 20 deep"),
    (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(19) }}",
        "takes longer than 500 ms to render",
    ),
    ("{{ customer_name.center(10**9) }}", "only macros can be called here"),
    ("{{ (9 ** 64) ** 64 }}", "a number too large"),
    ("{{ 10|round(-10**7) }}", "a number too large"),
    ("{% include 'secrets' %}", "cannot be included"),
    ("{{ 1 / 0 }}", "it fails when rendered: division by zero"),
]


@pytest.mark.parametrize(("source", "reason"), COSTLY)
def test_a_costly_text_is_stopped_quickly_and_says_why(app_context, source, reason):
    started = time.monotonic()
    with force_locale("en"), pytest.raises(TemplateError) as refused:
        render_text(source, {"customer_name": "Alice", "items": []})
    assert reason in refused.value.message
    assert time.monotonic() - started < 5  # generous: the limit is 500 ms


def test_texts_with_loops_macros_and_filters_within_the_limits_render(app_context):
    source = (
        "{% macro line(item) %}{{ item.name|upper }} × {{ item.quantity }}{% endmacro %}"
        "{% for item in items %}{{ loop.index }}. {{ line(item) }}{{ ', ' if not loop.last }}"
        "{% endfor %} ({{ items|length }}) {{ (customer_name ~ '!')|replace('!', '?') }} "
        "{{ '-' * 3 }} {{ 2 ** 10 }} {{ items|join(' / ', attribute='name') }}"
    )
    items = [{"name": "Apples", "quantity": 2}, {"name": "Pears", "quantity": 1}]
    text = render_text(source, {"customer_name": "Alice", "items": items})
    assert text == "1. APPLES × 2, 2. PEARS × 1 (2) Alice? --- 1024 Apples / Pears"


def test_the_limits_are_settings(app_context):
    app_context.config.update(NOTICE_TEXT_MAX_CHARS=40)
    assert render_text("{{ name * 4 }}", {"name": "0123456789"}) == "0123456789" * 4
    with force_locale("en"), pytest.raises(TemplateError, match="more than 40 characters"):
        render_text("{{ name * 4 }}!", {"name": "0123456789"})

    app_context.config.update(NOTICE_TEXT_MAX_CHARS=10000, NOTICE_TEXT_MAX_MS=5000)
    slow = TEN_THOUSAND + "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    with force_locale("en"), pytest.raises(TemplateError, match="longer than 5000 ms"):
        render_text(slow, {})


def test_a_costly_admin_text_at_send_time_falls_back_to_the_default(
    app, mailbox, apples, staff, caplog
):
    slow = TEN_THOUSAND + "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    chain = COSTLY[0][0]
    version = activity(apples, {"status_changed": {"subject": chain, "body": slow}})
    order = place(app, version, apples)

    started = time.monotonic()
    with web_request(app):
        transition_order(order, "confirmed", Actor.of_user(staff))

    assert time.monotonic() - started < 5
    mails = mailbox.wait_for(2)
    assert mails[1]["Subject"] == f"Order #{order.number}: Confirmed"  # the defaults
    assert plain_text(mails[1]).startswith("Hello Alice,")
    delivery = Delivery.get(Delivery.notice == "status_changed", Delivery.channel == "email")
    assert delivery.status == "sent"
    assert "subject text could not be used (it would write more than" in delivery.last_error
    assert "body text could not be used (it takes longer than 500 ms" in delivery.last_error
    logged = [r.getMessage() for r in caplog.records if "text was not used" in r.getMessage()]
    assert len(logged) == 2 and all(f"order #{order.number}" in line for line in logged)


def test_a_default_text_is_not_refused_but_cut_at_the_limit(app, mailbox, apples):
    app.config.update(NOTICE_TEXT_MAX_CHARS=60)
    order = place(app, activity(apples), apples)

    [mail] = mailbox.wait_for(1)
    delivery = Delivery.get(Delivery.order == order.id, Delivery.channel == "email")
    assert (delivery.status, delivery.last_error) == ("sent", "")
    assert len(delivery.body) == 60 and plain_text(mail).startswith("Hello Alice,")


def test_a_refused_admin_text_falls_back_to_the_default_and_says_why(app, mailbox, apples):
    version = activity(apples, {"order_received": {"body": UNSAFE[0]}})
    order = place(app, version, apples)

    [mail] = mailbox.wait_for(1)
    assert plain_text(mail).startswith("Hello Alice,")
    delivery = Delivery.get(Delivery.order == order.id, Delivery.channel == "email")
    assert delivery.status == "sent"
    assert "body text could not be used" in delivery.last_error


def test_default_texts_render_in_every_language(app, mailbox, apples, staff):
    order = place(app, activity(apples), apples)
    event = order.events[0]
    for notice in NOTICES.values():
        for locale in ("en", "zh_CN"):
            with force_locale(locale):
                variables = template_variables(order, event)
                variables |= notice.sample() if notice.sample else {}
                for default in notice.texts.values():
                    assert render_text(str(default), variables).strip()


def test_the_documented_variables_are_exactly_the_ones_texts_get(app, mailbox, apples):
    order = place(app, activity(apples), apples)
    docs = (ROOT / "docs" / "notifications.md").read_text(encoding="utf-8")
    section = docs.split("## Template variables", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", section, re.M))
    with force_locale("en"):
        assert documented == set(template_variables(order, order.events[0]))
