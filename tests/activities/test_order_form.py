"""The generated order form: every field type, required/optional, limits and their
messages, phone normalization, products quantities, and server-side `show_when`."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from forms.ordering.order_form import (
    FormSpecError,
    build_order_form,
    cleaned_answers,
    requested_lines,
)
from tests.factories import make_product, published_version

REQUIRED = "This field is required."


def field(name, kind, label=None, **extra):
    return {"name": name, "type": kind, "label": label or name.title(), **extra}


@contextmanager
def posted(app, version, data, language="en", **kwargs):
    """Inside a POST request carrying `data`: yields (form, valid, errors as plain strings)."""
    headers = {"Accept-Language": language}
    with app.test_request_context(method="POST", data=MultiDict(data), headers=headers):
        form = build_order_form(version, meta={"csrf": False}, **kwargs)
        valid = form.validate()
        yield form, valid, _plain(form.errors)


def _plain(errors):
    if isinstance(errors, dict):
        return {key: _plain(value) for key, value in errors.items()}
    return [str(message) for message in errors]


def check(app, fields, data, **kwargs):
    """Validate `data` against a version of `fields`: (valid, errors, answers or None)."""
    version = published_version(fields=fields)
    with posted(app, version, data, **kwargs) as (form, valid, errors):
        return valid, errors, cleaned_answers(form, version) if valid else None


# Text -----------------------------------------------------------------------------------


def test_required_text_rejects_blank_and_whitespace(app):
    fields = [field("name", "short_text", required=True)]
    assert check(app, fields, {"name": "   "})[1] == {"name": [REQUIRED]}
    assert check(app, fields, {})[1] == {"name": [REQUIRED]}
    assert check(app, fields, {"name": "  Alice "}) == (True, {}, {"name": "Alice"})


def test_optional_text_may_be_blank(app):
    assert check(app, [field("remark", "long_text")], {"remark": ""}) == (
        True,
        {},
        {"remark": ""},
    )


@pytest.mark.parametrize(
    ("limits", "value", "message"),
    [
        ({"min_length": 3, "max_length": 5}, "ab", "Enter between 3 and 5 characters."),
        ({"min_length": 3, "max_length": 5}, "abcdef", "Enter between 3 and 5 characters."),
        ({"min_length": 3}, "ab", "Enter at least 3 characters."),
        ({"max_length": 5}, "abcdef", "Enter at most 5 characters."),
    ],
)
def test_text_length_limits(app, limits, value, message):
    fields = [field("code", "short_text", **limits)]
    assert check(app, fields, {"code": value})[1] == {"code": [message]}
    assert check(app, fields, {"code": "abcd" if "min_length" in limits else "abc"})[0]


def test_pattern_must_match_the_whole_value_with_the_admins_message(app):
    fields = [
        field("room", "short_text", pattern=r"\d{3,4}", pattern_message="Room number, e.g. 1201")
    ]
    assert check(app, fields, {"room": "12a01"})[1] == {"room": ["Room number, e.g. 1201"]}
    assert check(app, fields, {"room": "1201x"})[1] == {"room": ["Room number, e.g. 1201"]}
    assert check(app, fields, {"room": "1201"})[2] == {"room": "1201"}
    default = check(app, [field("room", "short_text", pattern=r"\d+")], {"room": "x"})[1]
    assert default == {"room": ["Enter a value in the expected format."]}


def test_address_is_long_text(app):
    valid, _, answers = check(
        app, [field("address", "address", required=True)], {"address": "幸福小区 3 栋"}
    )
    assert valid and answers == {"address": "幸福小区 3 栋"}
    assert check(app, [field("address", "address", required=True)], {})[1] == {
        "address": [REQUIRED]
    }


# Phone and email ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "+8613800138000"]
)
def test_phone_is_normalized_to_e164(app, typed):
    valid, errors, answers = check(app, [field("phone", "phone", required=True)], {"phone": typed})
    assert (valid, errors, answers) == (True, {}, {"phone": "+8613800138000"})


@pytest.mark.parametrize("typed", ["12345", "not a phone", "1380013800012345"])
def test_invalid_phone_is_rejected_with_a_readable_message(app, typed):
    errors = check(app, [field("phone", "phone", required=True)], {"phone": typed})[1]
    assert errors == {"phone": ["Enter a valid phone number."]}


def test_rerender_keeps_what_the_user_typed(app):
    version = published_version(fields=[field("phone", "phone"), field("count", "number", max=5)])
    with posted(app, version, {"phone": "138 0013 8000", "count": "7.0"}) as (form, valid, _):
        assert not valid
        assert 'value="138 0013 8000"' in str(form.phone())
        assert 'value="7.0"' in str(form["count"]())


def test_email(app):
    fields = [field("email", "email", required=True)]
    assert check(app, fields, {"email": " a@example.com "})[2] == {"email": "a@example.com"}
    for bad in ("a@", "a@example", "a b@example.com", "@example.com"):
        assert check(app, fields, {"email": bad})[1] == {"email": ["Enter a valid email address."]}


# Numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        ({"min": 1, "max": 10}, "0", "Enter a number between 1 and 10."),
        ({"min": 1, "max": 10}, "11", "Enter a number between 1 and 10."),
        ({"min": 1}, "-3", "Enter a number of at least 1."),
        ({"max": 10}, "10.5", "Enter a number no greater than 10."),
        ({}, "2.5", "Enter a whole number."),
        ({"step": "0.5"}, "2.25", "Enter a number in steps of 0.5."),
        ({}, "abc", "Enter a number."),
        ({}, "NaN", "Enter a number."),
        ({}, "1e9", "Enter a number."),
    ],
)
def test_number_limits_and_messages(app, spec, value, message):
    errors = check(app, [field("n", "number", **spec)], {"n": value})[1]
    assert errors == {"n": [message]}


def test_number_answers_are_int_when_whole_and_exact_text_otherwise(app):
    assert check(app, [field("n", "number", min=1, max=10)], {"n": "10"})[2] == {"n": 10}
    answers = check(app, [field("n", "number", step="0.5")], {"n": "2.50"})[2]
    assert answers == {"n": "2.5"}
    assert not any(isinstance(v, float | Decimal) for v in answers.values())
    assert check(app, [field("n", "number")], {"n": ""})[2] == {"n": None}
    assert check(app, [field("n", "number", required=True)], {"n": ""})[1] == {"n": [REQUIRED]}


# Choices --------------------------------------------------------------------------------


@pytest.mark.parametrize("widget", ["radio", "select"])
def test_choice_accepts_only_listed_options(app, widget):
    fields = [field("size", "choice", options=["S", "M", "L"], widget=widget, required=True)]
    assert check(app, fields, {"size": "M"})[2] == {"size": "M"}
    assert check(app, fields, {"size": "XL"})[1] == {"size": ["Choose one of the listed options."]}
    assert check(app, fields, {"size": ""})[1] == {"size": [REQUIRED]}


def test_optional_choice_may_be_left_empty(app):
    fields = [field("size", "choice", options=["S", "M"], widget="select")]
    assert check(app, fields, {"size": ""}) == (True, {}, {"size": None})


def test_multi_choice(app):
    fields = [
        field("extras", "multi_choice", options=["a", "b", "c"], min_selected=1, max_selected=2)
    ]
    assert check(app, fields, [("extras", "a"), ("extras", "c")])[2] == {"extras": ["a", "c"]}
    assert check(app, fields, [("extras", "a"), ("extras", "z")])[1] == {
        "extras": ["Choose only from the listed options."]
    }
    assert check(app, fields, [("extras", "a"), ("extras", "b"), ("extras", "c")])[1] == {
        "extras": ["Choose at most 2 options."]
    }
    at_least = [field("extras", "multi_choice", options=["a", "b", "c"], min_selected=2)]
    assert check(app, at_least, [("extras", "a")])[1] == {"extras": ["Choose at least 2 options."]}
    assert check(app, fields, [])[2] == {"extras": []}  # optional: none chosen is fine
    required = [field("extras", "multi_choice", options=["a"], required=True)]
    assert check(app, required, [])[1] == {"extras": [REQUIRED]}


def test_date(app):
    fields = [field("day", "date", min="2030-01-01", max="2030-01-31", required=True)]
    assert check(app, fields, {"day": "2030-01-15"})[2] == {"day": "2030-01-15"}
    assert check(app, fields, {"day": "2029-12-31"})[1] == {
        "day": ["Choose a date on or after 2030-01-01."]
    }
    assert check(app, fields, {"day": "2030-02-01"})[1] == {
        "day": ["Choose a date on or before 2030-01-31."]
    }
    for bad in ("2030-02-30", "15/01/2030", "tomorrow"):
        assert check(app, fields, {"day": bad})[1] == {"day": ["Enter a date as YYYY-MM-DD."]}
    assert check(app, fields, {"day": ""})[1] == {"day": [REQUIRED]}


SLOTS = [
    {"id": "2030-01-02 09:00", "label": "01-02 9–11", "capacity": 3},
    {"id": "2030-01-02 14:00", "label": "01-02 14–16", "capacity": 3},
]


def test_time_slot_accepts_only_listed_slot_ids(app):
    fields = [field("slot", "time_slot", slots=SLOTS, required=True)]
    assert check(app, fields, {"slot": "2030-01-02 14:00"})[2] == {"slot": "2030-01-02 14:00"}
    assert check(app, fields, {"slot": "2030-01-03 09:00"})[1] == {
        "slot": ["Choose one of the listed time slots."]
    }
    assert check(app, fields, {})[1] == {"slot": ["Choose a time slot."]}


def test_consent(app):
    fields = [field("agree", "consent", required=True)]
    assert check(app, fields, {})[1] == {"agree": ["Tick this box to continue."]}
    assert check(app, fields, {"agree": "y"})[2] == {"agree": True}
    assert check(app, [field("agree", "consent")], {})[2] == {"agree": False}


def test_heading_has_no_input_and_no_answer(app):
    fields = [field("intro", "heading", label="About you", help="Tell us who you are")]
    version = published_version(fields=fields)
    with posted(app, version, {"intro": "injected"}) as (form, valid, errors):
        assert valid and errors == {}
        assert str(form.intro()) == ""
        assert str(form.intro.label.text) == "About you"
        assert form.intro.description == "Tell us who you are"
        assert form.intro.data is None
        assert cleaned_answers(form, version) == {}


def test_messages_are_translated_for_the_customers_language(app):
    version = published_version(fields=[field("phone", "phone", required=True)])
    with posted(app, version, {"phone": "123"}, language="zh-CN") as (_, valid, errors):
        assert not valid
        assert errors["phone"] != ["Enter a valid phone number."]
        assert errors["phone"][0]  # a non-empty Chinese message from the catalog


# Products -------------------------------------------------------------------------------


@pytest.fixture
def catalog(app):
    with app.app_context():
        return make_product(50, name="Strawberries"), make_product(50, name="Oranges")


def products_field(catalog, required=True, limit=3):
    return field(
        "items",
        "products",
        required=required,
        products=[{"product_id": p.id, "limit": limit} for p in catalog],
    )


def test_products_quantities_become_answers_and_lines(app, catalog):
    berries, oranges = catalog
    version = published_version(fields=[products_field(catalog)])
    data = {f"items-{berries.id}": "2", f"items-{oranges.id}": "0"}
    with posted(app, version, data) as (form, valid, errors):
        assert valid, errors
        assert cleaned_answers(form, version) == {"items": {berries.id: 2}}
        assert requested_lines(form, version) == [(berries.id, 2)]
        assert form["items"][str(berries.id)].label.text == "Strawberries"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4", "Enter a number between 0 and 3."),
        ("-1", "Enter a number between 0 and 3."),
        ("1.5", "Enter a whole number."),
        ("lots", "Enter a whole number."),
    ],
)
def test_product_quantity_outside_the_limit_is_rejected(app, catalog, typed, message):
    berries, oranges = catalog
    data = {f"items-{berries.id}": typed, f"items-{oranges.id}": "1"}
    valid, errors, _ = check(app, [products_field(catalog)], data)
    assert not valid
    assert errors == {"items": {str(berries.id): [message]}}


def test_required_products_need_one_quantity_above_zero(app, catalog):
    berries, oranges = catalog
    zeros = {f"items-{berries.id}": "0", f"items-{oranges.id}": ""}
    assert check(app, [products_field(catalog)], zeros)[1] == {
        "items": {"": ["Choose at least one item."]}
    }
    assert check(app, [products_field(catalog, required=False)], zeros) == (
        True,
        {},
        {"items": {}},
    )


def test_inactive_or_unknown_products_get_no_input(app, catalog):
    berries, oranges = catalog
    oranges.active = False
    with app.app_context():
        oranges.save()
    entries = products_field(catalog)
    entries["products"].append({"product_id": 999_999, "limit": 1})
    version = published_version(fields=[entries])
    with posted(app, version, {f"items-{oranges.id}": "1"}) as (form, valid, errors):
        assert not valid
        assert list(form["items"].form._fields) == [str(berries.id)]
        assert errors == {"items": {"": ["Choose at least one item."]}}
    with posted(app, version, {}, products={berries.id: berries, oranges.id: oranges}) as (
        form,
        _,
        _,
    ):
        assert list(form["items"].form._fields) == [str(berries.id)]


# Conditional visibility -----------------------------------------------------------------


DELIVERY = [
    field("method", "choice", options=["pickup", "delivery"], required=True),
    field("address", "address", required=True, show_when={"field": "method", "equals": "delivery"}),
]


def test_hidden_required_field_is_not_required_and_its_value_is_dropped(app):
    valid, errors, answers = check(app, DELIVERY, {"method": "pickup", "address": "somewhere"})
    assert (valid, errors) == (True, {})
    assert answers == {"method": "pickup"}


def test_field_is_required_again_when_its_condition_holds(app):
    assert check(app, DELIVERY, {"method": "delivery"})[1] == {"address": [REQUIRED]}
    answers = check(app, DELIVERY, {"method": "delivery", "address": "Road 1"})[2]
    assert answers == {"method": "delivery", "address": "Road 1"}


def test_hidden_field_is_not_validated_at_all(app):
    fields = [
        field("gift", "consent"),
        field("note", "short_text", max_length=3, show_when={"field": "gift", "equals": True}),
    ]
    assert check(app, fields, {"note": "far too long"}) == (True, {}, {"gift": False})
    assert check(app, fields, {"gift": "y", "note": "far too long"})[1] == {
        "note": ["Enter at most 3 characters."]
    }


def test_show_when_on_multi_choice_means_contains(app, catalog):
    fields = [
        field("extras", "multi_choice", options=["wrap", "card"]),
        field(
            "message", "short_text", required=True, show_when={"field": "extras", "equals": "card"}
        ),
        products_field(catalog, required=True)
        | {"show_when": {"field": "extras", "equals": "wrap"}},
    ]
    only_wrap = [("extras", "wrap"), ("message", "ignored")]
    valid, errors, _ = check(app, fields, only_wrap)
    assert not valid
    assert errors == {"items": {"": ["Choose at least one item."]}}
    berries = catalog[0]
    both = [("extras", "wrap"), ("extras", "card"), (f"items-{berries.id}", "1")]
    assert check(app, fields, both)[1] == {"message": [REQUIRED]}


def test_hidden_products_request_no_lines(app, catalog):
    berries = catalog[0]
    fields = [
        field("want", "choice", options=["yes", "no"]),
        products_field(catalog) | {"show_when": {"field": "want", "equals": "yes"}},
    ]
    version = published_version(fields=fields)
    data = {"want": "no", f"items-{berries.id}": "2"}
    with posted(app, version, data) as (form, valid, errors):
        assert valid, errors
        assert requested_lines(form, version) == []
        assert cleaned_answers(form, version) == {"want": "no"}


def test_a_condition_on_a_hidden_field_hides_its_dependents_too(app):
    fields = [
        field("a", "choice", options=["x", "y"]),
        field("b", "choice", options=["x", "y"], show_when={"field": "a", "equals": "x"}),
        field("c", "short_text", required=True, show_when={"field": "b", "equals": "x"}),
    ]
    # b is hidden (a is "y"), so its submitted "x" must not make c visible.
    assert check(app, fields, {"a": "y", "b": "x"}) == (True, {}, {"a": "y"})
    assert check(app, fields, {"a": "x", "b": "x"})[1] == {"c": [REQUIRED]}


# Bad specs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        [field("x", "nonsense")],
        [field("data", "short_text")],
        [field("a-b", "short_text")],
        [field("x", "short_text"), field("x", "long_text")],
        [field("x", "choice", options=[])],
        [field("x", "short_text", pattern="(")],
    ],
)
def test_invalid_field_specs_are_refused(app, fields):
    version = published_version(fields=fields)
    with app.test_request_context(method="POST"), pytest.raises(FormSpecError):
        build_order_form(version, meta={"csrf": False})
