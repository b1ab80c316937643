"""The designer at /admin/forms over HTTP (htmx and plain forms) and in Chromium."""

import re

from markupsafe import escape as html_escape

from models.activities.design import create_template
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate, FormTemplateVersion
from models.orders.order import Order
from tests.factories import make_product, order_for
from tests.helpers import EN, HTMX, PASSWORD, SCREENSHOTS, csrf_token_from, text_of


def new_template(admin_post, title="Friday fruit", kind="goods", **extra) -> FormTemplate:
    response = admin_post("/admin/forms/", {"title": title, "kind": kind, **extra})
    assert response.status_code == 303, response.get_data(as_text=True)
    return FormTemplate.get_by_id(int(response.headers["Location"].rsplit("/", 1)[1]))


def fields_of(template) -> list[dict]:
    return FormTemplate.get_by_id(template.id).draft["fields"]


def page(client, template, **params):
    response = client.get(f"/admin/forms/{template.id}", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Access --------------------------------------------------------------------------------


def test_anonymous_visitors_sign_in_and_staff_are_refused(client, staff, login):
    assert client.get("/admin/forms/").headers["Location"].startswith("/login?next=")
    login(staff)
    assert client.get("/admin/forms/").status_code == 403
    token = csrf_token_from(client, "/board/")
    refused = client.post("/admin/forms/", data={"csrf_token": token, "title": "X"})
    assert refused.status_code == 403
    assert FormTemplate.select().count() == 0


def test_admins_find_the_designer_in_the_menu(as_admin):
    html = as_admin.get("/board/").get_data(as_text=True)
    assert re.search(r'<a href="/admin/forms/"[^>]*>Forms</a>', html)


# Templates -----------------------------------------------------------------------------


def test_a_new_template_opens_with_its_contact_fields(as_admin, admin_post):
    template = new_template(admin_post, slug="friday-fruit")

    html = page(as_admin, template)
    assert template.slug == "friday-fruit"
    assert 'id="row-name"' in html and 'id="row-phone"' in html
    assert "Not published yet." in html
    listing = text_of(as_admin.get("/admin/forms/"))
    assert "Friday fruit" in listing and "Draft" in listing


def test_a_bad_link_name_comes_back_inline_with_the_typed_values(admin_post):
    new_template(admin_post, slug="taken")
    response = admin_post("/admin/forms/", {"title": "Weekend", "slug": "taken"}, htmx=True)
    bad = admin_post("/admin/forms/", {"title": "Weekend", "slug": "Not OK!"})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<form")  # the fragment only
    assert "Another form already uses this link name." in html and 'value="Weekend"' in html
    assert bad.status_code == 422 and "lowercase letters" in text_of(bad)
    assert 'value="Not OK!"' in bad.get_data(as_text=True)
    assert FormTemplate.select().count() == 1


# Fields --------------------------------------------------------------------------------


def test_adding_a_field_with_htmx_returns_the_list_with_its_editor_and_a_change_event(
    as_admin, admin_post
):
    template = new_template(admin_post)

    response = admin_post(f"/admin/forms/{template.id}/fields", {"kind": "choice"}, htmx=True)

    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "draft-changed"
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="field-list"')
    assert "<html" not in html
    assert 'class="field-editor"' in html and "Option 1\nOption 2" in html
    assert 'id="publish-panel" class="publish-panel"' in html and 'hx-swap-oob="true"' in html
    assert [f["type"] for f in fields_of(template)] == ["short_text", "phone", "choice"]


def test_without_javascript_adding_a_field_redirects_to_its_editor(as_admin, admin_post):
    template = new_template(admin_post)

    response = admin_post(f"/admin/forms/{template.id}/fields", {"kind": "number"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith("?edit=number_1#row-number_1")
    html = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert f'action="/admin/forms/{template.id}/fields/number_1"' in html


def test_editing_a_field_saves_its_spec(as_admin, admin_post):
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "choice"})
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "short_text"})

    choice = admin_post(
        f"/admin/forms/{template.id}/fields/choice_1",
        {
            "label": "Size",
            "help": "Pick one",
            "required": "y",
            "options": "S\r\nM\r\n\r\nL",
            "widget": "select",
            "default": "M",
        },
        htmx=True,
    )
    text_field = admin_post(
        f"/admin/forms/{template.id}/fields/short_text_1",
        {
            "label": "Room",
            "min_length": "3",
            "max_length": "5",
            "pattern": r"\d+",
            "pattern_message": "Digits only",
            "show_when_field": "choice_1",
            "show_when_value": "L",
        },
    )

    assert choice.status_code == 200 and choice.headers["HX-Trigger"] == "draft-changed"
    assert text_field.status_code == 303
    assert fields_of(template)[2:] == [
        {
            "name": "choice_1",
            "type": "choice",
            "label": "Size",
            "help": "Pick one",
            "required": True,
            "options": ["S", "M", "L"],
            "widget": "select",
            "default": "M",
        },
        {
            "name": "short_text_1",
            "type": "short_text",
            "label": "Room",
            "required": False,
            "show_when": {"field": "choice_1", "equals": "L"},
            "min_length": 3,
            "max_length": 5,
            "pattern": r"\d+",
            "pattern_message": "Digits only",
        },
    ]


