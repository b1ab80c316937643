"""Everything an admin (or staff member) types is shown as text on every page that shows it,
never run as script: form titles, descriptions, field labels and help, options, time slots,
products, pickup points, rules (name, message, tag), notice texts, account names, saved
views, customer tags, notes, payment notes and stock reasons.

Each text holds a payload with a word that names it (`XTITLE<script>…`); every page must show
the word followed by the escaped script, and no page may hold the payload raw. Texts reach
pages through templates, WTForms widgets, lazy translated messages (`_l("… %(tag)s")`, which
flask-babel marks as safe HTML: i18n.py takes that away), inline SVG and the notification
sandbox.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from werkzeug.routing import AnyConverter

from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.automation.rules import save_rule
from models.base import utcnow
from models.board.saved_views import SavedView, save_view
from models.catalog.admin import change_stock
from models.catalog.categories import create_category
from models.catalog.photos import add_photos
from models.catalog.products import Product, Warehouse
from models.catalog.variants import VariantDetails, make_family
from models.customers.customer import Customer
from models.customers.tags import add_customer_tag
from models.delivery.booking import OrderDelivery
from models.delivery.runs import assign_to_courier
from models.delivery.windows import add_window
from models.delivery.zones import save_zone
from models.messaging.notice_design import update_notice_settings
from models.orders.lifecycle import Actor, transition_order
from models.orders.notes import add_note
from models.orders.order import Order
from models.orders.payments import record_payment
from models.reports.reconcile import import_bill, match_bill
from models.segments.consent import set_consent
from models.segments.messages import send_message
from models.segments.segment import save_segment
from models.tiers.admin import TierDetails, save_tier
from tasks.notifications import sweep_due
from tests.catalog.photos import noisy_photo
from tests.factories import cn_mobile, make_product, order_for
from tests.helpers import EN, HTMX, csrf_token_from, make_user
from tests.reports.bill_files import Trade, wechat_bill

RAW = ("<script>__xss", "<img src=x onerror")


def payload(key: str, short: bool = False) -> str:
    """`key` and a script; `short` (a tag: 40 characters at most) leaves out the <img>."""
    text = f"{key}<script>__xss(1)</script>"
    return text if short else f'{text}"><img src=x onerror=__xss(2)>'


def escaped(key: str) -> str:
    return f"{key}&lt;script&gt;__xss(1)&lt;/script&gt;"


def _payload_delivery(order, admin) -> dict:
    """The order delivered in a zone, on a courier's run: the zone's name and area and the
    courier's name are payloads (docs/delivery.md)."""
    courier = make_user("courier")
    courier.name = payload("XCOURIER")
    courier.save()
    zone = save_zone(name=payload("XZONE"), districts=[payload("XDISTRICT")], fee=500)
    start = utcnow() + timedelta(days=1)
    window = add_window(zone, start, start + timedelta(hours=1), None)
    OrderDelivery.create(order=order, zone=zone, window=window)
    stop = assign_to_courier(order, courier, Actor.of_user(admin))
    return {"zone_id": zone.id, "window_id": window.id, "run_id": stop.run_id, "stop_id": stop.id}


