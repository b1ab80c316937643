"""The designer's automation settings and notifications page over HTTP: what an admin saves
and publishes is what models/automation/timed.py and the notification fan-out then do."""

import re
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale

from forms.designer.notification_settings import VARIABLES
from models.activities.template import FormTemplate
from models.automation.timed import run_automation
from models.base import utcnow
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.notifications import NOTICES
from models.messaging.outbox import Outbox
from models.messaging.texts import template_variables
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from tasks.automation import tick
from tests.activities.test_designer import settings_data
from tests.factories import EMAIL_FIELD, contact_fields, make_product, make_template, order_for
from tests.helpers import csrf_token_from, on_shop_clock, screenshot, sign_in, text_of, web_request
from tests.mailbox import Mailbox, plain_text


@pytest.fixture
def smtp(app):
    with Mailbox() as box:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=box.port, SHOP_NAME="Fruit Corner")
        yield box


@pytest.fixture
def apples(app):
    with app.app_context():
        return make_product(50, price=1250, name="Apples")


@pytest.fixture
def template(app, apples):
    """A draft goods form with an email field and a time slot, ready to publish."""
    items = {"name": "items", "type": "products", "label": "Items", "required": True}
    slot = {"name": "slot", "type": "time_slot", "label": "Slot", "slots": []}
    slot["slots"] = [{"id": "sat", "label": "Saturday", "capacity": 9}]
    fields = [*contact_fields(), {**items, "products": [{"product_id": apples.id}]}]
    with app.app_context():
        return make_template(fields=[*fields, EMAIL_FIELD, slot], status="draft", slug="fruit")


def publish(admin_post, template):
    response = admin_post(f"/admin/forms/{template.id}/publish")
    assert response.status_code == 303, text_of(response)
    return FormTemplate.get_by_id(template.id).latest_version()


def place(app, version, apples, minutes_ago=0, **answers):
    with web_request(app):
        order = order_for(version, [(apples, 2)], answers={"email": "alice@example.com", **answers})
    then = utcnow() - timedelta(minutes=minutes_ago)
    Order.update(created_at=then).where(Order.id == order.id).execute()
    return order


def status_of(order) -> str:
    return Order.get_by_id(order.id).status


# Automation settings ---------------------------------------------------------------------


def test_auto_cancel_set_in_the_settings_works_from_the_next_published_version(
    app, admin_post, template, apples
):
    before = publish(admin_post, template)
    old = place(app, before, apples, minutes_ago=45)

    saved = admin_post(
        f"/admin/forms/{template.id}/settings", settings_data(auto_cancel_minutes="30")
    )
    with app.app_context():
        run_automation()  # saved, not yet published: nothing happens
    assert saved.status_code == 303 and status_of(old) == "pending"

    after = publish(admin_post, template)
    late, fresh = place(app, after, apples, 31), place(app, after, apples, 5)
    with app.app_context():
        run_automation()

    assert after.settings["auto_cancel_minutes"] == 30
    assert after.settings["auto_cancel_unpaid"] is False
    assert [status_of(o) for o in (late, fresh, old)] == ["cancelled", "pending", "pending"]
    assert "Not confirmed within 30 minutes." in [e.note for e in Order.get_by_id(late.id).events]


def test_auto_cancel_of_unpaid_orders_also_takes_confirmed_ones(app, admin_post, template, apples):
    data = settings_data(auto_cancel_minutes="60", auto_cancel_unpaid="unpaid")
    admin_post(f"/admin/forms/{template.id}/settings", data)
    version = publish(admin_post, template)
    confirmed, paid = place(app, version, apples, 61), place(app, version, apples, 61)
    Order.update(payment_status="paid").where(Order.id == paid.id).execute()

    with app.app_context():
        transition_order(Order.get_by_id(confirmed.id), "confirmed", Actor.system())
        run_automation()

    assert version.settings["auto_cancel_unpaid"] is True
    assert [status_of(confirmed), status_of(paid)] == ["cancelled", "pending"]