def test_an_invalid_field_edit_is_refused_inline_with_what_was_typed(admin_post):
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "short_text"})

    response = admin_post(
        f"/admin/forms/{template.id}/fields/short_text_1",
        {"label": "Room", "min_length": "5", "max_length": "abc", "pattern": "(\\d"},
        htmx=True,
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="field-list"')
    assert "Enter a whole number." in html and "This pattern is not valid" in html
    assert 'value="abc"' in html and 'value="(\\d"' in html and 'value="Room"' in html
    assert "HX-Trigger" not in response.headers
    assert fields_of(template)[2]["label"] == "Short text"


def test_product_lines_are_ticked_with_a_limit_each(as_admin, admin_post):
    apples = make_product(10, price=1250, name="Apples")
    pears = make_product(10, price=800, name="Pears")
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "products"})

    products = admin_post(
        f"/admin/forms/{template.id}/fields/products_1",
        {
            "label": "Fruit",
            "required": "y",
            f"offer_{pears.id}": "y",
            f"limit_{pears.id}": "4",
            f"offer_{apples.id}": "y",
        },
    )

    assert products.status_code == 303
    assert fields_of(template)[2]["products"] == [
        {"product_id": apples.id},
        {"product_id": pears.id, "limit": 4},
    ]
    listed = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(as_admin, template)))
    assert "Fruit Product lines · required · 2 products" in listed


INPUT = re.compile(r"<input\b[^>]*>")


def editor_inputs(html: str) -> dict[str, str]:
    """What the field editor in `html` sends when saved untouched: its text inputs, hidden
    inputs and ticked boxes."""
    editor = re.search(r'<form class="field-editor".*?</form>', html, re.S).group(0)
    sent = {}
    for tag in INPUT.findall(editor):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        sent[name.group(1)] = value.group(1) if value else ""
    return sent


def test_time_slots_are_edited_row_by_row_with_their_start_times(as_admin, admin_post):
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "time_slot"})
    url = f"/admin/forms/{template.id}/fields/time_slot_1"

    saved = admin_post(
        url,
        {
            "label": "When",
            "slots-0-slot_id": "slot-1",
            "slots-0-label": "Sat 9–11",
            "slots-0-capacity": "5",
            "slots-0-starts_at": "2030-06-01T09:00",
            "slots-1-label": "Sun 9–11",
            "slots-1-capacity": "2",
            "slots-2-label": "",
            "slots-2-capacity": "",
            "slots-2-starts_at": "",
        },
    )

    assert saved.status_code == 303
    assert fields_of(template)[2]["slots"] == [
        {"id": "slot-1", "label": "Sat 9–11", "capacity": 5, "starts_at": "2030-06-01T09:00"},
        {"id": "Sun 9–11", "label": "Sun 9–11", "capacity": 2},
    ]
    html = page(as_admin, template, edit="time_slot_1")
    assert 'type="datetime-local" value="2030-06-01T09:00"' in html
    assert "Asia/Shanghai" in text_of(as_admin.get(f"/admin/forms/{template.id}?edit=time_slot_1"))

    # Saved again as shown, with a new label only: the ids and the start time stay.
    untouched = editor_inputs(html) | {"label": "Pickup time", "slots-1-label": "Sunday 9–11"}
    assert admin_post(url, untouched).status_code == 303
    slots = fields_of(template)[2]["slots"]
    assert fields_of(template)[2]["label"] == "Pickup time"
    assert slots[0]["starts_at"] == "2030-06-01T09:00"
    assert [(s["id"], s["label"]) for s in slots] == [
        ("slot-1", "Sat 9–11"),
        ("Sun 9–11", "Sunday 9–11"),
    ]

    moved = editor_inputs(page(as_admin, template, edit="time_slot_1"))
    moved |= {"slots-0-starts_at": "2030-06-02T10:30", "slots-1-starts_at": "2030-06-03T08:00"}
    assert admin_post(url, moved).status_code == 303
    cleared = editor_inputs(page(as_admin, template, edit="time_slot_1"))
    cleared |= {"slots-0-starts_at": "", "slots-1-remove": "y"}
    assert admin_post(url, cleared).status_code == 303

    assert fields_of(template)[2]["slots"] == [{"id": "slot-1", "label": "Sat 9–11", "capacity": 5}]


