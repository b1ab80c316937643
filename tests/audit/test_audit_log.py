"""The audit log: who changed what, written with the change, shown and exported to admins, and
never changed or deleted (models/audit/log.py, /admin/audit)."""

import csv
import io
import threading

import pytest
from peewee import DatabaseError

from models import ALL_MODELS, db
from models.activities.pickup import PickupPoint
from models.api.tokens import issue_token
from models.api.webhooks import add_endpoint
from models.audit.log import Actor, AppendOnly, AuditEntry, acting, record
from models.automation.rules import Rule
from models.catalog.products import Warehouse
from tests.factories import order_for
from tests.helpers import make_user, text_of
from tests.house.test_access import _APP, guarded_rules, unsafe_methods


def entries(**where) -> list[AuditEntry]:
    query = AuditEntry.select().order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(query)


def test_an_account_change_names_who_from_where_and_before_after(admin_post, admin, staff):
    response = admin_post(
        f"/admin/users/{staff.id}",
        {"name": "Lin Mei", "role": "admin", "active": "y"},
    )
    assert response.status_code == 303
    (entry,) = entries(kind="account.updated")
    assert (entry.actor_id, entry.actor_name, entry.address) == (admin.id, admin.name, "127.0.0.1")
    assert ("role", "staff", "admin") in entry.changes
    assert ("name", staff.name, "Lin Mei") in entry.changes


def test_a_new_password_is_logged_without_the_password(admin_post, staff):
    response = admin_post(
        f"/admin/users/{staff.id}/password",
        {"password": "a-long-new-pass-phrase", "confirm": "a-long-new-pass-phrase"},
    )
    assert response.status_code == 303
    (entry,) = entries(kind="account.password_set")
    assert "a-long-new-pass-phrase" not in str(entry.before) + str(entry.after)


def test_a_sign_in_is_logged_as_the_person_signing_in(as_admin, admin):
    (entry,) = entries(kind="account.signed_in")
    assert (entry.actor_id, entry.subject) == (admin.id, admin.email)


def test_the_entry_rolls_back_with_its_change(app_context, staff):
    """Written in the change's transaction: a change that fails leaves no entry."""
    with pytest.raises(RuntimeError), db.atomic():
        with acting(Actor("Wang", 1, "10.0.0.1")):
            record("product.updated", "x", before={"price": 1}, after={"price": 2})
        raise RuntimeError("the change failed")
    assert entries() == []


