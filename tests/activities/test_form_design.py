"""Designer domain rules: new templates, field edits with undo, settings, publish checks,
versions, duplicates, archiving, and concurrent draft edits."""

from datetime import date

import pytest

from models.activities.design import (
    BadSlug,
    DesignError,
    PublishRefused,
    SlugTaken,
    TemplateSettings,
    archive_template,
    create_template,
    duplicate_template,
    has_unpublished_changes,
    publish_template,
    unarchive_template,
    update_settings,
)
from models.activities.draft_fields import (
    ContactFieldKept,
    add_field,
    move_field,
    remove_field,
    removed_field,
    replace_field,
    undo_remove,
)
from models.activities.pickup import PickupPoint
from models.activities.publish_checks import draft_problems
from models.activities.template import FormTemplate
from models.messaging.notice_design import update_notice_settings
from tests.factories import make_product, order_for
from tests.helpers import EN, race


@pytest.fixture
def ctx(app):
    """Publishing builds the customer's form, which needs a request context."""
    with app.test_request_context(headers=EN):
        yield app


def names(template) -> list[str]:
    return [f["name"] for f in FormTemplate.get_by_id(template.id).draft["fields"]]


def field(name, kind, **extra):
    return {"name": name, "type": kind, "label": name.title(), **extra}


CONTACT = [field("name", "short_text", required=True), field("phone", "phone", required=True)]


def test_a_new_template_is_a_draft_with_the_required_contact_fields(ctx):
    template = create_template("Friday fruit", "goods")

    fields = template.draft["fields"]
    assert [(f["name"], f["type"], f["required"]) for f in fields] == [
        ("name", "short_text", True),
        ("phone", "phone", True),
    ]
    assert template.status == "draft"
    assert 3 <= len(template.slug) <= 40


@pytest.mark.parametrize("slug", ["ab", "Has Space", "-start", "end-", "a--b", "中文", "x" * 41])
def test_a_link_name_must_be_short_and_url_safe(ctx, slug):
    with pytest.raises(BadSlug):
        create_template("T", slug=slug)


def test_a_link_name_is_unique(ctx):
    create_template("A", slug="friday-fruit")
    with pytest.raises(SlugTaken):
        create_template("B", slug="Friday-Fruit ")
    other = create_template("C", slug="other")
    with pytest.raises(SlugTaken):
        update_settings(other, TemplateSettings(title="C", slug="friday-fruit"))
    assert FormTemplate.get_by_id(other.id).slug == "other"


def test_fields_are_added_moved_removed_and_brought_back_where_they_were(ctx):
    template = create_template("T")
    first = add_field(template, "short_text")["name"]
    second = add_field(template, "choice")["name"]
    assert names(template) == ["name", "phone", first, second]

    move_field(template, second, -1)
    move_field(template, "name", -1)  # already at the top: stays
    assert names(template) == ["name", "phone", second, first]

    remove_field(template, second)
    assert names(template) == ["name", "phone", first]
    assert removed_field(template)["name"] == second
    assert add_field(template, "choice")["name"] != second  # its name waits for the undo

    undo_remove(template)
    assert names(template)[:4] == ["name", "phone", second, first]
    assert removed_field(template) is None
    with pytest.raises(DesignError):
        undo_remove(template)


def test_a_new_choice_or_time_slot_field_renders_right_away(ctx):
    template = create_template("T", "service")
    for kind in ("choice", "multi_choice", "time_slot", "date", "number", "consent", "heading"):
        add_field(template, kind)
    assert draft_problems(template.draft, "service") == []


def test_the_contact_fields_stay_required_visible_and_of_their_type(ctx):
    template = create_template("T")
    with pytest.raises(ContactFieldKept):
        remove_field(template, "phone")

    spec = replace_field(
        template,
        "name",
        {"label": "Your name", "required": False, "type": "email", "show_when": {"field": "x"}},
    )

    assert spec == {"name": "name", "type": "short_text", "label": "Your name", "required": True}