def test_the_settings_page_shows_the_saved_automation(as_admin, admin_post, template):
    admin_post(
        f"/admin/forms/{template.id}/settings",
        settings_data(
            auto_cancel_minutes="90",
            auto_cancel_unpaid="unpaid",
            pending_reminder_minutes="15",
            deadline_reminder_minutes="",
        ),
    )

    html = as_admin.get(f"/admin/forms/{template.id}/settings").get_data(as_text=True)

    settings = FormTemplate.get_by_id(template.id).draft["settings"]
    assert settings["deadline_reminder_minutes"] is None  # emptied: no warning at all
    assert re.search(r'name="auto_cancel_minutes"[^>]*value="90"', html)
    assert re.search(r'checked[^>]*value="unpaid"', html)
    assert re.search(r'name="pending_reminder_minutes"[^>]*value="15"', html)
    assert "<legend>Automation</legend>" in html


def test_a_new_form_offers_the_default_deadline_warning(as_admin, template):
    html = as_admin.get(f"/admin/forms/{template.id}/settings").get_data(as_text=True)
    assert re.search(r'name="deadline_reminder_minutes"[^>]*value="60"', html)


def test_invalid_automation_settings_come_back_inline_with_what_was_typed(admin_post, template):
    response = admin_post(
        f"/admin/forms/{template.id}/settings",
        settings_data(
            auto_cancel_minutes="0",
            pending_reminder_minutes="soon",
            pickup_reminder_minutes="99999",
            deadline_reminder_minutes="2000",
        ),
        htmx=True,
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="settings-form"')
    assert "Enter a whole number of minutes from 1 to 43200, or leave it empty." in html
    assert "Enter a whole number of minutes from 1 to 10080, or leave it empty." in html
    assert "Enter a whole number of minutes from 1 to 1440, or leave it empty." in html
    for typed in ("0", "soon", "99999", "2000"):
        assert f'value="{typed}"' in html
    assert "auto_cancel_minutes" not in FormTemplate.get_by_id(template.id).draft["settings"]


def test_a_slot_start_and_a_reminder_set_in_the_designer_remind_the_customer(
    app, admin_post, template, apples
):
    with app.app_context():
        soon = on_shop_clock(utcnow() + timedelta(minutes=45))
    admin_post(
        f"/admin/forms/{template.id}/fields/slot",
        {
            "label": "Slot",
            "slots-0-slot_id": "sat",
            "slots-0-label": "Saturday",
            "slots-0-capacity": "9",
            "slots-0-starts_at": soon,
        },
    )
    admin_post(f"/admin/forms/{template.id}/settings", settings_data(pickup_reminder_minutes="60"))
    version = publish(admin_post, template)
    order = place(app, version, apples, slot="sat")

    with app.app_context():
        tick()

    assert version.field("slot")["slots"][0]["starts_at"] == soon
    assert Outbox.get_or_none(Outbox.delivery_key == f"reminder:pickup:{order.id}")
    reminders = Delivery.select().where(Delivery.notice == "pickup_reminder")
    assert {(d.channel, d.order_id) for d in reminders} == {
        ("email", order.id),
        ("inapp", order.id),
    }


# Notifications page ----------------------------------------------------------------------


def notice_url(template, name="order_received") -> str:
    return f"/admin/forms/{template.id}/notifications/{name}"


def notice_data(name="order_received", **parts) -> dict:
    data = {f"{name}-enabled": "y", f"{name}-channels": ["email", "inapp"]}
    return data | {f"{name}-{part}": value for part, value in parts.items()}


def test_staff_cannot_open_or_change_the_notifications(client, staff, login, template):
    login(staff)
    token = csrf_token_from(client, "/board/")

    page = client.get(f"/admin/forms/{template.id}/notifications")
    change = client.post(notice_url(template), data={"csrf_token": token, **notice_data()})

    assert page.status_code == change.status_code == 403
    assert "notifications" not in FormTemplate.get_by_id(template.id).draft["settings"]


def test_the_page_has_a_card_per_notice_with_its_defaults_and_the_variables(as_admin, template):
    response = as_admin.get(f"/admin/forms/{template.id}/notifications")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'<form id="notice-', html)) == len(NOTICES)
    for title in ("Order received", "Status changed", "Reminder before the time slot"):
        assert f">{title}</h2>" in html
    assert 'placeholder="We received your order #{{ order_number }}"' in html
    assert 'name="order_received-channels" type="checkbox" value="sms"' in html
    assert 'name="assigned-channels" type="checkbox" value="sms"' not in html  # staff: no SMS
    assert 'name="status_changed-statuses"' in html
    # Text in a page is escaped: the apostrophe reads &#39; in the HTML.
    assert "{{ tracking_url }}</code>" in html and "the customer&#39;s page of the order" in html
    designer = as_admin.get(f"/admin/forms/{template.id}").get_data(as_text=True)
    assert f'href="/admin/forms/{template.id}/notifications"' in designer


