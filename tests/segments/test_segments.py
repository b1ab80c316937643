"""Segments and messages to a segment: the criteria and their validation, who receives a
message (consent, opt-out, criteria), one send per form however often it is submitted, the
rate limit as the scheduler decides it, the opt-out link (unguessable, works without
JavaScript) and the send log's counts; order notices are unaffected by an opt-out."""

from datetime import datetime, timedelta

import pytest

from models.customers.customer import Customer
from models.customers.tags import add_tag
from models.customers.tier import CustomerTier
from models.messaging.deliveries import Delivery
from models.messaging.notifications import customer_messages
from models.messaging.outbox import Outbox
from models.orders.order import Order
from models.segments.consent import ContactConsent, opt_out, set_consent, token_for
from models.segments.criteria import InvalidCriteria, clean_criteria, members
from models.segments.messages import SegmentMessage, SegmentRecipient, send_message
from models.segments.rate import KIND, minute_of, plan_minutes
from models.segments.segment import Segment, save_segment
from models.segments.send_log import tallies
from tasks.notifications import sweep_due
from tests.factories import order_for
from tests.helpers import EN, HTMX, race


@pytest.fixture
def people(app_context, shop, staff):
    """Four customers who ordered apples: two VIPs with consent (one opts out), a VIP without
    consent, and a customer with consent but no tag."""
    made = {}
    for name, phone in (
        ("Ann", "13800000001"),
        ("Bob", "13800000002"),
        ("Cat", "13800000003"),
        ("Dan", "13800000004"),
    ):
        made[name] = Customer.get_by_id(
            order_for(shop["version"], [(shop["apples"], 1)], name=name, phone=phone).customer_id
        )
    for name in ("Ann", "Bob", "Cat"):
        add_tag(made[name].id, "VIP")
    for name in ("Ann", "Bob", "Dan"):
        set_consent(made[name].id, True)
    opt_out(token_for(made["Bob"].id))
    return made


def ids(query) -> set[int]:
    return {row.id for row in query}


def test_criteria_keep_the_right_customers(people, shop):
    vip = ids(members(clean_criteria({"tags": "vip"})))
    assert vip == {people[n].id for n in ("Ann", "Bob", "Cat")}
    reachable_vip = ids(members(clean_criteria({"tags": "VIP", "consent": "y"})))
    assert reachable_vip == {people["Ann"].id}  # Bob opted out, Cat never agreed
    took_part = ids(members(clean_criteria({"activity": str(shop["version"].template_id)})))
    assert took_part == {c.id for c in people.values()}
    assert ids(members(clean_criteria({"quiet_days": "30"}))) == set()  # all ordered today
    assert ids(members(clean_criteria({"rfm": "new"}))) <= {c.id for c in people.values()}


def test_a_tier_keeps_its_customers_and_those_of_the_tiers_above(people):
    silver = CustomerTier.create(name="Silver", rank=1)
    gold = CustomerTier.create(name="Gold", rank=2)
    Customer.update(tier=silver.id).where(Customer.id == people["Ann"].id).execute()
    Customer.update(tier=gold.id).where(Customer.id == people["Bob"].id).execute()
    assert ids(members(clean_criteria({"tier": str(silver.id)}))) == {
        people["Ann"].id,
        people["Bob"].id,
    }
    assert ids(members(clean_criteria({"tier": str(gold.id)}))) == {people["Bob"].id}


def test_bad_criteria_are_refused_with_every_problem(people):
    with pytest.raises(InvalidCriteria) as refused:
        clean_criteria(
            {
                "rfm": "nobody",
                "activity": "99999",
                "quiet_days": "-3",
                "tags": "x" * 41,
                "tier": "99999",
            }
        )
    assert set(refused.value.problems) == {"rfm", "activity", "quiet_days", "tags", "tier"}