def test_nobody_can_change_or_delete_an_entry(app_context):
    entry = record("settings.changed", "shop", after={"name": "A"})
    with pytest.raises(AppendOnly):
        entry.subject = "other"
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete_instance()
    with pytest.raises(AppendOnly):
        AuditEntry.update(subject="x").execute()
    with pytest.raises(AppendOnly):
        AuditEntry.delete().execute()
    # Not even in SQL, past the model: the database refuses (a trigger), on both databases.
    for statement in ("UPDATE audit_entry SET subject = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(DatabaseError, match="append-only"), db.atomic():
            db.execute_sql(statement)
    assert [e.subject for e in entries()] == ["shop"]


def test_secrets_are_masked(app_context):
    entry = record("x.y", after={"password": "hunter22", "api_secret": "s", "name": "n"})
    assert entry.after == {"password": "•••", "api_secret": "•••", "name": "n"}


def test_entries_from_many_threads_each_name_their_own_actor(app):
    """The actor is per thread (a context variable), never another request's."""

    def work(n):
        with app.app_context(), acting(Actor(f"p{n}", n, f"10.0.0.{n}")), db.atomic():
            for _ in range(5):
                record("t.x", f"by {n}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        rows = entries()
    assert len(rows) == 40
    assert all(
        row.subject == f"by {row.actor_id}" and row.actor_name == f"p{row.actor_id}" for row in rows
    )


def test_the_page_filters_by_person_kind_and_words_in_keyset_pages(as_admin, admin, app):
    with app.app_context():
        with acting(Actor("Wang", 901, "10.0.0.9")):
            for n in range(60):
                record("product.updated", f"apple {n}")
        with acting(Actor("Li", 902)):
            record("rule.deleted", "late pickup")
    page = as_admin.get("/admin/audit?person=901")
    assert page.status_code == 200
    text = text_of(page)
    assert "apple 59" in text and "apple 10" in text and "apple 9" not in text
    assert "late pickup" not in text
    older = as_admin.get(f"/admin/audit?person=901&older_than={_older_link(page)}")
    assert "apple 9" in text_of(older) and "apple 0" in text_of(older)
    assert "apple 10" not in text_of(older)
    assert "late pickup" in text_of(as_admin.get("/admin/audit?kind=rule"))
    assert "late pickup" in text_of(as_admin.get("/admin/audit?q=PICKUP"))
    fragment = as_admin.get("/admin/audit?kind=rule", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def _older_link(page) -> int:
    html = page.get_data(as_text=True)
    return int(html.split("older_than=")[1].split("&")[0].split('"')[0])


def test_a_bad_date_is_422_with_the_error_beside_it(as_admin):
    response = as_admin.get("/admin/audit?since=yesterday")
    assert response.status_code == 422
    assert "Enter a date like" in text_of(response)
    assert 'value="yesterday"' in response.get_data(as_text=True)


def test_the_export_holds_the_matching_entries_and_is_itself_logged(as_admin, app):
    with app.app_context(), acting(Actor("Wang", 901)):
        record("product.updated", "pear", before={"price": 100}, after={"price": 120})
        record("rule.deleted", "late pickup")
    response = as_admin.get("/admin/audit/audit.csv?kind=product")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "at_utc", "person"]
    assert [row[6] for row in rows[1:]] == ["pear"]
    assert '"price": 120' in rows[1][8]
    with app.app_context():
        assert entries(kind="audit.exported")


def test_staff_cannot_open_the_log(client, staff, login):
    login(staff)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/audit.csv").status_code == 403


def test_a_staff_order_export_is_logged(client, staff, login, app):
    login(staff)
    assert client.get("/board/export.csv").status_code == 200
    with app.app_context():
        (entry,) = entries(kind="orders.downloaded")
    assert entry.actor_id == staff.id


# Completeness: every admin POST route that changes anything leaves an audit entry. ------------

GUESSES = {
    "name": "Audit walk",
    "email": "walk@example.com",
    "role": "staff",
    "active": "y",
    "password": "a-long-walk-pass-phrase",
    "confirm": "a-long-walk-pass-phrase",
    "sku": "WALK-1",
    "price": "3.50",
    "units": "2",
    "counted": "60",
    "reason": "walk",
    "label": "Walk",
    "title": "Walk form",
    "address": "1 Walk Rd",
    "direction": "down",
    "enabled": "",
    "trigger": "order_placed",
    "url": "http://127.0.0.1:9/hook",
    "events": "order.created",
    "scopes": "orders:read",
    "confirmation": "8000",  # the walked customer's phone ends so: erasing them is a change too
}


def _rows():
    return [
        list(model.select().order_by(model._meta.primary_key).tuples())
        for model in ALL_MODELS
        if model is not AuditEntry
    ]


def _path_values(shop, admin):
    version = shop["version"]
    template = version.template
    point = PickupPoint.create(name="Walk point")
    rule = Rule.create(name="walk rule", trigger="order_placed", conditions=[], actions=[])
    field_name = version.fields[0]["name"] if getattr(version, "fields", None) else "x"
    return {
        "user_id": make_user("staff", "walked@example.com").id,
        "product_id": shop["apples"].id,
        "warehouse_id": Warehouse.default().id,
        "action": "receive",
        "template_id": template.id,
        "name": field_name,
        "point_id": point.id,
        "rule_id": rule.id,
        "delivery_id": 1,
        "kind": "wechat",
        "token_id": issue_token("walk", ["orders:read"])[0].id,
        "endpoint_id": add_endpoint("http://127.0.0.1:9/", ["order.created"]).id,
        "customer_id": order_for(version, [(shop["apples"], 1)], phone="13800138000").customer_id,
        "direction": "up",
    }


ADMIN_POSTS = [
    (rule, method)
    for rule in guarded_rules(_APP, "admin")
    for method in unsafe_methods(rule)
    if not rule.rule.startswith("/dev")
]


def test_every_admin_change_leaves_an_audit_entry(app, shop, admin_post, admin):
    with app.app_context():
        values = _path_values(shop, admin)
    changed = []
    for rule, method in ADMIN_POSTS:
        # an id not made above is 1: the row may not exist, then the route changes nothing
        url = rule.build({k: values.get(k, 1) for k in rule.arguments})[1]
        with app.app_context():
            before, count = _rows(), AuditEntry.select().count()
        response = admin_post(url, GUESSES)
        assert response.status_code < 500, url
        with app.app_context():
            after, new = _rows(), AuditEntry.select().count() - count
        if after != before:
            changed.append(url)
            assert new >= 1, f"{method} {url} changed rows but left no audit entry"
    assert len(changed) >= 8, changed  # the walk reached real changes, not only refusals
