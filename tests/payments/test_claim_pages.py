"""The pages of the 收款码 flow: the tracking page's payment step and "I have paid", staff's
claims queue and the order page, the admin's collection codes (422s, CSRF, roles)."""

import io
import re

import pytest

from models.orders.order import Order
from models.orders.payments import Payment
from models.orders.status import PaymentStatus
from models.payments.claims import PaymentClaim, claim_payment
from models.payments.collection_codes import CollectionCode
from tests.factories import order_for
from tests.helpers import EN, HTMX, csrf_token_from, text_of
from tests.payments.images import png


def tracking(order) -> str:
    return f"/o/{order.tracking_token}"


def claim_post(client, order, data=None, headers=EN, **files):
    token = csrf_token_from(client, tracking(order))
    form = {"csrf_token": token, "method": "wechat", **(data or {})}
    form |= {name: (io.BytesIO(content), f"{name}.png") for name, content in files.items()}
    return client.post(
        f"{tracking(order)}/paid", data=form, headers=headers, content_type="multipart/form-data"
    )


def test_the_payment_step_shows_the_code_amount_and_order_number(client, qr_order):
    page = client.get(tracking(qr_order), headers=EN)
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Pay by QR code" in html
    assert "¥25.00" in text_of(page)
    assert f"Write #{qr_order.number} in the payment note" in text_of(page)
    image_url = re.search(r'src="(/o/[^"]+/codes/[^"]+)"', html).group(1)
    image = client.get(image_url)
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"


def test_no_step_and_no_code_for_a_form_without_it(client, shop, app, qr_shop):
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 1)])
        name = CollectionCode.get().image
    assert "Pay by QR code" not in client.get(tracking(order), headers=EN).get_data(as_text=True)
    assert client.get(f"{tracking(order)}/codes/{name}").status_code == 404


def test_i_have_paid_with_a_screenshot(client, qr_order, app):
    response = claim_post(client, qr_order, screenshot=png())

    assert response.status_code == 303
    page = client.get(tracking(qr_order), headers=EN)
    assert "You said you paid CN¥25.00" in text_of(page)
    with app.app_context():
        claim = PaymentClaim.get()
        assert claim.screenshot and claim.method == "wechat"
        assert Order.get_by_id(qr_order.id).payment_status == PaymentStatus.CLAIMED
    assert claim_post(client, qr_order).status_code == 303  # a second tap: the same claim
    with app.app_context():
        assert PaymentClaim.select().count() == 1


def test_a_bad_screenshot_is_a_422_with_the_error_under_it(client, qr_order, app):
    response = claim_post(client, qr_order, headers=HTMX, screenshot=b"not an image")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="order-live"' in html and "<html" not in html
    assert "Choose a PNG, JPEG, GIF or WebP image." in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert PaymentClaim.select().count() == 0


def test_i_have_paid_needs_the_csrf_token(client, qr_order):
    response = client.post(f"{tracking(qr_order)}/paid", data={"method": "wechat"})
    assert response.status_code == 400


def test_no_claim_where_the_form_does_not_offer_it(client, shop, app, post_form):
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 1)])
    response = post_form(f"{tracking(order)}/paid", {"method": "wechat"}, page=tracking(order))
    assert response.status_code == 422


@pytest.fixture
def claimed(app, qr_order):
    with app.app_context():
        return claim_payment(qr_order, "wechat", png())


def test_staff_see_the_queue_and_confirm(client, staff, login, claimed, qr_order, app):
    login(staff)
    page = client.get("/board/claims", headers=EN)
    assert page.status_code == 200
    assert f"#{qr_order.number}" in text_of(page) and "¥25.00" in text_of(page)
    assert client.get(f"/board/claims/{claimed.id}/screenshot").status_code == 200
    token = csrf_token_from(client, "/board/claims")

    response = client.post(f"/board/claims/{claimed.id}/confirm", data={"csrf_token": token})

    assert response.status_code == 303
    with app.app_context():
        assert Payment.get().method == "wechat"
        assert Order.get_by_id(qr_order.id).payment_status == PaymentStatus.PAID
    assert "Paid" in text_of(client.get(tracking(qr_order), headers=EN))
    assert "No payment claims to check." in text_of(client.get("/board/claims", headers=EN))


def test_rejecting_needs_a_reason_and_the_customer_sees_it(
    client, staff, login, claimed, qr_order, app
):
    login(staff)
    token = csrf_token_from(client, "/board/claims")
    url = f"/board/claims/{claimed.id}/reject"

    refused = client.post(url, data={"csrf_token": token, "reason": " "}, headers=EN)
    assert refused.status_code == 422
    assert "Say why the payment is not confirmed." in text_of(refused)

    done = client.post(url, data={"csrf_token": token, "reason": "Nothing arrived"})
    assert done.status_code == 303
    client.post("/logout", data={"csrf_token": token})
    page = text_of(client.get(tracking(qr_order), headers=EN))
    assert "The shop could not confirm your payment: Nothing arrived" in page
    assert "I have paid" in page


def test_the_order_page_shows_the_claim_and_its_screenshot(client, staff, login, claimed, qr_order):
    login(staff)
    page = client.get(f"/board/orders/{qr_order.number}", headers=EN)
    html = page.get_data(as_text=True)
    assert "Payment claim" in text_of(page)
    assert f"/board/claims/{claimed.id}/screenshot" in html
    assert f"/board/claims/{claimed.id}/confirm" in html


def test_the_queue_is_for_staff(client, claimed):
    assert client.get("/board/claims").status_code == 302  # to the sign-in page
    assert client.get(f"/board/claims/{claimed.id}/screenshot").status_code == 302


def test_admins_upload_the_codes(client, admin_post, app, qr_shop):
    url = "/admin/collection-codes/alipay"
    refused = admin_post(url, {"alipay-image": (io.BytesIO(b"x"), "a.png")})
    assert refused.status_code == 422
    assert "Choose a PNG, JPEG, GIF or WebP image." in text_of(refused)

    done = admin_post(url, {"alipay-image": (io.BytesIO(png()), "a.png")})
    assert done.status_code == 303
    with app.app_context():
        assert sorted(c.kind for c in CollectionCode.select()) == ["alipay", "wechat"]


def test_staff_may_not_upload_codes(client, staff, login):
    login(staff)
    assert client.get("/admin/collection-codes").status_code == 403