def test_settings_keep_money_in_fen_and_the_draft_fields_untouched(ctx):
    template = create_template("T")
    point = PickupPoint.create(name="East gate")
    update_settings(
        template,
        TemplateSettings(
            title="Fruit",
            slug="fruit-week",
            description="Line one\nLine two",
            order_cap=100,
            show_chain_list=True,
            pickup_point_ids=[point.id],
            delivery_enabled=True,
            delivery_fee=800,
            free_above=10000,
            min_order_amount=2500,
            auto_cancel_minutes=45,
            auto_cancel_unpaid=True,
            pickup_reminder_minutes=120,
        ),
    )

    saved = FormTemplate.get_by_id(template.id)
    assert (saved.title, saved.slug, saved.description) == (
        "Fruit",
        "fruit-week",
        "Line one\nLine two",
    )
    assert saved.draft["settings"] == {
        "order_cap": 100,
        "per_customer_limit": None,
        "show_chain_list": True,
        "show_ratings": False,
        "aftersales_reasons": [],  # the default list
        "waitlist_hold_minutes": 30,  # the default hold, as the form shows it
        "pickup_point_ids": [point.id],
        "pickup_window": None,
        "delivery": {"enabled": True, "fee": 800, "free_above": 10000},
        "min_order_amount": 2500,
        "auto_cancel_minutes": 45,
        "auto_cancel_unpaid": True,
        "pending_reminder_minutes": None,
        "pickup_reminder_minutes": 120,
        "deadline_reminder_minutes": 60,  # the default admin_notices uses without the key
        "payment_methods": ["at_pickup"],
        "group_minimum": None,  # no 成团, no leaders' commission
        "group_minimum_by": "people",
        "commission": None,
    }
    assert [f["name"] for f in saved.draft["fields"]] == ["name", "phone"]
    assert TemplateSettings.of(template).deadline_reminder_minutes == 60


def test_notice_settings_go_into_the_draft_and_keep_other_languages(ctx):
    template = create_template("T")
    template.draft["settings"]["notifications"] = {
        "order_received": {"body": {"en": "Hello", "zh_CN": "你好"}, "sms": "Old"}
    }
    FormTemplate.update(draft=template.draft).where(FormTemplate.id == template.id).execute()
    chosen = {"enabled": True, "channels": ["sms", "email", "fax"], "statuses": ["ready"]}

    saved = update_notice_settings(
        template, "order_received", chosen, {"body": " Hi there ", "sms": ""}, "en"
    )
    update_notice_settings(
        template, "status_changed", {"enabled": False, "statuses": ["ready"]}, {}, "en"
    )

    assert saved == {
        "enabled": True,
        "channels": ["email", "sms"],  # in the audience's order; unknown ones dropped
        "body": {"zh_CN": "你好", "en": "Hi there"},  # an empty sms: the default again
    }
    notices = FormTemplate.get_by_id(template.id).draft["settings"]["notifications"]
    assert notices["status_changed"] == {"enabled": False, "channels": [], "statuses": ["ready"]}
    assert notices["order_received"] == saved
    assert not FormTemplate.get_by_id(template.id).latest_version()  # the draft only
    with pytest.raises(DesignError):
        update_notice_settings(template, "no_such_notice", chosen, {}, "en")


def problems_of(fields, settings=None, kind="service"):
    return draft_problems({"fields": fields, "settings": settings or {}}, kind)


def test_publish_checks_name_every_problem_of_the_draft(ctx):
    gone = make_product(5, name="Gone")
    retired = make_product(5, name="Retired")
    retired.active = False
    retired.save()
    gone_id = gone.id
    gone.delete_instance(recursive=True)
    closed = PickupPoint.create(name="Old gate", active=False)

    problems = problems_of(
        [
            field("name", "short_text", required=True),
            field("pick", "choice", options=[]),
            field(
                "slot",
                "time_slot",
                slots=[
                    {"id": "a", "label": "A", "capacity": 0},
                    {"id": "a", "label": "B", "capacity": 2},
                ],
            ),
            field(
                "items", "products", products=[{"product_id": gone_id}, {"product_id": retired.id}]
            ),
            field("more", "short_text", show_when={"field": "missing", "equals": "x"}),
            field("size", "choice", options=["S", "M"]),
            field("why", "short_text", show_when={"field": "size", "equals": "XL"}),
        ],
        {"pickup_point_ids": [closed.id]},
        kind="goods",
    )

    assert problems == [
        "The form needs its required phone field.",
        "“Pick” needs at least one option.",
        "“Slot”: two time slots have the same id.",
        "“Slot”: the time slot “A” needs a capacity of at least 1.",
        "“Items” offers a product that no longer exists.",
        "“Items” offers “Retired”, which is no longer for sale.",
        "“More” is shown depending on a field that does not exist.",
        "“Why” is shown when “Size” is “XL”, which is not one of its choices.",
        "The pickup point “Old gate” is no longer in use.",
    ]
    assert "A goods form needs a product lines field." in problems_of(CONTACT, kind="goods")


