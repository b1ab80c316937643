"""The hold's length is the activity's setting: the admin types 5 to 1440 minutes on the
designer's settings page (empty: 30); anything else is refused inline (422) with what was typed
kept; once published, offers hold that long and the join page says so."""

import re

from models.activities.template import FormTemplate
from models.waitlist.offers import hold_minutes
from tests.activities.test_designer import settings_data
from tests.factories import contact_fields, make_product, make_template


def draft(app):
    with app.app_context():
        eggs = make_product(5, name="Eggs")
        items = {"name": "items", "type": "products", "label": "Items", "required": True}
        fields = [*contact_fields(), {**items, "products": [{"product_id": eggs.id}]}]
        return make_template(fields=fields, status="draft", slug="fruit")


def test_the_admin_sets_the_hold_from_5_to_1440_minutes(app, admin_post, as_admin):
    template = draft(app)
    url = f"/admin/forms/{template.id}/settings"
    html = as_admin.get(url).get_data(as_text=True)
    assert re.search(r'name="waitlist_hold_minutes"[^>]*value="30"', html)

    for typed in ("4", "1441", "soon"):
        response = admin_post(url, settings_data(waitlist_hold_minutes=typed), htmx=True)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "Enter a whole number of minutes from 5 to 1440, or leave it empty." in page
        assert f'value="{typed}"' in page

    assert admin_post(url, settings_data(waitlist_hold_minutes="45")).status_code == 303
    assert FormTemplate.get_by_id(template.id).draft["settings"]["waitlist_hold_minutes"] == 45
    assert admin_post(f"/admin/forms/{template.id}/publish").status_code == 303
    assert hold_minutes(FormTemplate.get_by_id(template.id)) == 45


def test_an_empty_hold_is_30_minutes(app, admin_post):
    template = draft(app)
    url = f"/admin/forms/{template.id}/settings"
    assert admin_post(url, settings_data(waitlist_hold_minutes="")).status_code == 303
    assert admin_post(f"/admin/forms/{template.id}/publish").status_code == 303
    assert hold_minutes(FormTemplate.get_by_id(template.id)) == 30


def test_the_offer_s_text_is_edited_with_the_other_notices(app, admin_post):
    template = draft(app)
    url = f"/admin/forms/{template.id}/notifications/waitlist_offer"
    text = "{{ quantity }} × {{ product }} until {{ hold_until }}: {{ waitlist_url }}"
    data = {"waitlist_offer-enabled": "y", "waitlist_offer-channels": "sms"}

    preview = admin_post(url, {**data, "waitlist_offer-sms": text, "action": "preview"}, True)
    assert preview.status_code == 200
    assert "2 × Strawberries until" in preview.get_data(as_text=True)
    broken = admin_post(url, {**data, "waitlist_offer-sms": "{{ order_total }}"}, True)
    assert broken.status_code == 422 and "This text cannot be used" in broken.get_data(as_text=True)

    assert admin_post(url, {**data, "waitlist_offer-sms": text}).status_code in (302, 303)
    saved = FormTemplate.get_by_id(template.id).draft["settings"]["notifications"]
    assert saved["waitlist_offer"] == {"enabled": True, "channels": ["sms"], "sms": text}
