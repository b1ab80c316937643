"""The "rating" field (1 to 5 stars): the designer adds it, the customer answers it with
radio buttons on a phone without JavaScript, the order and its export show it."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from models.activities.template import FormTemplate
from models.orders.order import Order
from tests.exports.test_export import download_xlsx
from tests.factories import order_for
from tests.helpers import (
    EN,
    MIN_TAP,
    assert_fits_the_screen,
    csrf_token_from,
    hidden_inputs,
    text_of,
)

RATING = {"name": "taste", "type": "rating", "label": "How did it taste?", "required": True}


@pytest.fixture
def tasting(app_context, make_shop):
    apples = {"on_hand": None, "price": 1250, "name": "Apples"}  # a service: no stock
    return make_shop(products={"apples": apples}, extra_fields=[RATING])


def test_the_designer_adds_a_rating_and_publishes_it(client, admin, login):
    client.set_cookie("locale", "en")
    login(admin)
    token = csrf_token_from(client, "/admin/forms/")
    post = lambda url, data: client.post(url, data={"csrf_token": token, **data})  # noqa: E731
    created = post("/admin/forms/", {"title": "Tasting", "kind": "service"})
    template = FormTemplate.get_by_id(int(created.headers["Location"].rsplit("/", 1)[1]))

    added = post(f"/admin/forms/{template.id}/fields", {"kind": "rating"})
    saved = post(
        f"/admin/forms/{template.id}/fields/rating_1",
        {"label": "How was the cleaning?", "required": "y"},
    )

    assert added.status_code == 303 and saved.status_code == 303
    assert FormTemplate.get_by_id(template.id).draft["fields"][-1] == {
        "name": "rating_1",
        "type": "rating",
        "label": "How was the cleaning?",
        "required": True,
    }
    preview = client.get(f"/admin/forms/{template.id}").get_data(as_text=True)
    assert "Rating (1–5 stars)" in preview  # in the "add a field" menu and the field list
    assert preview.count('type="radio" value=') >= 5 and "★★★★☆ 4/5" in preview
    published = post(f"/admin/forms/{template.id}/publish", {})
    assert published.status_code == 303, text_of(published)
    assert template.latest_version().fields[-1]["type"] == "rating"


def test_a_rating_is_kept_as_its_number_read_as_stars_and_refused_outside_one_to_five(
    client, tasting
):
    version = tasting["version"]
    url = f"/f/{version.template.slug}"
    hidden = hidden_inputs(client.get(url, headers=EN).get_data(as_text=True))
    data = {**hidden, "name": "Li", "phone": "13800138000", f"items-{tasting['apples'].id}": "1"}

    missing = client.post(url, data=data, headers=EN)
    beyond = client.post(url, data={**data, "taste": "6"}, headers=EN)
    placed = client.post(url, data={**data, "taste": "4"}, headers=EN)

    assert missing.status_code == 422 and "Choose how many stars." in text_of(missing)
    assert beyond.status_code == 422 and "Choose from one to five stars." in text_of(beyond)
    assert placed.status_code == 303
    assert Order.get().answers["taste"] == 4


def test_the_order_page_and_the_export_show_the_rating(client, staff, login, tasting):
    order = order_for(tasting["version"], [(tasting["apples"], 1)], answers={"taste": 4})
    login(staff)

    detail = client.get(f"/board/orders/{order.number}", headers=EN)
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get("/board/export.csv?created=all", headers=EN).data.decode("utf-8-sig")
            )
        )
    )
    sheet = load_workbook(io.BytesIO(download_xlsx(client, "created=all").data)).active

    assert "How did it taste?" in text_of(detail) and "★★★★☆ 4/5" in text_of(detail)
    column = csv_rows[0].index("How did it taste?")
    assert csv_rows[1][column] == "4"
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("How did it taste?") + 1).value == 4


@pytest.mark.browser
def test_a_customer_gives_four_stars_on_a_phone_without_javascript(new_page, tasting):
    page = new_page("phone", javascript=False)
    page.goto(f"/f/{tasting['version'].template.slug}")
    page.get_by_label("Name").fill("Wang Fang")
    page.get_by_label("Phone").fill("13900017143")
    page.locator(f"input[name='items-{tasting['apples'].id}']").fill("1")

    stars = page.locator("#field-taste label.option")
    assert stars.count() == 5
    for index in range(5):
        box = stars.nth(index).bounding_box()
        assert box["height"] >= MIN_TAP and box["width"] >= MIN_TAP, box
    page.get_by_label("★★★★☆ 4/5").check()
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+$"))

    assert Order.get().answers["taste"] == 4