def test_the_variables_listed_are_the_ones_texts_get(app, template, apples):
    version = template.publish()
    order = place(app, version, apples)
    with app.test_request_context(), force_locale("en"):
        assert set(VARIABLES) == set(template_variables(order, order.events[0]))


def test_a_switched_off_notice_plans_and_sends_nothing_after_publishing(
    app, admin_post, template, apples, staff
):
    off = {"order_received-channels": "email"}  # no "enabled": the switch is off
    saved = admin_post(notice_url(template), off, htmx=True)
    assert saved.status_code == 200
    assert 'role="switch" type="checkbox"' in saved.get_data(as_text=True)
    assert 'id="publish-panel"' in saved.get_data(as_text=True)  # now unpublished changes

    order = place(app, publish(admin_post, template), apples)

    notices = {row.payload["notice"] for row in Outbox.select().where(Outbox.kind == "notify")}
    assert notices == {"order_received_staff"}
    assert not Delivery.select().where(Delivery.notice == "order_received").exists()
    assert InboxMessage.select().where(InboxMessage.user == staff.id).count() == 1
    assert (
        not InboxMessage.select()
        .where(InboxMessage.order == order.id, InboxMessage.user.is_null())
        .exists()
    )


def test_custom_texts_reach_the_customers_email_and_the_staff_inbox(
    app, admin_post, template, apples, staff, smtp
):
    customer = admin_post(
        notice_url(template),
        notice_data(
            subject="{{ shop_name }}: #{{ order_number }}", body="Thanks {{ customer_name }}!"
        ),
    )
    staff_text = admin_post(
        notice_url(template, "order_received_staff"),
        {
            "order_received_staff-enabled": "y",
            "order_received_staff-channels": "inapp",
            "order_received_staff-subject": "{{ customer_name|upper }} ordered {{ total }}",
        },
    )
    assert customer.status_code == staff_text.status_code == 303
    assert customer.headers["Location"].endswith("/notifications#notice-order_received")

    order = place(app, publish(admin_post, template), apples)

    [mail] = smtp.wait_for(1)
    assert mail["Subject"] == f"Fruit Corner: #{order.number}"
    assert plain_text(mail).startswith("Thanks Alice!")
    [note] = InboxMessage.select().where(InboxMessage.user == staff.id)
    assert note.title == "ALICE ordered CN¥25.00"
    assert note.body.startswith(f"Order #{order.number}")  # the body was left to the default


BROKEN = [
    ("Hello {% if %}", "Expected an expression"),
    ("Hello {{ custmer_name }}", "&#39;custmer_name&#39; is undefined"),
    ("{{ ''.__class__.__mro__ }}", "unsafe"),
    ("{{ 'x' * 100000 }}", "it would write more than 10000 characters"),
    ("{{ 'x'" + "|replace('x', 'xxxxxxxxxxxxxxxx')" * 7 + " }}", "write more than 10000"),
    (
        "{% set s = 'x' * 10000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        "it takes longer than 500 ms to render",
    ),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "call themselves more than 20 deep"),
]


@pytest.mark.parametrize(("source", "reason"), BROKEN)
def test_a_text_that_cannot_render_is_refused_inline_and_not_saved(
    admin_post, template, source, reason
):
    started = time.monotonic()
    response = admin_post(notice_url(template), notice_data(body=source), htmx=True)

    assert time.monotonic() - started < 5  # generous: a text may take 500 ms
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="notice-order_received"')
    error = re.search(r'<p class="error" id="order_received-body-error">(.*?)</p>', html).group(1)
    assert error.startswith("This text cannot be used: ") and reason in error
    assert source.replace("'", "&#39;") in html  # what was typed is still there
    assert "notifications" not in FormTemplate.get_by_id(template.id).draft["settings"]


def test_a_broken_text_is_refused_on_preview_too_without_javascript(as_admin, admin_post, template):
    response = admin_post(
        notice_url(template), {**notice_data(sms="{{ total"), "action": "preview"}
    )

    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)  # the whole page, other cards too
    assert "This text cannot be used: line 1:" in text_of(response)
    assert 'id="notice-status_changed"' in response.get_data(as_text=True)


