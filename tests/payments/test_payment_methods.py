"""A form's payment methods: chosen in the designer's settings, checked before publishing;
the board's payment filter and bulk bar know claims."""

import pytest

from models.activities.design import TemplateSettings
from models.activities.template import FormTemplate
from models.orders.order import Order
from models.orders.status import PaymentStatus
from models.payments.claims import claim_payment
from models.payments.collection_codes import upload_collection_code
from models.payments.methods import methods_in
from tests.activities.test_designer import new_template, settings_data
from tests.factories import contact_fields, order_for
from tests.helpers import EN, HTMX, csrf_token_from, text_of
from tests.payments.images import png


def test_unset_the_form_is_paid_at_pickup():
    assert methods_in({}) == ["at_pickup"]
    assert methods_in({"payment_methods": ["collection_code", "at_pickup"]}) == [
        "at_pickup",
        "collection_code",
    ]


def test_the_designer_saves_the_methods_and_publishing_needs_a_code(
    admin_post, as_admin, admin, app
):
    template = new_template(admin_post)
    FormTemplate.update(draft={"fields": contact_fields(), "settings": {}}).where(
        FormTemplate.id == template.id
    ).execute()
    form = as_admin.get(f"/admin/forms/{template.id}/settings", headers=EN).get_data(as_text=True)
    assert 'value="collection_code"' in form and "How customers pay" in form

    response = admin_post(
        f"/admin/forms/{template.id}/settings",
        {**settings_data(kind="service"), "payment_methods": ["at_pickup", "collection_code"]},
    )
    assert response.status_code == 303
    assert TemplateSettings.of(FormTemplate.get_by_id(template.id)).payment_methods == [
        "at_pickup",
        "collection_code",
    ]

    refused = admin_post(f"/admin/forms/{template.id}/publish", htmx=True)
    assert "none is uploaded yet" in text_of(refused)
    assert FormTemplate.get_by_id(template.id).versions.count() == 0

    with app.app_context():
        upload_collection_code("alipay", png(), admin)
    published = admin_post(f"/admin/forms/{template.id}/publish")
    assert published.status_code in (200, 303)
    assert FormTemplate.get_by_id(template.id).versions.count() == 1


@pytest.fixture
def claimed_and_not(app, qr_shop):
    with app.app_context():
        claimed = order_for(qr_shop["version"], [(qr_shop["apples"], 1)])
        unpaid = order_for(qr_shop["version"], [(qr_shop["apples"], 1)])
        claim_payment(claimed, "wechat")
    return claimed, unpaid


def test_the_board_filters_claimed_orders(client, staff, login, claimed_and_not):
    claimed, unpaid = claimed_and_not
    login(staff)
    html = client.get("/board/?payment=claimed", headers=EN).get_data(as_text=True)
    assert f"/board/orders/{claimed.number}" in html
    assert f"/board/orders/{unpaid.number}" not in html


def test_bulk_confirm_claims(client, staff, login, claimed_and_not, app):
    claimed, unpaid = claimed_and_not
    login(staff)
    token = csrf_token_from(client, "/board/")
    assert 'value="claims"' in client.get("/board/", headers=EN).get_data(as_text=True)

    response = client.post(
        "/board/bulk",
        data={"csrf_token": token, "action": "claims", "ids": [claimed.id, unpaid.id]},
        headers={**HTMX, "X-CSRFToken": token},
    )

    report = response.get_data(as_text=True)
    assert "Changed: 1 · Not changed: 1" in report
    assert f"Order #{unpaid.number} has no payment claim." in report
    with app.app_context():
        assert Order.get_by_id(claimed.id).payment_status == PaymentStatus.PAID
        assert Order.get_by_id(unpaid.id).payment_status == PaymentStatus.UNPAID