@pytest.fixture
def payload_shop(app, admin):
    """A published activity and everything around one order, each text a payload."""
    with app.test_request_context(headers=EN):
        clerk = make_user("staff")
        clerk.name = payload("XSTAFF")
        clerk.save()
        point = PickupPoint.create(name=payload("XPOINT"), address=payload("XADDRESS"))
        apple = make_product(50, name=payload("XPRODUCT"), sku="X-SKU")
        category = create_category(payload("XCATEGORY", short=True))
        Product.update(
            unit=payload("XUNIT"), description=payload("XPRODDESC"), category=category.id
        ).where(Product.id == apple.id).execute()
        (photo,) = add_photos(apple, [noisy_photo(320, 240)])  # alt: the product's name
        pear = make_product(5, name=payload("XFAMILY"), sku="X-PEAR")  # with variants
        variant = VariantDetails(payload("XVARIANT", short=True), "X-PEAR-2", 100)
        make_family(pear, payload("XVAR1", short=True), variant)
        fields = [
            {"name": "name", "type": "short_text", "label": "Name", "required": True},
            {"name": "phone", "type": "phone", "label": "Phone", "required": True},
            {"name": "intro", "type": "heading", "label": payload("XHEADING")},
            {
                "name": "items",
                "type": "products",
                "label": "Items",
                "products": [
                    {"product_id": apple.id, "limit": 5},
                    {"product_id": pear.id},
                    {"product_id": pear.id + 1},  # its second variant
                ],
            },
            {
                "name": "remark",
                "type": "short_text",
                "label": payload("XLABEL"),
                "help": payload("XHELP"),
            },
            {
                "name": "size",
                "type": "choice",
                "label": "Size",
                "options": [payload("XOPTION"), "L"],
            },
            {
                "name": "slot",
                "type": "time_slot",
                "label": "Slot",
                "slots": [{"id": "am", "label": payload("XSLOT"), "capacity": 5}],
            },
        ]
        template = FormTemplate.create(
            slug="xss",
            title=payload("XTITLE"),
            description=payload("XDESC"),
            kind="goods",
            draft={
                "fields": fields,
                "settings": {"pickup_point_ids": [point.id], "show_chain_list": True},
            },
        )
        texts = {"subject": payload("XSUBJECT"), "body": payload("XBODY")}
        chosen = {"enabled": True, "channels": ["inapp"]}
        update_notice_settings(template, "order_received", chosen, texts, "en")
        version = FormTemplate.get_by_id(template.id).publish(by=admin)
        rule = save_rule(
            None,
            admin,
            name=payload("XRULE"),
            trigger="order_created",
            enabled=True,
            conditions=[],
            actions=[
                {"kind": "add_tag", "tag": payload("XRULETAG", short=True)},
                {"kind": "notify", "to": "staff", "message": payload("XMESSAGE")},
                {"kind": "assign_round_robin", "users": [clerk.id]},
            ],
        )
        order = order_for(
            version,
            [(apple, 2)],
            name="Ann",
            phone=cn_mobile(),
            pickup_point=point,
            answers={"remark": "fine", "size": payload("XOPTION"), "slot": "am"},
        )
        sweep_due()
        sweep_due()  # the rule's run, then the messages it planned
        order = transition_order(Order.get_by_id(order.id), "confirmed", Actor.of_user(admin))
        add_customer_tag(order.customer_id, payload("XTAG", short=True))
        tier = save_tier(None, TierDetails(payload("XTIER", short=True), rank=1))
        Customer.update(tier=tier).where(Customer.id == order.customer_id).execute()
        add_note(order, author=admin, body=payload("XNOTE"))
        record_payment(order, 100, "cash", Actor.of_user(admin), None, payload("XPAYNOTE"))
        change_stock("received", apple, Warehouse.default(), 3, reason=payload("XSTOCK"), by=admin)
        save_view(admin, payload("XVIEW"), "status=confirmed")
        segment = save_segment(None, payload("XSEGMENT"), {}, admin)
        set_consent(order.customer_id, True)
        send_message(
            segment=segment,
            customer=None,
            channel="sms",
            text=payload("XSMSG", short=True),
            send_key="xss",
            user=admin,
        )
        trades = [
            Trade("2026-03-01 10:00:00", "42001", payload("XBILLNO", short=True), "1.00"),
            Trade(payload("XE", short=True), "42002", "1", "1.00"),  # its error names the time
        ]
        bill = import_bill(wechat_bill(trades), payload("XBILLFILE"), admin)
        match_bill(bill)
        delivery = _payload_delivery(order, admin)
        order = Order.get_by_id(order.id)
    return {
        **delivery,
        "number": order.number,
        "token": order.tracking_token,
        "slug": template.slug,
        "template_id": template.id,
        "customer_id": order.customer_id,
        "point_id": point.id,
        "product_id": apple.id,
        "pear_id": pear.id,
        "rule_id": rule.id,
        "user_id": clerk.id,
        "view_id": SavedView.get(SavedView.user == admin.id).id,
        "field": "remark",
        "clerk": clerk,
        "import_id": bill.id,
        "category_id": category.id,
        "photo_id": photo.id,
        "width": 160,
        "tier_id": tier.id,
        "segment_id": segment.id,
    }


