"""A supplier's page: changing and retiring a supplier, 422 with what was typed kept, 409 when
two people save at once (on real threads too); a purchase order as an XLSX sheet."""

import io

from openpyxl import load_workbook

from models.audit.log import AuditEntry
from models.catalog.products import Warehouse
from models.purchasing.orders import create_purchase
from models.purchasing.suppliers import (
    Supplier,
    SupplierChanged,
    SupplierDetails,
    create_supplier,
    details_of,
    update_supplier,
)
from tests.factories import make_product
from tests.helpers import csrf_token_from, hidden_inputs, make_user, race, text_of


def orchard():
    return create_supplier(SupplierDetails("Orchard Co", "Mr Li", "138 0013 8000", "Tuesdays"))


def test_staff_change_a_supplier_and_bad_input_keeps_what_was_typed(client, login):
    login(make_user("staff"))
    supplier = orchard()
    url = f"/purchasing/suppliers/{supplier.id}"
    page = client.get(url)
    assert page.status_code == 200
    form = hidden_inputs(page.get_data(as_text=True))
    bad = client.post(url, data={**form, "name": "", "contact": "Ms Wang", "active": "y"})
    assert bad.status_code == 422
    assert "Give the supplier a name" in text_of(bad)
    assert 'value="Ms Wang"' in bad.get_data(as_text=True)  # what was typed, kept
    saved = client.post(
        url, data={**form, "name": "Orchard Co.", "contact": "Ms Wang", "phone": "139"}
    )
    assert saved.status_code == 303
    supplier = Supplier.get_by_id(supplier.id)
    assert (supplier.name, supplier.contact, supplier.active) == ("Orchard Co.", "Ms Wang", False)
    entry = AuditEntry.select().where(AuditEntry.kind == "supplier.updated").get()
    assert entry.before["contact"] == "Mr Li" and entry.after["active"] is False
    listing = client.get("/purchasing").get_data(as_text=True)
    assert "(not in use)" in listing  # still listed, to be taken back into use
    assert f'<option value="{supplier.id}"' not in listing  # not offered on a new order


def test_two_people_saving_at_once_get_a_conflict_not_an_overwrite(client, login):
    login(make_user("staff"))
    supplier = orchard()
    url = f"/purchasing/suppliers/{supplier.id}"
    form = hidden_inputs(client.get(url).get_data(as_text=True))
    first = client.post(url, data={**form, "name": "Orchard Co", "phone": "139", "active": "y"})
    assert first.status_code == 303
    second = client.post(url, data={**form, "name": "Orchard", "phone": "138", "active": "y"})
    assert second.status_code == 409
    assert "Someone changed this supplier meanwhile" in text_of(second)
    assert 'value="139"' in second.get_data(as_text=True)  # what the first saved
    assert Supplier.get_by_id(supplier.id).phone == "139"


def test_racing_saves_of_one_supplier_keep_exactly_one(app):
    with app.app_context():
        supplier = orchard()
        seen = details_of(supplier)

    def save(i):
        update_supplier(supplier, seen, SupplierDetails(f"Orchard {i}"), active=True)
        return i

    results = race(app, 6, save)
    won = [value for outcome, value in results if outcome == "ok"]
    assert len(won) == 1
    assert all(isinstance(value, SupplierChanged) for outcome, value in results if outcome != "ok")
    with app.app_context():
        assert Supplier.get_by_id(supplier.id).name == f"Orchard {won[0]}"


def test_a_purchase_order_downloads_as_a_sheet(client, login):
    login(make_user("staff"))
    pears = make_product(0, name="Pears")
    purchase = create_purchase(orchard(), [(pears.id, Warehouse.default().id, 5, 350)])
    token = csrf_token_from(client, "/purchasing")
    assert token
    sheet = client.get(f"/purchasing/orders/{purchase.id}.xlsx")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Product", "SKU", "Deliver to", "Units")
    assert rows[1][0] == "Pears" and rows[1][3] == 5 and rows[1][5:] == (3.5, 17.5)
    assert rows[-1][0] == "Total" and rows[-1][6] == 17.5
