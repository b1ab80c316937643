"""Accounts in the browser (/admin/users): adding one, editing its name, role and whether it
is active, setting a new password; the rules that always keep an active admin, also when two
admins demote each other at once; who may open these pages."""

import re
from html import unescape

import pytest

from models import User
from models.accounts.admin import AccountChangeRefused, create_account, update_account
from models.orders.lifecycle import Actor, assign_order
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, HTMX, PASSWORD, csrf_token_from, make_user, race

NEW_PASSWORD = "a new password for spring"


pytestmark = pytest.mark.usefixtures("english")


def html_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def field_error(html: str, field: str) -> str:
    """The error text shown under `field`, or "" when it has none."""
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def input_value(html: str, field: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', html)
    assert tag, f"no input #{field}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def new_account(**changes) -> dict:
    data = {
        "email": "Lin.Helper@Example.com",
        "name": "林 Helper",
        "role": "staff",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    return data | changes


def signs_in(app, email: str, password: str) -> bool:
    """Whether a fresh browser gets in with these credentials."""
    browser = app.test_client()
    token = csrf_token_from(browser, "/login")
    response = browser.post(
        "/login", data={"csrf_token": token, "email": email, "password": password}
    )
    return response.status_code == 302


def edit(post_form, user, **changes):
    data = {"name": user.name, "role": user.role, "active": "y" if user.active else ""} | changes
    data = {key: value for key, value in data.items() if value != ""}
    return post_form(f"/admin/users/{user.id}", data, headers=EN)


# --- adding an account ------------------------------------------------------------------------


def test_an_admin_adds_a_staff_member_who_can_sign_in_at_once(app, as_admin, post_form):
    response = post_form("/admin/users", new_account(), page="/admin/users")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users"

    page = html_of(as_admin.get("/admin/users"))
    assert "林 Helper can sign in now with lin.helper@example.com" in page
    assert "lin.helper@example.com" in re.search(r"<tbody>.*</tbody>", page, re.S).group(0)
    user = User.by_email("lin.helper@example.com")
    assert (user.name, user.role, user.active) == ("林 Helper", "staff", True)

    assert signs_in(app, "LIN.helper@example.com", NEW_PASSWORD)
    assert not signs_in(app, "lin.helper@example.com", PASSWORD)


def test_an_admin_account_can_be_added_too(app, as_admin, post_form):
    post_form("/admin/users", new_account(role="admin", email="boss2@example.com"))
    assert User.by_email("boss2@example.com").role == "admin"


def test_an_email_taken_in_another_case_is_refused_beside_the_field(as_admin, post_form, staff):
    before = User.select().count()
    response = post_form("/admin/users", new_account(email="  STAFF@Example.COM "), headers=EN)
    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, "email") == "An account with this email already exists."
    assert input_value(html, "email") == "STAFF@Example.COM"
    assert input_value(html, "name") == "林 Helper"
    assert re.search(r'value="staff"[^>]*checked|checked[^>]*value="staff"', html)
    assert NEW_PASSWORD not in html, "a password is never sent back"
    assert User.select().count() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "short12", "confirm": "short12"}, "password", "Use at least 8 characters."),
        ({"confirm": NEW_PASSWORD + "!"}, "confirm", "The two passwords differ."),
        ({"password": "", "confirm": ""}, "password", "Enter a password."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"name": "   "}, "name", "Enter a name."),
    ],
    ids=["short password", "passwords differ", "no password", "bad email", "no name"],
)
def test_invalid_input_comes_back_with_the_error_beside_its_field(
    as_admin, post_form, changes, field, message
):
    response = post_form("/admin/users", new_account(**changes), headers=EN)
    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, field) == message
    assert "<html" in html, "without htmx the whole page comes back"
    if field != "email":
        assert input_value(html, "email") == "Lin.Helper@Example.com"
    assert not input_value(html, "password") and not input_value(html, "confirm")
    assert User.by_email("lin.helper@example.com") is None