def where_shown(payload_shop) -> dict[str, list[str]]:
    """Each page, and the texts it must show (escaped)."""
    order, template = (
        f"/board/orders/{payload_shop['number']}",
        f"/admin/forms/{payload_shop['template_id']}",
    )
    return {
        "/board/?created=all": ["XTITLE", "XPOINT", "XSTAFF", "XVIEW", "XTIER"],
        order: [
            *("XTITLE", "XLABEL", "XOPTION", "XSLOT", "XPRODUCT", "XPOINT", "XSTAFF", "XTAG"),
            *("XRULETAG", "XNOTE", "XPAYNOTE", "XRULE", "XTIER"),
        ],
        f"{order}/edit": ["XLABEL", "XPRODUCT", "XOPTION", "XSLOT"],
        "/board/picking?created=all": ["XPRODUCT", "XTITLE", "XPOINT"],
        "/board/pickup": ["XPOINT"],
        f"/board/pickup/{payload_shop['point_id']}": ["XPOINT", "XPRODUCT"],
        "/customers/": ["XTAG", "XRULETAG", "XTIER"],
        f"/customers/{payload_shop['customer_id']}": [
            *("XTAG", "XRULETAG", "XNOTE", "XPRODUCT", "XTIER"),
        ],
        "/admin/tiers": ["XTIER"],
        f"/admin/tiers/{payload_shop['tier_id']}": ["XTIER"],
        "/inbox": ["XMESSAGE"],
        "/admin/users": ["XSTAFF"],
        "/reports/settlement": ["XBILLFILE"],
        f"/reports/settlement/imports/{payload_shop['import_id']}": ["XBILLFILE", "XBILLNO"],
        f"/admin/users/{payload_shop['user_id']}": ["XSTAFF"],
        "/admin/forms/": ["XTITLE"],
        template: ["XTITLE", "XLABEL", "XHEADING"],
        f"{template}?edit=remark": ["XLABEL", "XHELP"],
        f"{template}?edit=size": ["XOPTION"],
        f"{template}?edit=slot": ["XSLOT"],
        f"{template}?edit=items": ["XPRODUCT", "XFAMILY", "XVARIANT"],
        f"{template}/preview": ["XLABEL", "XHELP", "XOPTION", "XSLOT", "XPRODUCT", "XHEADING"],
        f"{template}/settings": ["XTITLE", "XDESC", "XPOINT"],
        f"{template}/notifications": ["XTITLE", "XSUBJECT", "XBODY"],
        "/admin/forms/pickup-points": ["XPOINT", "XADDRESS"],
        f"/admin/forms/pickup-points?edit={payload_shop['point_id']}": ["XPOINT", "XADDRESS"],
        "/admin/products": ["XPRODUCT", "XCATEGORY", "XVARIANT"],
        f"/admin/products/{payload_shop['pear_id']}": ["XFAMILY", "XVAR1", "XVARIANT"],
        "/admin/categories": ["XCATEGORY"],
        f"/admin/products/{payload_shop['product_id']}": [
            "XPRODUCT",
            "XUNIT",
            "XPRODDESC",
            "XSTOCK",
        ],
        f"/admin/products/{payload_shop['product_id']}/member-prices": ["XPRODUCT", "XTIER"],
        "/admin/rules": ["XRULE"],
        "/segments/": ["XSEGMENT"],
        f"/segments/{payload_shop['segment_id']}": ["XSEGMENT"],
        f"/segments/{payload_shop['segment_id']}/message": ["XSEGMENT"],
        "/segments/messages": ["XSEGMENT", "XSMSG"],
        f"/admin/rules/{payload_shop['rule_id']}": ["XRULE", "XRULETAG", "XMESSAGE", "XSTAFF"],
        f"/admin/rules/{payload_shop['rule_id']}/try": ["XRULE", "XRULETAG", "XMESSAGE", "XSTAFF"],
    }


def customer_pages(payload_shop) -> dict[str, list[str]]:
    return {
        f"/f/{payload_shop['slug']}": [
            *("XTITLE", "XDESC", "XLABEL", "XHELP", "XOPTION", "XSLOT", "XPRODUCT", "XPOINT"),
            *("XHEADING", "XCATEGORY", "XFAMILY", "XVAR1", "XVARIANT"),
        ],
        f"/f/{payload_shop['slug']}/list": ["XTITLE", "XPRODUCT"],
        f"/o/{payload_shop['token']}": ["XTITLE", "XPRODUCT", "XPOINT", "XSUBJECT", "XBODY"],
    }