def test_publish_checks_build_the_customers_form(ctx):
    bad_pattern = [*CONTACT, field("code", "short_text", pattern="(")]
    bad_step = [*CONTACT, field("count", "number", step=-1)]
    assert problems_of(bad_pattern)[0].startswith("The form cannot be built: code: bad pattern")
    assert problems_of(bad_step) == ["The form cannot be built: count: step must be positive"]
    assert problems_of(CONTACT) == []


def test_publishing_refuses_a_draft_with_problems_and_publishes_nothing(ctx, admin):
    template = create_template("T", "goods")

    with pytest.raises(PublishRefused) as refused:
        publish_template(template, admin)

    assert refused.value.problems == ["A goods form needs a product lines field."]
    assert FormTemplate.get_by_id(template.id).versions.count() == 0
    assert FormTemplate.get_by_id(template.id).status == "draft"


def test_editing_after_publishing_leaves_the_version_and_its_orders_intact(ctx, admin):
    apples = make_product(10, price=1250, name="Apples")
    template = create_template("Fruit", "goods")
    items = add_field(template, "products")["name"]
    replace_field(template, items, {"label": "Items", "products": [{"product_id": apples.id}]})
    first = publish_template(template, admin)
    order = order_for(first, [(apples, 2)])
    assert not has_unpublished_changes(FormTemplate.get_by_id(template.id))

    replace_field(
        template,
        items,
        {"label": "Choose fruit", "products": [{"product_id": apples.id, "limit": 3}]},
    )
    remove_field(template, add_field(template, "email")["name"])
    assert has_unpublished_changes(FormTemplate.get_by_id(template.id))
    second = publish_template(FormTemplate.get_by_id(template.id), admin)

    assert (first.number, second.number) == (1, 2)
    old = type(first).get_by_id(first.id)
    assert old.field(items) == {
        "name": items,
        "type": "products",
        "label": "Items",
        "products": [{"product_id": apples.id}],
    }
    assert second.field(items)["label"] == "Choose fruit"
    order = type(order).get_by_id(order.id)
    assert order.template_version_id == first.id
    assert [(line.name, line.quantity) for line in order.lines] == [("Apples", 2)]


def test_an_archived_template_is_not_published_until_brought_back(ctx, admin):
    template = create_template("T", "service")
    archive_template(template)
    with pytest.raises(DesignError):
        publish_template(FormTemplate.get_by_id(template.id), admin)

    unarchive_template(FormTemplate.get_by_id(template.id))
    assert FormTemplate.get_by_id(template.id).status == "draft"
    publish_template(FormTemplate.get_by_id(template.id), admin)
    archive_template(template)
    unarchive_template(FormTemplate.get_by_id(template.id))
    assert FormTemplate.get_by_id(template.id).status == "published"


def test_a_duplicate_is_a_new_draft_with_the_same_fields_and_its_own_link(ctx, admin):
    template = create_template("Fruit", "service", slug="fruit")
    add_field(template, "long_text")
    remove_field(template, add_field(template, "email")["name"])
    update_settings(
        FormTemplate.get_by_id(template.id),
        TemplateSettings(title="Fruit", slug="fruit", kind="service", pickup_day=date(2030, 1, 5)),
    )
    publish_template(FormTemplate.get_by_id(template.id), admin)

    copy = duplicate_template(FormTemplate.get_by_id(template.id))
    again = duplicate_template(FormTemplate.get_by_id(template.id))

    assert (copy.slug, again.slug) == ("fruit-copy", "fruit-copy-2")
    assert copy.status == "draft" and copy.versions.count() == 0
    assert copy.title == "Fruit (copy)"
    assert copy.draft["fields"] == FormTemplate.get_by_id(template.id).draft["fields"]
    assert "removed" not in copy.draft
    assert "pickup_window" not in copy.draft["settings"]  # last week's pickup day is no use


def test_concurrent_edits_of_one_draft_all_land(app):
    with app.test_request_context():
        template = create_template("T")

    results = race(app, 8, lambda i: add_field(FormTemplate.get_by_id(template.id), "short_text"))

    assert [outcome for outcome, _ in results] == ["ok"] * 8
    added = names(template)[2:]
    assert len(added) == 8 and len(set(added)) == 8
