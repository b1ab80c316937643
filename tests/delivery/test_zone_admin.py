"""The admin's delivery zone pages /admin/delivery-zones: zones and their windows."""

from models.delivery.windows import DeliveryWindow
from models.delivery.zones import DeliveryZone
from tests.helpers import make_user, text_of

ZONE = {
    "name": "Chaoyang",
    "districts": "朝阳区，东城区",
    "communities": "望京花园\n望京西园",
    "postcode_prefixes": "1000, 1001",
    "fee": "6",
    "minimum_order": "30",
    "free_above": "",
    "active": "y",
}


def test_an_admin_adds_a_zone_and_changes_it(client, admin_post):
    response = admin_post("/admin/delivery-zones", ZONE)
    assert response.status_code == 303
    zone = DeliveryZone.get()
    assert (zone.districts, zone.communities, zone.postcode_prefixes) == (
        ["朝阳区", "东城区"],
        ["望京花园", "望京西园"],
        ["1000", "1001"],
    )
    assert (zone.fee, zone.minimum_order, zone.free_above, zone.active) == (600, 3000, None, True)
    changed = admin_post(
        f"/admin/delivery-zones/{zone.id}", {**ZONE, "free_above": "99", "active": ""}
    )
    assert changed.status_code == 303
    zone = DeliveryZone.get()
    assert (zone.free_above, zone.active) == (9900, False)
    assert "Chaoyang" in text_of(client.get("/admin/delivery-zones"))


def test_a_zone_without_an_area_or_with_a_bad_fee_is_refused_with_what_was_typed(admin_post):
    response = admin_post(
        "/admin/delivery-zones",
        {**ZONE, "districts": "", "communities": "", "postcode_prefixes": "", "fee": "six"},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Give at least one district, compound or postcode prefix." in page
    assert "Enter an amount in yuan, like 12.50." in page
    assert 'value="six"' in response.get_data(as_text=True)
    assert DeliveryZone.select().count() == 0


def test_an_admin_adds_and_removes_windows(client, admin_post):
    admin_post("/admin/delivery-zones", ZONE)
    zone = DeliveryZone.get()
    url = f"/admin/delivery-zones/{zone.id}/windows"
    bad = admin_post(url, {"starts_at": "2030-01-02T14:00", "ends_at": "2030-01-02T13:00"})
    assert bad.status_code == 422
    assert "A delivery window must end after it starts." in text_of(bad)
    good = admin_post(
        url, {"starts_at": "2030-01-02T14:00", "ends_at": "2030-01-02T15:00", "capacity": "12"}
    )
    assert good.status_code == 303
    window = DeliveryWindow.get()
    assert (window.starts_at.hour, window.capacity) == (6, 12)  # 14:00 in Shanghai is 06:00 UTC
    assert "Booked Places" in text_of(client.get(f"/admin/delivery-zones/{zone.id}"))
    assert admin_post(f"{url}/{window.id}/remove", {}).status_code == 303
    assert DeliveryWindow.select().count() == 0


def test_an_admin_sets_the_zones_courier(client, admin_post):
    rider = make_user("courier", "rider@example.com")
    admin_post("/admin/delivery-zones", ZONE)
    zone = DeliveryZone.get()
    wrong = admin_post(f"/admin/delivery-zones/{zone.id}", {**ZONE, "courier": "99999"})
    assert wrong.status_code == 422 and "Choose one of the couriers." in text_of(wrong)
    assert admin_post(f"/admin/delivery-zones/{zone.id}", {**ZONE, "courier": str(rider.id)})
    assert DeliveryZone.get().courier_id == rider.id
    page = client.get(f"/admin/delivery-zones/{zone.id}").get_data(as_text=True)
    assert f'<option selected value="{rider.id}">' in page
    admin_post(f"/admin/delivery-zones/{zone.id}", {**ZONE, "courier": ""})
    assert DeliveryZone.get().courier_id is None