def problems_on(url: str, html: str, keys: list[str]) -> list[str]:
    found = [f"{url}: raw {raw!r}" for raw in RAW if raw in html]
    found += [f"{url}: {key} not shown" for key in keys if escaped(key) not in html]
    return found


def test_admin_texts_are_text_on_the_pages_that_show_them(client, app, admin, login, payload_shop):
    login(admin)
    problems = []
    for url, keys in where_shown(payload_shop).items():
        response = client.get(url, headers=EN)
        assert response.status_code == 200, url
        problems += problems_on(url, response.get_data(as_text=True), keys)
    anonymous = app.test_client()
    for url, keys in customer_pages(payload_shop).items():
        response = anonymous.get(url, headers=EN)
        assert response.status_code == 200, url
        problems += problems_on(url, response.get_data(as_text=True), keys)
    assert not problems, "\n".join(problems)


def test_no_page_holds_an_admin_text_raw(client, app, admin, login, payload_shop):
    """Every page of the URL map (and every fragment an htmx request gets), walked with the
    shop's own ids."""
    login(admin)
    values = {
        **payload_shop,
        **{
            "code": "en",
            "job_id": 1,
            "upload_id": 1,
            "warehouse_id": 1,
            "delivery_id": 1,
            "transfer_id": 1,
            "purchase_id": 1,
            "supplier_id": 1,
        },
        **{"claim_id": 1, "name": "x.png", "line_id": 1, "case_id": 1, "rating_id": 1},
        **{"offer_id": 1, "leader_id": 1},
    }
    problems = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in {"static", "dev.sms_log"}:
            continue
        args = {
            name: sorted(conv.items)[0] if isinstance(conv, AnyConverter) else values[name]
            for name, conv in rule._converters.items()
        }
        url = rule.build(args)[1]
        for headers in (EN, HTMX):
            response = client.get(url, headers=headers)
            body = response.get_data()  # all of it: a streamed download ends in its context
            if response.mimetype == "text/html":  # (not the CSV and XLSX downloads)
                problems += problems_on(url, body.decode(), [])
    assert not problems, "\n".join(problems)


def test_messages_built_from_admin_texts_are_text(client, admin, login, payload_shop):
    """Refusals whose message names what an admin typed (lazy translated strings)."""
    login(admin)
    template = FormTemplate.get_by_id(payload_shop["template_id"])
    template.draft = {
        **template.draft,
        "fields": [
            *template.draft["fields"],
            {"name": "empty", "type": "choice", "label": payload("XPROBLEM"), "options": []},
        ],
    }
    template.save()
    url = f"/admin/forms/{payload_shop['template_id']}/publish"
    token = csrf_token_from(client, f"/admin/forms/{payload_shop['template_id']}")
    response = client.post(url, data={"csrf_token": token}, headers=EN)
    assert response.status_code == 422
    problems = problems_on(url, response.get_data(as_text=True), ["XPROBLEM"])

    data = {"csrf_token": token, "name": "Pear", "sku": "X-SKU", "price": "1", "unit": ""}
    response = client.post("/admin/products/new", data=data, headers=EN)
    assert response.status_code == 422
    problems += problems_on("/admin/products/new", response.get_data(as_text=True), ["XPRODUCT"])
    assert not problems, "\n".join(problems)


def test_a_lazy_message_escapes_what_is_formatted_into_it(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext as _l

    with app.test_request_context(headers=EN):
        text = _l("Tag the customer %(tag)s", tag=payload("XLAZY", short=True))
        html = render_template_string("<p>{{ text }}</p>", text=text)
    assert escaped("XLAZY") in html and RAW[0] not in html


def test_the_share_panel_qr_title_is_text(client, admin, login, payload_shop):
    login(admin)
    html = client.get(f"/admin/forms/{payload_shop['template_id']}", headers=EN).get_data(
        as_text=True
    )
    share = html[html.find('id="share"') :]
    assert not [raw for raw in RAW if raw in share]
    assert urlsplit(f"/f/{payload_shop['slug']}").path in share