def test_a_message_reaches_only_consenting_customers_once_however_often_it_is_sent(people, staff):
    segment = save_segment(None, "VIPs", {"tags": "VIP"}, staff)
    first = send_message(
        segment=segment,
        customer=None,
        channel="sms",
        text="到货了，{name}",
        send_key="k1",
        user=staff,
    )
    again = send_message(
        segment=segment,
        customer=None,
        channel="sms",
        text="到货了，{name}",
        send_key="k1",
        user=staff,
    )

    assert again.id == first.id and SegmentMessage.select().count() == 1
    assert (first.recipients, first.skipped) == (1, 2)
    assert [r.customer_id for r in SegmentRecipient.select()] == [people["Ann"].id]
    sweep_due()
    [sms] = Delivery.select().where(Delivery.notice == "segment_message")
    assert sms.recipient == people["Ann"].phone and sms.status == "sent"
    token = ContactConsent.get(ContactConsent.customer == people["Ann"].id).token
    assert sms.body.startswith("到货了，Ann") and f"/optout/{token}" in sms.body
    assert tallies([first.id])[first.id].sent == 1


def test_a_customer_who_opts_out_after_the_send_hears_nothing(people, staff):
    message = send_message(
        segment=None, customer=people["Ann"], channel="sms", text="Hello", send_key="k2", user=staff
    )
    opt_out(token_for(people["Ann"].id))
    sweep_due()
    assert not Delivery.select().where(Delivery.notice == "segment_message").exists()
    tally = tallies([message.id])[message.id]
    assert (tally.total, tally.skipped, tally.sent) == (1, 1, 0)


def test_order_notices_still_reach_a_customer_who_opted_out(people, shop):
    order = order_for(shop["version"], [(shop["apples"], 1)], name="Bob", phone="13800000002")
    sweep_due()
    assert Delivery.select().where(Delivery.order == order.id).exists()


def test_in_app_goes_to_the_latest_orders_page_and_email_needs_an_address(people, staff):
    ann = people["Ann"]
    in_app = send_message(
        segment=None, customer=ann, channel="inapp", text="Hi {name}", send_key="i", user=staff
    )
    email = send_message(
        segment=None, customer=ann, channel="email", text="Hi", send_key="e", user=staff
    )
    sweep_due()
    latest = Order.select().where(Order.customer == ann.id).order_by(Order.id.desc()).first()
    message = customer_messages(latest)[-1]  # after the order notices
    assert message.body.startswith("Hi Ann") and "/optout/" in message.body
    counts = tallies([in_app.id, email.id])
    assert counts[in_app.id].sent == 1
    assert counts[email.id].skipped == 1  # the order form asked for no email


def test_the_scheduler_keeps_each_minute_under_the_rate():
    now = datetime(2026, 12, 7, 8, 0, 30)
    planned = plan_minutes(7, 3, now, taken={datetime(2026, 12, 7, 8, 0): 2})
    minutes = [moment.replace(second=0) for moment in planned]
    assert minutes == [datetime(2026, 12, 7, 8, m) for m in (0, 1, 1, 1, 2, 2, 2)]
    assert planned[0] == now  # the first goes out at once


def test_sends_share_the_configured_rate_minute_by_minute(app, people, staff):
    app.config["SEGMENT_MESSAGES_PER_MINUTE"] = 1
    for name in ("Ann", "Dan", "Ann"):
        send_message(
            segment=None,
            customer=people[name],
            channel="sms",
            text="Hi",
            send_key=f"rate-{name}-{Outbox.select().count()}",
            user=staff,
        )
    due = sorted(row.available_at for row in Outbox.select().where(Outbox.kind == KIND))
    first = minute_of(due[0])
    # three sends of one recipient each: one a minute, the first at once
    assert [minute_of(moment) for moment in due] == [first + timedelta(minutes=m) for m in range(3)]


def test_sends_at_once_share_the_minutes_and_a_double_submit_at_once_sends_once(app, people, staff):
    app.config["SEGMENT_MESSAGES_PER_MINUTE"] = 1
    who = [people["Ann"], people["Dan"]] * 2
    keys = ["a", "b", "same", "same"]

    def send(i):
        return send_message(
            segment=None, customer=who[i], channel="sms", text="Hi", send_key=keys[i], user=staff
        ).id

    results = race(app, 4, send)

    assert [outcome for outcome, _ in results] == ["ok"] * 4
    assert results[2][1] == results[3][1]  # the same form twice: one message
    assert SegmentMessage.select().count() == 3
    due = [minute_of(row.available_at) for row in Outbox.select().where(Outbox.kind == KIND)]
    assert len(due) == len(set(due)) == 3  # one a minute, though sent at once