def test_htmx_gets_only_the_form_back_and_a_redirect_once_it_is_added(as_admin, post_form):
    refused = post_form("/admin/users", new_account(confirm="other"), headers=HTMX)
    assert refused.status_code == 422
    html = html_of(refused)
    assert "<html" not in html and html.lstrip().startswith('<form id="new-account"')
    assert field_error(html, "confirm") == "The two passwords differ."

    added = post_form("/admin/users", new_account(), headers=HTMX)
    assert added.status_code == 200
    assert added.headers["HX-Redirect"] == "/admin/users"


def test_two_admins_adding_the_same_email_at_once_make_one_account(app):
    emails = ["same@example.com", "Same@Example.com"]
    results = race(app, 2, lambda i: create_account(emails[i], f"Person {i}", "staff", PASSWORD))
    assert sorted(outcome for outcome, _ in results) == ["EmailTaken", "ok"]
    assert User.select().where(User.email == "same@example.com").count() == 1


def test_flask_user_create_follows_the_same_password_rule(app, runner):
    args = ["user", "create", "cli@example.com", "--password", "short12"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert User.by_email("cli@example.com") is None


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_every_account_with_inactive_ones_greyed_and_marked(
    app, as_admin, admin, staff
):
    leaver = make_user("staff", "leaver@example.com")
    User.update(active=False).where(User.id == leaver.id).execute()
    html = html_of(as_admin.get("/admin/users"))
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    rows = re.findall(r"<tr( class=\"inactive\")?>(.*?)</tr>", body, re.S)
    by_email = {re.search(r"[\w.-]+@example\.com", row).group(0): (cls, row) for cls, row in rows}
    assert set(by_email) == {admin.email, staff.email, leaver.email}
    assert list(by_email)[-1] == leaver.email, "inactive accounts come last"
    cls, row = by_email[leaver.email]
    assert cls and "Inactive" in row
    assert not by_email[staff.email][0] and "Active" in by_email[staff.email][1]
    assert "never" in by_email[staff.email][1]
    for user in (admin, staff, leaver):
        assert f'href="/admin/users/{user.id}"' in by_email[user.email][1]
    assert "(you)" in by_email[admin.email][1]
    assert "flask --app app user create" not in html


# --- editing, deactivating, new password ------------------------------------------------------


def test_an_admin_makes_a_staff_member_an_admin(app, as_admin, post_form, staff):
    page = html_of(as_admin.get(f"/admin/users/{staff.id}"))
    assert input_value(page, "name") == staff.name
    response = edit(post_form, staff, role="admin", name="Staff Lead")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/users"
    assert User.get_by_id(staff.id).role == "admin"
    assert User.get_by_id(staff.id).name == "Staff Lead"

    promoted = app.test_client()
    token = csrf_token_from(promoted, "/login")
    promoted.post("/login", data={"csrf_token": token, "email": staff.email, "password": PASSWORD})
    assert promoted.get("/admin/users").status_code == 200


def test_a_deactivated_member_cannot_sign_in_and_their_open_session_ends(
    app, client, login, staff, admin
):
    login(staff)  # the staff member's browser
    assert client.get("/board/").status_code == 200

    boss = app.test_client()
    boss.set_cookie("locale", "en")
    token = csrf_token_from(boss, "/login")
    boss.post("/login", data={"csrf_token": token, "email": admin.email, "password": PASSWORD})
    token = csrf_token_from(boss, "/admin/users")  # signing in started a new session
    response = boss.post(
        f"/admin/users/{staff.id}",
        data={"csrf_token": token, "name": staff.name, "role": "staff"},  # Active unticked
    )
    assert response.status_code == 303
    assert "Inactive" in html_of(boss.get("/admin/users"))

    response = client.get("/board/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    refused = client.post(
        "/login",
        data={
            "csrf_token": csrf_token_from(client, "/login"),
            "email": staff.email,
            "password": PASSWORD,
        },
    )
    assert refused.status_code == 422
    assert "do not match an active account" in html_of(refused)


def test_keep_me_signed_in_does_not_outlive_deactivation(app, client, post_form, staff):
    response = post_form("/login", {"email": staff.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])  # the browser was closed
    assert client.get("/board/").status_code == 200, "the remember cookie signs them back in"
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])

    with app.app_context():
        update_account(staff, None, name=staff.name, role="staff", active=False)
    response = client.get("/board/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_inactive_account_is_activated_again(app, as_admin, post_form, staff):
    User.update(active=False).where(User.id == staff.id).execute()
    assert not signs_in(app, staff.email, PASSWORD)
    assert edit(post_form, User.get_by_id(staff.id), active="y").status_code == 303
    assert signs_in(app, staff.email, PASSWORD)


def test_a_leaver_is_no_longer_offered_for_orders_but_keeps_their_name_on_them(
    app, client, login, admin, staff, post_form
):
    helper = make_user("staff", "helper@example.com")
    User.update(name="Ming Helper").where(User.id == helper.id).execute()
    with app.app_context():
        order = order_for(published_version(), [(make_product(5), 1)])
        assign_order(order, User.get_by_id(helper.id), Actor.of_user(admin))
    login(admin)
    assert f'<option value="{helper.id}"' in html_of(client.get("/board/"))

    assert edit(post_form, User.get_by_id(helper.id), active="").status_code == 303

    board = html_of(client.get("/board/"))
    # offered nowhere (filter, other rows) but shown, marked, on the row of their own order
    assert re.findall(f'<option value="{helper.id}"[^<]*', board) == [
        f'<option value="{helper.id}" selected>Ming Helper (no longer active)'
    ]
    assert f'<option value="{staff.id}"' in board
    columns = html_of(client.get("/board/?view=columns"))
    assert "Ming Helper" in columns, "the order's card still names its assignee"
    detail = html_of(client.get(f"/board/orders/{order.number}"))
    assert re.search(r"<dt>Assignee</dt><dd>Ming Helper</dd>", detail)
    assert "Assigned the order to Ming Helper" in detail
    with app.app_context():
        another = order_for(published_version(), [(make_product(5), 1)])
    refused = post_form(
        f"/board/rows/{another.number}/assignee",
        {"assignee": helper.id, "version": 1},
        page="/board/",
    )
    assert refused.status_code == 400


def test_a_new_password_replaces_the_old_one(app, as_admin, post_form, staff):
    url = f"/admin/users/{staff.id}/password"
    response = post_form(
        url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page=f"/admin/users/{staff.id}"
    )
    assert response.status_code == 303
    assert "New password set for Staff" in html_of(as_admin.get("/admin/users"))
    assert not signs_in(app, staff.email, PASSWORD)
    assert signs_in(app, staff.email, NEW_PASSWORD)


def test_a_refused_new_password_keeps_the_old_one(app, as_admin, post_form, staff):
    url = f"/admin/users/{staff.id}/password"
    response = post_form(
        url, {"password": "short", "confirm": "short"}, page=f"/admin/users/{staff.id}", headers=EN
    )
    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, "password") == "Use at least 8 characters."
    assert input_value(html, "name") == staff.name, "the page keeps the account's details form"
    response = post_form(
        url,
        {"password": NEW_PASSWORD, "confirm": "other password"},
        page=f"/admin/users/{staff.id}",
        headers=HTMX,
    )
    assert response.status_code == 422
    html = html_of(response)
    assert html.lstrip().startswith('<form id="account-password"')
    assert field_error(html, "confirm") == "The two passwords differ."
    assert signs_in(app, staff.email, PASSWORD)