def test_bad_time_slots_are_refused_row_by_row_with_what_was_typed(admin_post):
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "time_slot"})

    response = admin_post(
        f"/admin/forms/{template.id}/fields/time_slot_1",
        {
            "label": "When",
            "slots-0-slot_id": "slot-1",
            "slots-0-label": "Sat",
            "slots-0-capacity": "lots",
            "slots-0-starts_at": "next Saturday",
            "slots-1-label": "Sat",
            "slots-1-capacity": "3",
            "slots-2-capacity": "4",
        },
        htmx=True,
    )
    none_left = admin_post(
        f"/admin/forms/{template.id}/fields/time_slot_1",
        {"label": "When", "slots-0-slot_id": "slot-1", "slots-0-remove": "y"},
        htmx=True,
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a whole number." in html and 'value="lots"' in html
    assert "Not a valid datetime value." in html and 'value="next Saturday"' in html
    assert "Another time slot has this label." in html
    assert "Enter a label." in html  # the third row has places but no label
    assert none_left.status_code == 422 and "Enter at least one time slot." in text_of(none_left)
    assert fields_of(template)[2]["slots"] == [{"id": "slot-1", "label": "Slot 1", "capacity": 10}]


def test_moving_removing_and_undoing_through_htmx(admin_post):
    template = new_template(admin_post)
    for kind in ("email", "date"):
        admin_post(f"/admin/forms/{template.id}/fields", {"kind": kind})

    admin_post(f"/admin/forms/{template.id}/fields/date_1/move", {"direction": "up"}, htmx=True)
    assert [f["name"] for f in fields_of(template)] == ["name", "phone", "date_1", "email_1"]

    removed = admin_post(f"/admin/forms/{template.id}/fields/date_1/remove", htmx=True)
    assert [f["name"] for f in fields_of(template)] == ["name", "phone", "email_1"]
    assert "Removed “Date”." in text_of(removed) and ">Undo</button>" in removed.get_data(
        as_text=True
    )

    undone = admin_post(f"/admin/forms/{template.id}/fields/undo", htmx=True)
    assert undone.status_code == 200 and undone.headers["HX-Trigger"] == "draft-changed"
    assert [f["name"] for f in fields_of(template)] == ["name", "phone", "date_1", "email_1"]
    assert "Undo" not in text_of(undone)


def test_the_contact_fields_cannot_be_removed(as_admin, admin_post):
    template = new_template(admin_post)
    assert "/fields/phone/remove" not in page(as_admin, template)

    response = admin_post(f"/admin/forms/{template.id}/fields/phone/remove", htmx=True)

    assert response.status_code == 422
    assert "The name and phone fields are needed" in text_of(response)
    assert [f["name"] for f in fields_of(template)] == ["name", "phone"]


# Preview -------------------------------------------------------------------------------


def test_the_preview_renders_the_draft_with_hidden_conditional_fields(as_admin, admin_post):
    apples = make_product(10, price=1250, name="Apples")
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "products"})
    admin_post(
        f"/admin/forms/{template.id}/fields/products_1",
        {"label": "Fruit", f"offer_{apples.id}": "y"},
    )
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "consent"})
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "short_text"})
    admin_post(
        f"/admin/forms/{template.id}/fields/short_text_1",
        {"label": "Gift note", "required": "y", "show_when_field": "consent_1"},
    )

    response = as_admin.get(f"/admin/forms/{template.id}/preview", headers=HTMX)

    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="preview"')
    assert 'hx-trigger="draft-changed from:body"' in html
    assert "Apples" in html and "CN¥12.50" in html
    wrapper = re.search(r'<div [^>]*id="field-preview-short_text_1"[^>]*>', html).group(0)
    assert re.search(r"\shidden[\s>]", wrapper)
    assert 'data-show-field="preview-consent_1" data-show-value="True"' in wrapper
    gift = re.search(r'<input[^>]*name="preview-short_text_1"[^>]*>', html).group(0)
    assert "required" not in gift
    name = re.search(r'<input[^>]*name="preview-name"[^>]*>', html).group(0)
    assert "required" in name