def test_the_opt_out_link_works_without_javascript_and_is_unguessable(people, client):
    token = token_for(people["Dan"].id)
    assert len(token) >= 32
    assert client.get("/optout/" + "A" * len(token)).status_code == 404
    page = client.get(f"/optout/{token}", headers=EN)
    html = page.get_data(as_text=True)
    assert ContactConsent.get(ContactConsent.customer == people["Dan"].id).opted_out_at is None
    assert page.status_code == 200 and f'method="post" action="/optout/{token}"' in html
    csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post(f"/optout/{token}", data={"csrf_token": csrf}, headers=EN)
    assert done.status_code == 200 and "no more marketing messages" in done.get_data(as_text=True)
    assert ContactConsent.get(ContactConsent.customer == people["Dan"].id).opted_out_at


def test_staff_create_a_segment_see_its_count_and_the_customers_list(
    client, staff, login, post_form, people
):
    login(staff)
    bad = post_form("/segments/new", {"name": "Lapsed", "quiet_days": "abc"}, headers=HTMX)
    assert bad.status_code == 422
    assert "from 1 to 3650" in bad.get_data(as_text=True) and 'value="Lapsed"' in bad.get_data(
        as_text=True
    )
    made = post_form("/segments/new", {"name": "VIPs", "tags": "VIP"}, page="/segments/new")
    segment = Segment.get(Segment.name == "VIPs")
    assert made.status_code == 303
    assert "Customers now: 3" in client.get(f"/segments/{segment.id}").get_data(as_text=True)
    assert "Customers now: 1" in client.get("/segments/count?tags=VIP&consent=y").get_data(
        as_text=True
    )
    listed = client.get(f"/customers/?saved={segment.id}").get_data(as_text=True)
    assert "Ann" in listed and "Cat" in listed and "Dan" not in listed


def test_staff_preview_and_send_a_message_then_read_the_send_log(
    client, staff, login, post_form, people
):
    login(staff)
    segment = save_segment(None, "VIPs", {"tags": "VIP"}, staff)
    url = f"/segments/{segment.id}/message"
    form = {"channel": "sms", "text": "到货了，今天下午 3 点起可取", "send_key": "form-1"}
    preview = post_form(url, {**form, "action": "preview"})
    html = preview.get_data(as_text=True)
    assert (
        preview.status_code == 200 and "Recipients: 1; skipped without marketing consent: 2" in html
    )
    assert 'id="sample"' in html and "到货了" in html
    assert post_form(url, {**form, "action": "send"}).status_code == 303
    assert post_form(url, {**form, "action": "send"}).status_code == 303  # a double submit
    assert SegmentMessage.select().count() == 1
    empty = post_form(url, {**form, "text": "", "action": "preview"})
    assert empty.status_code == 422
    sweep_due()
    log = client.get("/segments/messages").get_data(as_text=True)
    assert "VIPs" in log and staff.name in log


def test_staff_record_consent_and_message_one_customer_from_their_page(
    client, staff, login, post_form, people
):
    login(staff)
    cat = people["Cat"]
    assert f"/segments/customers/{cat.id}/message" in client.get(f"/customers/{cat.id}").text
    url = f"/segments/customers/{cat.id}/message"
    form = {"channel": "sms", "text": "Your order is in", "send_key": "one", "action": "send"}
    refused = post_form(url, form)
    assert (
        refused.status_code == 422 and "No one here has given marketing consent" in refused.text
    )  # no consent
    post_form(f"/segments/customers/{cat.id}/consent", {"agreed": "y"}, page=url)
    assert post_form(url, form).status_code == 303
    [message] = SegmentMessage.select()
    assert (message.customer_id, message.recipients) == (cat.id, 1)