def test_the_preview_renders_the_texts_with_the_latest_order_and_saves_nothing(
    app, admin_post, template, apples
):
    order = place(app, template.publish(), apples)

    response = admin_post(
        notice_url(template),
        {**notice_data(subject="Hi {{ customer_name }}, #{{ order_number }}"), "action": "preview"},
        htmx=True,
    )

    assert response.status_code == 200
    shown = text_of(response)
    assert f"with order #{order.number}, the latest of this form" in shown
    assert f"Hi Alice, #{order.number}" in shown
    assert f"thank you for your order #{order.number} ({template.title}), total CN¥25.00" in shown
    assert "notifications" not in FormTemplate.get_by_id(template.id).draft["settings"]


def test_the_preview_uses_a_made_up_order_and_the_admins_language(as_admin, admin_post, template):
    as_admin.set_cookie("locale", "zh_CN")

    response = admin_post(notice_url(template), {**notice_data(), "action": "preview"}, htmx=True)

    shown = text_of(response)
    assert response.status_code == 200
    assert "我们已收到您的订单 #1024" in shown and "Apples × 2" in shown
    assert "¥25.00" in shown and "CN¥" not in shown  # money as Chinese readers write it


def test_status_changed_is_limited_to_the_ticked_statuses(admin_post, template):
    some = {
        "status_changed-enabled": "y",
        "status_changed-channels": ["email"],
        "status_changed-statuses": ["ready", "cancelled"],
    }
    none = {"status_changed-enabled": "y", "status_changed-channels": ["email"]}

    saved = admin_post(notice_url(template, "status_changed"), some)
    refused = admin_post(notice_url(template, "status_changed"), none, htmx=True)

    assert saved.status_code == 303
    assert refused.status_code == 422
    assert "Tick at least one status, or switch it off." in text_of(refused)
    notices = FormTemplate.get_by_id(template.id).draft["settings"]["notifications"]
    assert notices["status_changed"] == {
        "enabled": True,
        "channels": ["email"],
        "statuses": ["ready", "cancelled"],
    }


def test_a_switched_on_notice_needs_a_channel(admin_post, template):
    response = admin_post(notice_url(template), {"order_received-enabled": "y"}, htmx=True)

    assert response.status_code == 422
    assert "Tick at least one way to send it, or switch it off." in text_of(response)


def test_an_unknown_notice_is_not_found(admin_post, template):
    assert admin_post(notice_url(template, "birthday"), {}).status_code == 404


# In the browser --------------------------------------------------------------------------


def test_an_admin_previews_fixes_and_saves_a_text_without_leaving_the_page(
    desktop_page, admin, template
):
    page = desktop_page
    page.goto("/login")
    sign_in(page, admin)
    page.wait_for_url("**/board/")
    page.goto(f"/admin/forms/{template.id}/notifications")
    page.evaluate("window.stillTheSamePage = true")
    card = page.locator("#notice-order_received")
    card.get_by_text("Texts").click()  # folded while they are the defaults

    card.get_by_label("Subject (email subject and in-app title)").fill(
        "{{ customer_name }}, order #{{ order_number }} is in"
    )
    card.get_by_role("button", name="Preview").click()
    card.get_by_text("Wang Fang, order #1024 is in").wait_for()

    card.get_by_label("Text message", exact=True).fill("{{ total")
    card.get_by_role("button", name="Save").click()
    card.get_by_text("This text cannot be used: line 1").wait_for()
    card.get_by_label("Text message", exact=True).fill("{{ shop_name }}: {{ total }}")
    card.get_by_role("button", name="Save").click()
    card.get_by_text("Saved. It takes effect when you publish the form.").wait_for()

    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("#publish-panel").get_by_role("button", name="Publish").is_visible()
    saved = FormTemplate.get_by_id(template.id).draft["settings"]["notifications"]
    assert saved["order_received"]["sms"] == "{{ shop_name }}: {{ total }}"
    card.get_by_role("button", name="Preview").click()
    card.get_by_text("Jielong: CN¥25.00").wait_for()
    page.locator("#notice-order_received_staff").get_by_text("Texts").wait_for()
    assert not page.locator("#notice-order_received_staff textarea").first.is_visible()
    screenshot(page, "designer-notifications.png")

    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.locator("#publish-panel").get_by_role("button", name="Publish").click()
    page.get_by_text("Published as version 1.").wait_for()
    assert page.locator("#share").get_by_role("heading", name="Share").is_visible()
    assert errors == []