# Publishing ----------------------------------------------------------------------------


def test_publishing_with_problems_is_refused_and_lists_them(as_admin, admin_post):
    template = new_template(admin_post, kind="goods")
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "products"})

    htmx = admin_post(f"/admin/forms/{template.id}/publish", htmx=True)
    plain = admin_post(f"/admin/forms/{template.id}/publish")

    assert htmx.status_code == 422
    assert htmx.get_data(as_text=True).lstrip().startswith('<section id="publish-panel"')
    assert "“Product lines” offers no products yet." in text_of(htmx)
    assert plain.status_code == 422 and "Not published. Fix these first:" in text_of(plain)
    assert FormTemplateVersion.select().count() == 0


def test_publishing_makes_version_after_version_and_old_orders_keep_theirs(as_admin, admin_post):
    apples = make_product(10, price=1250, name="Apples")
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "products"})
    admin_post(
        f"/admin/forms/{template.id}/fields/products_1",
        {"label": "Fruit", f"offer_{apples.id}": "y"},
    )

    first = admin_post(f"/admin/forms/{template.id}/publish", htmx=True)
    assert first.status_code == 200 and "Published as version 1." in text_of(first)
    assert 'id="share"' in first.get_data(as_text=True)  # the share panel, out of band
    version = FormTemplate.get_by_id(template.id).latest_version()
    order = order_for(version, [(apples, 2)])
    assert "Unpublished changes" not in page(as_admin, template)

    admin_post(
        f"/admin/forms/{template.id}/fields/products_1",
        {"label": "Choose fruit", f"offer_{apples.id}": "y"},
    )
    assert "Unpublished changes" in page(as_admin, template)
    second = admin_post(f"/admin/forms/{template.id}/publish")

    assert second.status_code == 303
    assert "Published as version 2." in text_of(as_admin.get(second.headers["Location"]))
    assert [v.number for v in FormTemplate.get_by_id(template.id).versions] == [1, 2]
    assert FormTemplateVersion.get_by_id(version.id).field("products_1")["label"] == "Fruit"
    assert Order.get_by_id(order.id).template_version_id == version.id
    assert [(line.name, line.quantity) for line in Order.get_by_id(order.id).lines] == [
        ("Apples", 2)
    ]


# Settings, duplicate, archive ------------------------------------------------------------


def settings_data(**changes):
    return {
        "title": "Friday fruit",
        "kind": "goods",
        "slug": "friday-fruit",
        "description": "Fresh\nfrom the farm",
        "opens_at": "",
        "closes_at": "2030-01-04T20:00",
        "order_cap": "200",
        "per_customer_limit": "",
        "show_chain_list": "y",
        "delivery_enabled": "y",
        "delivery_fee": "8",
        "free_above": "¥99.50",
        "min_order_amount": "12.50",
        **changes,
    }


