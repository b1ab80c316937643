"""Sessions that can be ended (docs/security.md): signing out, a new password (set by the person,
an admin or `flask user password`) and deactivation end every session and "keep me signed in"
cookie of the account, in every browser and from any address; signing in starts a new session;
"keep me signed in" lasts its stated 30 days across browser restarts and network changes.

Each browser is its own test client; a thief is another client, at another address, holding
only a copy of a cookie.
"""

from datetime import UTC, datetime, timedelta

import pytest

import config
from models import User
from models.accounts import user as user_module
from models.accounts.admin import update_account
from models.base import utcnow
from tests.helpers import EN, HTMX, PASSWORD, ZH, csrf_token_from

REMEMBER = "remember_token"


def browser(app, address: str = "192.0.2.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(app, user, password: str = PASSWORD, remember: bool = False, address="192.0.2.10"):
    client = browser(app, address)
    data = {"csrf_token": csrf_token_from(client, "/login"), "email": user.email}
    data |= {"password": password} | ({"remember": "y"} if remember else {})
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def copy_of(app, client, *names: str):
    """A browser elsewhere holding only copies of `client`'s cookies `names`."""
    thief = browser(app, "203.0.113.66")
    for name in names:
        thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def signed_in(client) -> bool:
    response = client.get("/board/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def sign_out(client) -> None:
    token = csrf_token_from(client, "/board/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def session_cookie(app) -> str:
    return app.config["SESSION_COOKIE_NAME"]


# --- signing out ends every session of the account ----------------------------------------------


def test_a_copy_of_the_session_cookie_stops_working_after_sign_out(app, staff):
    phone = sign_in(app, staff)
    copy = copy_of(app, phone, session_cookie(app))
    assert signed_in(copy), "a copied session opens the board while its owner is signed in"

    sign_out(phone)
    assert not signed_in(phone)
    assert not signed_in(copy)


def test_signing_out_on_one_device_signs_out_the_others(app, staff):
    phone, desktop = sign_in(app, staff), sign_in(app, staff, remember=True, address="192.0.2.11")
    sign_out(phone)
    assert not signed_in(desktop)
    assert not signed_in(copy_of(app, desktop, REMEMBER))


def test_a_remember_cookie_stops_working_after_sign_out_from_another_client(app, staff):
    phone = sign_in(app, staff, remember=True)
    assert signed_in(copy_of(app, phone, REMEMBER))
    stolen = copy_of(app, phone, REMEMBER)

    sign_out(phone)
    assert phone.get_cookie(REMEMBER) is None, "this browser's remember cookie is deleted"
    assert not signed_in(stolen)
    assert not signed_in(copy_of(app, stolen, REMEMBER))


def test_sign_out_says_every_device_is_signed_out(app, staff):
    phone = sign_in(app, staff)
    token = csrf_token_from(phone, "/board/")
    response = phone.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "signed out, on this device and on every other" in response.get_data(as_text=True)


# --- a new password ends them too -------------------------------------------------------------


def test_a_remember_cookie_stops_working_after_an_admin_sets_a_new_password(app, staff, admin):
    phone = sign_in(app, staff, remember=True)
    stolen = copy_of(app, phone, REMEMBER)
    assert signed_in(stolen)

    boss = sign_in(app, admin, address="192.0.2.20")
    token = csrf_token_from(boss, f"/admin/users/{staff.id}")
    new_password = {"csrf_token": token, "password": "a new secret", "confirm": "a new secret"}
    assert boss.post(f"/admin/users/{staff.id}/password", data=new_password).status_code == 303

    assert not signed_in(phone)
    assert not signed_in(stolen)
    assert not signed_in(copy_of(app, phone, REMEMBER, session_cookie(app)))
    assert signed_in(sign_in(app, staff, "a new secret"))


def test_an_admin_who_sets_their_own_password_stays_signed_in_only_here(app, admin):
    here, elsewhere = sign_in(app, admin, remember=True), sign_in(app, admin, address="192.0.2.9")
    token = csrf_token_from(here, f"/admin/users/{admin.id}")
    new_password = {"csrf_token": token, "password": "a new secret", "confirm": "a new secret"}
    assert here.post(f"/admin/users/{admin.id}/password", data=new_password).status_code == 303
    assert signed_in(here)
    assert signed_in(copy_of(app, here, REMEMBER)), "still kept signed in on this device"
    assert not signed_in(elsewhere)


def test_changing_your_own_password_keeps_this_device_and_signs_out_the_others(app, staff):
    here, other = sign_in(app, staff), sign_in(app, staff, remember=True, address="192.0.2.30")
    page = here.get("/account/password", headers=EN)
    assert page.status_code == 200
    assert "Current password" in page.get_data(as_text=True)

    data = {
        "csrf_token": csrf_token_from(here, "/account/password"),
        "current": PASSWORD,
        "password": "my own new secret",
        "confirm": "my own new secret",
    }
    response = here.post("/account/password", data=data, headers=EN, follow_redirects=True)
    assert "Your password is changed" in response.get_data(as_text=True)
    assert signed_in(here)
    assert not signed_in(other)
    assert not signed_in(copy_of(app, other, REMEMBER))
    assert signed_in(sign_in(app, staff, "my own new secret"))


@pytest.mark.parametrize(("role", "home"), [("leader", "/leader"), ("courier", "/courier")])
def test_group_leaders_and_couriers_change_their_own_password(request, app, role, home):
    """The same page as staff's, linked from their own menu; back to their own page after."""
    user = request.getfixturevalue(role)
    here = sign_in(app, user)
    assert 'href="/account/password"' in here.get(home, headers=EN).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(here, "/account/password"),
        "current": PASSWORD,
        "password": "a leader's new secret",
        "confirm": "a leader's new secret",
    }
    wrong = here.post("/account/password", data={**data, "current": "nope"}, headers=EN)
    response = here.post("/account/password", data=data, headers=EN)

    assert wrong.status_code == 422 and "not your current password" in wrong.text
    assert response.status_code in (302, 303) and response.headers["Location"] == home
    assert User.get_by_id(user.id).check_password("a leader's new secret")
    sign_in(app, user, "a leader's new secret")  # the new one lets them in


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("not my password", "my own new secret", "current", "not your current password"),
        (PASSWORD, "short", "password", "at least 8 characters"),
        ("", "my own new secret", "current", "Enter your current password"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    app, staff, current, new, field, message
):
    here, other = sign_in(app, staff), sign_in(app, staff, address="192.0.2.31")
    data = {
        "csrf_token": csrf_token_from(here, "/account/password"),
        "current": current,
        "password": new,
        "confirm": new,
    }
    response = here.post("/account/password", data=data, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith("<form") and message in html
    assert f'id="{field}-error"' in html
    assert signed_in(here) and signed_in(other)
    assert User.get_by_id(staff.id).check_password(PASSWORD)


# --- deactivation -----------------------------------------------------------------------------


def test_a_remember_cookie_from_before_a_deactivation_stays_dead_after_reactivation(
    app, staff, admin
):
    phone = sign_in(app, staff, remember=True)
    stolen = copy_of(app, phone, REMEMBER)
    with app.app_context():
        update_account(staff, admin, name=staff.name, role="staff", active=False)
    assert not signed_in(stolen)
    with app.app_context():
        update_account(staff, admin, name=staff.name, role="staff", active=True)
    assert not signed_in(copy_of(app, phone, REMEMBER))
    assert not signed_in(phone)
    assert signed_in(sign_in(app, staff)), "the person signs in again with their password"


# --- signing in -------------------------------------------------------------------------------


def test_signing_in_starts_a_new_session(app, client, staff, post_form):
    before = csrf_token_from(client, "/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = post_form("/login", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    assert csrf_token_from(client, "/board/") != before
    stale = client.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400, "a form token from before signing in is no longer valid"


def test_a_session_from_before_session_tokens_ends_without_an_error(app, client, staff):
    with client.session_transaction() as session:
        session["_user_id"] = str(staff.id)  # what sessions held before migration 0015
    response = client.get("/board/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- keep me signed in ------------------------------------------------------------------------


def test_keep_me_signed_in_survives_a_browser_restart(app, staff):
    phone = sign_in(app, staff, remember=True)
    restarted = copy_of(app, phone, REMEMBER)  # the session cookie died with the browser
    for _ in range(5):
        assert signed_in(restarted)
    assert restarted.get_cookie(REMEMBER) is not None, "the remember cookie is kept"


def test_a_phone_that_changes_network_stays_signed_in(app, staff):
    phone = sign_in(app, staff, address="192.0.2.10")
    assert signed_in(phone)
    phone.environ_base["REMOTE_ADDR"] = "198.51.100.23"  # from Wi-Fi to mobile data
    for _ in range(3):
        assert signed_in(phone)


def test_keep_me_signed_in_lasts_the_thirty_days_the_form_says(app, client, staff, post_form):
    form = client.get("/login", headers=EN).get_data(as_text=True)
    assert "Keep me signed in on this device for 30 days" in form
    response = post_form("/login", {"email": staff.email, "password": PASSWORD, "remember": "y"})
    expires = client.get_cookie(REMEMBER).expires
    wanted = datetime.now(UTC) + timedelta(days=30)
    assert abs(expires - wanted) < timedelta(minutes=1), response.headers.getlist("Set-Cookie")


def test_the_remember_duration_is_a_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("REMEMBER_DAYS", raising=False)
    assert config.from_environment(tmp_path)["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    monkeypatch.setenv("REMEMBER_DAYS", "7")
    assert config.from_environment(tmp_path)["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)


def test_the_form_says_the_duration_in_chinese_too(app, client):
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=7)
    form = client.get("/login", headers=ZH).get_data(as_text=True)
    assert "在此设备上保持登录 7天" in form


def test_the_server_ends_a_kept_sign_in_after_its_days_whatever_the_browser_keeps(
    app, staff, monkeypatch
):
    phone = sign_in(app, staff, remember=True)
    copied = copy_of(app, phone, REMEMBER)  # a copy the browser's expiry does not govern
    days = app.config["REMEMBER_COOKIE_DURATION"]
    start = utcnow()

    monkeypatch.setattr(user_module, "utcnow", lambda: start + days - timedelta(minutes=1))
    assert signed_in(copied) and signed_in(phone)

    monkeypatch.setattr(user_module, "utcnow", lambda: start + days + timedelta(minutes=1))
    assert not signed_in(copied)
    assert not signed_in(phone)  # the session it restored lasts no longer either
    assert signed_in(sign_in(app, staff, remember=True))  # signing in again starts anew