# --- always an active admin -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"role": "staff"}, "role", "You can't remove your own admin role."),
        ({"active": ""}, "active", "You can't deactivate your own account."),
    ],
    ids=["demote", "deactivate"],
)
def test_an_admin_cannot_demote_or_deactivate_themself(
    as_admin, post_form, admin, changes, field, message
):
    make_user("admin", "second-admin@example.com")  # not the last admin: the rule is about self
    response = edit(post_form, admin, name="Renamed", **changes)
    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, field).startswith(message)
    assert input_value(html, "name") == "Renamed"
    stored = User.get_by_id(admin.id)
    assert (stored.role, stored.active, stored.name) == ("admin", True, admin.name)
    assert edit(post_form, admin, name="Renamed").status_code == 303, "a new name is fine"
    assert User.get_by_id(admin.id).name == "Renamed"


def test_the_last_active_admin_is_never_demoted_or_deactivated(app_context, admin, staff):
    former = make_user("admin", "former@example.com")
    update_account(former, None, name=former.name, role="admin", active=False)  # not the last
    for role, active in (("staff", True), ("admin", False), ("staff", False)):
        with pytest.raises(AccountChangeRefused) as refused:
            update_account(admin, None, name=admin.name, role=role, active=active)
        assert str(refused.value) == (
            "Admin is the last active admin. Make someone else an admin first."
        )
        assert refused.value.field == ("role" if role == "staff" else "active")
    assert User.get_by_id(admin.id).is_active_admin

    update_account(staff, admin, name=staff.name, role="admin", active=True)
    update_account(admin, User.get_by_id(staff.id), name=admin.name, role="staff", active=True)
    assert not User.get_by_id(admin.id).is_admin