def test_settings_take_yuan_and_shop_time_and_store_fen_and_utc(as_admin, admin_post):
    point = PickupPoint.create(
        name="East gate",
        address="88 River Rd",
        hours=[{"day": 5, "from": "10:00", "until": "12:00"}],
    )
    template = new_template(admin_post)

    response = admin_post(
        f"/admin/forms/{template.id}/settings",
        settings_data(
            pickup_point_ids=str(point.id),
            pickup_day="2030-01-05",
            pickup_from="9:30",
            pickup_until="11:00",
        ),
    )

    assert response.status_code == 303
    saved = FormTemplate.get_by_id(template.id)
    assert saved.closes_at.isoformat() == "2030-01-04T12:00:00"  # 20:00 in Shanghai
    assert saved.slug == "friday-fruit" and saved.description == "Fresh\nfrom the farm"
    assert saved.draft["settings"] == {
        "order_cap": 200,
        "per_customer_limit": None,
        "show_chain_list": True,
        "show_ratings": False,
        "aftersales_reasons": [],
        "waitlist_hold_minutes": None,
        "pickup_point_ids": [point.id],
        "pickup_window": {"date": "2030-01-05", "from": "09:30", "until": "11:00"},  # shop clock
        "delivery": {"enabled": True, "fee": 800, "free_above": 9950},
        "min_order_amount": 1250,
        "group_minimum": None,
        "group_minimum_by": "people",
        "commission": None,
        "auto_cancel_minutes": None,
        "auto_cancel_unpaid": False,
        "pending_reminder_minutes": None,
        "pickup_reminder_minutes": None,
        "deadline_reminder_minutes": None,
        "payment_methods": ["at_pickup"],
    }
    form = as_admin.get(f"/admin/forms/{template.id}/settings").get_data(as_text=True)
    assert (
        'value="2030-01-04T20:00"' in form and 'value="12.50"' in form and 'value="99.50"' in form
    )
    assert 'value="2030-01-05"' in form and 'value="09:30"' in form and 'value="11:00"' in form


def test_invalid_settings_come_back_inline_with_what_was_typed(admin_post):
    new_template(admin_post, slug="taken")
    template = new_template(admin_post)

    response = admin_post(
        f"/admin/forms/{template.id}/settings",
        settings_data(
            slug="taken", min_order_amount="12.345", order_cap="0", opens_at="2030-01-05T09:00"
        ),
        htmx=True,
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="settings-form"')
    assert "Enter an amount in yuan, like 12.50." in html
    assert "Enter a whole number of at least 1" in html
    assert "The deadline must be after the opening time." in html
    assert 'value="12.345"' in html and 'value="0"' in html
    assert FormTemplate.get_by_id(template.id).draft["settings"] == {"show_chain_list": True}


def test_a_duplicate_opens_as_a_new_draft_and_archiving_hides_a_form(as_admin, admin_post):
    template = new_template(admin_post, slug="fruit")
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "email"})

    copied = admin_post(f"/admin/forms/{template.id}/duplicate")
    copy = FormTemplate.get_by_id(int(copied.headers["Location"].rsplit("/", 1)[1]))
    archived = admin_post(f"/admin/forms/{template.id}/archive")

    assert copy.slug == "fruit-copy" and copy.status == "draft"
    assert [f["name"] for f in copy.draft["fields"]] == ["name", "phone", "email_1"]
    assert archived.headers["Location"] == "/admin/forms/"
    assert FormTemplate.get_by_id(template.id).status == "archived"
    listing = as_admin.get("/admin/forms/").get_data(as_text=True)
    assert "Archived forms (1)" in listing
    admin_post(f"/admin/forms/{template.id}/archive", {"restore": "1"})
    assert FormTemplate.get_by_id(template.id).status == "draft"


# Share -----------------------------------------------------------------------------------


def test_the_share_panel_has_the_link_a_qr_code_and_a_chat_text(as_admin, admin_post):
    apples = make_product(
        10,
        price=1250,
        name="Apples",
    )
    point = PickupPoint.create(
        name="East gate",
        address="88 River Rd",
        hours=[{"day": 5, "from": "10:00", "until": "12:00"}],
    )
    template = new_template(admin_post, title="Friday fruit", slug="friday-fruit")
    admin_post(
        f"/admin/forms/{template.id}/settings", settings_data(pickup_point_ids=str(point.id))
    )
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "products"})
    admin_post(
        f"/admin/forms/{template.id}/fields/products_1",
        {"label": "Fruit", f"offer_{apples.id}": "y"},
    )
    admin_post(f"/admin/forms/{template.id}/publish")

    html = page(as_admin, template)

    assert 'value="http://localhost/f/friday-fruit"' in html
    qr = re.search(r'<figure class="qr"[^>]*>\s*(<svg.*?</svg>)', html, re.S)
    assert qr and "<path" in qr.group(1)
    chat = re.search(r'<textarea id="chat-text" readonly[^>]*>(.*?)</textarea>', html, re.S).group(
        1
    )
    assert chat.startswith("Friday fruit\n\nFresh\nfrom the farm")
    assert "- Apples: CN¥12.50" in chat
    # the first Saturday opening after the deadline (Friday, Jan 4, 2030), on the shop's clock
    assert (
        "- East gate, 88 River Rd (Sat, Jan 5, 2030, 10:00\u202fAM\u2009–\u200912:00\u202fPM)"
        in chat
    )
    assert "Delivery: CN¥8.00, free for orders from CN¥99.50" in chat
    assert "Orders close: Jan 4, 2030, 8:00\u202fPM" in chat
    assert chat.rstrip().endswith("Order here: http://localhost/f/friday-fruit")


