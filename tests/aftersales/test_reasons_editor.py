"""The admin's after-sales reasons on the form's settings page: one per line, trimmed, repeats
left out, 1 to 20 of at most 40 characters (empty: the default list), saved into the draft's
settings and offered to customers once published; wrong input is a 422 under the field with
what was typed kept. `parse_reasons` against any text (hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from models.activities.template import FormTemplate
from models.aftersales.requests import (
    MAX_REASON_LENGTH,
    MAX_REASONS,
    BadReasons,
    parse_reasons,
    reasons_for,
)
from models.orders.lifecycle import Actor, walk_order
from tests.activities.test_designer import new_template, settings_data
from tests.factories import make_product, order_for
from tests.helpers import EN


def settings_of(template) -> dict:
    return FormTemplate.get_by_id(template.id).draft["settings"]


def test_reasons_are_saved_trimmed_without_repeats_and_offered_once_published(
    client, as_admin, admin_post
):
    template = new_template(admin_post)
    typed = "  Bruised  \r\n\nbruised\n  Arrived   late \nWrong size\n\n"

    response = admin_post(
        f"/admin/forms/{template.id}/settings", settings_data(aftersales_reasons=typed)
    )

    assert response.status_code == 303
    reasons = ["Bruised", "Arrived late", "Wrong size"]
    assert settings_of(template)["aftersales_reasons"] == reasons
    page = as_admin.get(f"/admin/forms/{template.id}/settings").get_data(as_text=True)
    assert ">\r\nBruised\nArrived late\nWrong size</textarea>" in page

    version = FormTemplate.get_by_id(template.id).publish()
    order = order_for(version, [(make_product(5, price=500), 1)])
    order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
    assert reasons_for(order) == reasons
    form = client.get(f"/o/{order.tracking_token}/after-sales/{order.lines[0].id}", headers=EN)
    assert all(f">{reason}</option>" in form.get_data(as_text=True) for reason in reasons)


def test_empty_means_the_default_list(as_admin, admin_post):
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/settings", settings_data(aftersales_reasons=" \n "))

    assert settings_of(template)["aftersales_reasons"] == []
    page = as_admin.get(f"/admin/forms/{template.id}/settings").get_data(as_text=True)
    assert 'placeholder="Damaged\nWrong item' in page


def test_too_many_or_too_long_reasons_come_back_inline_with_what_was_typed(admin_post):
    template = new_template(admin_post)
    many = "\n".join(f"Reason {i}" for i in range(21))
    long = "Fine\n" + "x" * 41

    for typed, error in (
        (many, "Give at most 20 reasons (there are 21)."),
        (long, f"Keep each reason to 40 characters: “{'x' * 41}” is longer."),
    ):
        response = admin_post(
            f"/admin/forms/{template.id}/settings",
            settings_data(aftersales_reasons=typed),
            htmx=True,
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f'<p class="error" id="aftersales_reasons-error">{error}</p>' in html
        assert f">\r\n{typed}</textarea>" in html  # WTForms starts a text area with a newline
        assert "aftersales_reasons" not in settings_of(template)


LINE = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=50)


@given(st.lists(LINE, max_size=25).map("\n".join))
def test_parsed_reasons_are_trimmed_unique_and_within_the_limits(text):
    try:
        reasons = parse_reasons(text)
    except BadReasons:
        kept = {" ".join(line.split()).casefold() for line in text.splitlines()} - {""}
        too_long = any(
            len(" ".join(line.split())) > MAX_REASON_LENGTH for line in text.splitlines()
        )
        assert too_long or len(kept) > MAX_REASONS
        return
    assert len(reasons) <= MAX_REASONS
    assert all(0 < len(reason) <= MAX_REASON_LENGTH for reason in reasons)
    assert all(reason == " ".join(reason.split()) for reason in reasons)
    assert len({reason.casefold() for reason in reasons}) == len(reasons)
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert set(reasons) <= lines
    assert {r.casefold() for r in reasons} == {line.casefold() for line in lines} - {""}