@pytest.mark.parametrize("change", [{"role": "staff"}, {"active": False}], ids=["demote", "off"])
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, change):
    first, second = make_user("admin"), make_user("admin")
    pairs = [(first, second), (second, first)]  # (actor, target)

    def demote(i):
        actor, target = pairs[i]
        values = {"name": target.name, "role": "admin", "active": True} | change
        return update_account(target, actor, **values)

    for _ in range(3):
        results = race(app, 2, demote)
        outcomes = sorted(outcome for outcome, _ in results)
        assert outcomes == ["AccountChangeRefused", "ok"], results
        refused = next(value for outcome, value in results if outcome != "ok")
        assert "is the last active admin" in str(refused)
        with app.app_context():
            admins = [u for u in User.select() if u.is_active_admin]
            assert len(admins) == 1
            for user in (first, second):
                User.update(role="admin", active=True).where(User.id == user.id).execute()


# --- who may open these pages -----------------------------------------------------------------

ROUTES = [
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/password"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_staff_are_refused_and_anonymous_visitors_sent_to_sign_in(
    app, client, staff, login, method, path
):
    url = path.format(id=staff.id)
    token = csrf_token_from(client, "/login")
    anonymous = client.open(url, method=method, data={"csrf_token": token, **new_account()})
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")

    login(staff)
    token = csrf_token_from(client, "/board/")
    data = {"csrf_token": token, **new_account(role="admin")}
    assert client.open(url, method=method, data=data).status_code == 403
    assert User.get_by_id(staff.id).role == "staff"
    assert User.by_email("lin.helper@example.com") is None
    assert signs_in(app, staff.email, PASSWORD)


def test_every_form_carries_a_csrf_token_and_a_post_without_one_is_refused(
    as_admin, staff, post_form
):
    for url in ("/admin/users", f"/admin/users/{staff.id}"):
        html = html_of(as_admin.get(url))
        forms = re.findall(r'<form[^>]*method="post".*?</form>', html, re.S)
        assert len(forms) >= (2 if url == "/admin/users" else 3)  # with the header's sign-out
        for form in forms:
            assert re.search(r'name="csrf_token"[^>]*value="[^"]+"', form), form[:80]
    response = as_admin.post("/admin/users", data=new_account())
    assert response.status_code == 400
    assert User.by_email("lin.helper@example.com") is None