def test_the_chat_text_is_in_the_admins_language(as_admin, admin_post):
    apples = make_product(10, price=1250, name="苹果")
    template = new_template(admin_post, title="周五水果团")
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "products"})
    admin_post(
        f"/admin/forms/{template.id}/fields/products_1",
        {"label": "水果", f"offer_{apples.id}": "y"},
    )

    def chat():
        html = page(as_admin, template)
        return re.search(r'<textarea id="chat-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)

    assert "- 苹果: CN¥12.50" in chat()
    as_admin.set_cookie("locale", "zh_CN")
    assert "- 苹果: ¥12.50" in chat()  # Chinese money format
    assert chat().startswith("周五水果团")


# Pickup points ---------------------------------------------------------------------------


def hours_data(**days) -> dict:
    """The opening-hours inputs of the pickup point form: day=(opens, closes), Monday 0."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    data = {}
    for day, name in enumerate(names):
        opens, closes = days.get(name, ("", ""))
        data |= {f"hours-{day}-opens": opens, f"hours-{day}-closes": closes}
    return data


def test_pickup_points_are_added_edited_and_taken_out_of_use(as_admin, admin_post):
    added = admin_post(
        "/admin/forms/pickup-points",
        {"name": "East gate", "address": "88 River Rd", **hours_data(sat=("10:00", "12:00"))},
    )
    missing = admin_post("/admin/forms/pickup-points", {"name": " ", "address": "Somewhere"})
    point = PickupPoint.get()
    edited = admin_post(
        f"/admin/forms/pickup-points/{point.id}",
        {"name": "East gate 2", **hours_data(sat=("9:30", "11:00"), sun=("14:00", "16:00"))},
    )
    stopped = admin_post(f"/admin/forms/pickup-points/{point.id}/active", {"active": "0"})

    assert added.status_code == edited.status_code == stopped.status_code == 303
    assert missing.status_code == 422 and "Enter a name." in text_of(missing)
    assert 'value="Somewhere"' in missing.get_data(
        as_text=True
    ) or "Somewhere</textarea>" in missing.get_data(as_text=True)
    point = PickupPoint.get_by_id(point.id)
    assert (point.name, point.address, point.active) == ("East gate 2", "", False)
    assert point.hours == [
        {"day": 5, "from": "09:30", "until": "11:00"},
        {"day": 6, "from": "14:00", "until": "16:00"},
    ]
    listing = text_of(as_admin.get("/admin/forms/pickup-points"))
    assert "Not in use" in listing
    assert (
        "Sat 9:30 – 11:00 AM, Sun 2:00 – 4:00 PM" in listing  # text_of() makes every space " "
    )
    editing = as_admin.get(f"/admin/forms/pickup-points?edit={point.id}").get_data(as_text=True)
    assert 'name="hours-5-opens" type="time" value="09:30"' in editing


def test_bad_opening_hours_come_back_inline_with_what_was_typed(as_admin, admin_post):
    point = PickupPoint.create(
        name="East gate", hours=[{"day": 5, "from": "10:00", "until": "12:00"}]
    )
    typed = hours_data(mon=("10:00", ""), tue=("25:00", "26:00"), sat=("12:00", "10:00"))

    response = admin_post(
        f"/admin/forms/pickup-points/{point.id}", {"name": "East gate", **typed}, htmx=True
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="pickup-points"')  # the fragment, for htmx
    errors = re.findall(r'<p class="error" id="hours-(\d)-(\w+)-error">([^<]*)</p>', html)
    assert errors == [
        ("0", "closes", "Give both times, or neither when closed that day."),
        ("1", "opens", "Enter a time like 10:00."),
        ("1", "closes", "Enter a time like 10:00."),
        ("5", "closes", "It must close after it opens."),
    ]
    for name, value in typed.items():
        assert f'name="{name}" type="time" value="{value}"' in html
    assert 'aria-invalid="true"' in html
    assert PickupPoint.get_by_id(point.id).hours == [{"day": 5, "from": "10:00", "until": "12:00"}]

    as_admin.set_cookie("locale", "zh_CN")
    chinese = admin_post(f"/admin/forms/pickup-points/{point.id}", {"name": "East gate", **typed})
    assert chinese.status_code == 422
    assert "星期一" in text_of(chinese) and "请输入时间" in text_of(chinese)


def test_a_pickup_day_that_makes_no_sense_comes_back_inline(as_admin, admin_post):
    template = new_template(admin_post)
    cases = {
        # the day before the deadline (Friday, Jan 4, 2030, 20:00)
        ("2030-01-03", "10:00", "12:00"): (
            "pickup_day",
            "The pickup must start after the deadline.",
        ),
        ("2030-01-04", "19:00", "21:00"): (
            "pickup_day",
            "The pickup must start after the deadline.",
        ),
        ("2030-01-05", "12:00", "10:00"): ("pickup_until", "The pickup must end after it starts."),
        ("2030-01-05", "10:00", ""): (
            "pickup_until",
            "Give both times, or neither to use each point's opening hours.",
        ),
        ("", "10:00", "12:00"): ("pickup_day", "Choose the pickup day too."),
        ("2030-02-30", "", ""): ("pickup_day", "Not a valid date value."),
    }
    for (day, opens, closes), (field, message) in cases.items():
        response = admin_post(
            f"/admin/forms/{template.id}/settings",
            settings_data(pickup_day=day, pickup_from=opens, pickup_until=closes),
            htmx=True,
        )

        assert response.status_code == 422, (day, opens, closes)
        html = response.get_data(as_text=True)
        assert f'<p class="error" id="{field}-error">{html_escape(message)}</p>' in html
        for name, value in (("pickup_day", day), ("pickup_from", opens), ("pickup_until", closes)):
            assert re.search(
                rf'name="{name}" type="(date|time)" value="{re.escape(value)}"', html
            ), name
    assert "pickup_window" not in (FormTemplate.get_by_id(template.id).draft.get("settings") or {})


# In the browser --------------------------------------------------------------------------


def test_an_admin_adds_a_field_sees_it_in_the_preview_and_publishes(desktop_page, admin, app):
    with app.test_request_context(headers=EN):
        template = create_template("Cleaning visit", "service", slug="cleaning")
    page = desktop_page
    page.goto("/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/board/")
    page.goto(f"/admin/forms/{template.id}")
    page.evaluate("window.stillTheSamePage = true")

    page.select_option("#kind", "short_text")
    page.get_by_role("button", name="Add", exact=True).click()
    page.fill("#label", "Favourite fruit")
    page.get_by_role("button", name="Save field").click()

    preview = page.locator("#preview")
    preview.get_by_text("Favourite fruit").wait_for()
    assert preview.get_by_label("Favourite fruit").is_visible()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published as version 1.").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True  # no reload on the way
    assert FormTemplate.get_by_id(template.id).latest_version().field("short_text_1")["label"] == (
        "Favourite fruit"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "designer-desktop.png"), full_page=True)


def test_a_minimum_group_is_set_in_the_settings_and_needs_a_deadline(as_admin, admin_post):
    template = new_template(admin_post)
    url = f"/admin/forms/{template.id}/settings"

    refused = admin_post(url, settings_data(group_minimum="8", closes_at=""))
    saved = admin_post(url, settings_data(group_minimum="20", group_minimum_by="units"))

    assert refused.status_code == 422
    assert "A minimum group needs a deadline." in refused.get_data(as_text=True)
    assert saved.status_code == 303
    settings = FormTemplate.get_by_id(template.id).draft["settings"]
    assert (settings["group_minimum"], settings["group_minimum_by"]) == (20, "units")


def test_a_leaders_commission_is_a_percentage_or_an_amount_per_item(as_admin, admin_post):
    template = new_template(admin_post)
    url = f"/admin/forms/{template.id}/settings"

    both = admin_post(url, settings_data(commission_percent="5", commission_per_item="1"))
    per_item = admin_post(url, settings_data(commission_per_item="1.50"))

    assert both.status_code == 422
    assert "as a percentage or per item, not both" in both.get_data(as_text=True)
    assert per_item.status_code == 303
    settings = FormTemplate.get_by_id(template.id).draft["settings"]
    assert settings["commission"] == {"per_item": 150}
