"""Signing in and out, throttling, password hashing."""

from models import User
from tests.conftest import PRODUCTION_HASHER
from tests.helpers import EN, HTMX, PASSWORD


def test_staff_signs_in_and_reaches_the_board(client, staff, login):
    response = login(staff)
    assert response.headers["Location"] == "/board/"
    page = client.get("/board/", headers=EN)
    assert page.status_code == 200
    assert "Sign out" in page.get_data(as_text=True)


def test_wrong_password_keeps_the_email_and_says_what_is_wrong(client, staff, post_form):
    response = post_form("/login", {"email": staff.email, "password": "nope"}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "do not match an active account" in html
    assert f'value="{staff.email}"' in html


def test_empty_form_shows_field_errors_as_a_fragment_for_htmx(client, post_form):
    response = post_form(
        "/login",
        {"email": "", "password": ""},
        headers=HTMX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith("<form")
    assert "Enter your email." in html and "Enter your password." in html


def test_htmx_sign_in_redirects_with_hx_redirect(client, staff, post_form):
    response = post_form(
        "/login?next=/admin/users",
        {"email": staff.email, "password": PASSWORD},
        page="/login",
        headers=HTMX,
    )
    assert response.headers["HX-Redirect"] == "/admin/users"


def test_next_never_leaves_the_site(client, staff, post_form):
    response = post_form(
        "/login?next=//evil.example/x", {"email": staff.email, "password": PASSWORD}, page="/login"
    )
    assert response.headers["Location"] == "/board/"


def test_login_without_csrf_token_is_refused(client, staff):
    response = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/board/").status_code == 302


def test_inactive_account_cannot_sign_in(client, staff, post_form):
    User.update(active=False).where(User.id == staff.id).execute()
    response = post_form("/login", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 422


def test_repeated_failures_are_throttled_with_a_clear_message(app, client, staff, post_form):
    app.config["LOGIN_ATTEMPTS"] = "3 per 15 minutes"
    for _ in range(3):
        assert post_form("/login", {"email": staff.email, "password": "bad"}).status_code == 422
    blocked = post_form("/login", {"email": staff.email, "password": PASSWORD}, headers=EN)
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
    assert f'value="{staff.email}"' in blocked.get_data(as_text=True), "the typed email is kept"
    assert client.get("/board/").status_code == 302


def test_passwords_are_stored_as_argon2_hashes(staff):
    stored = User.get_by_id(staff.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_production_hashes_with_argon2id_at_rfc_9106_cost():
    """The tests hash cheaply (tests/conftest.py); the app itself uses RFC 9106's
    recommended low-memory parameters: 64 MiB, 3 passes."""
    hashed = PRODUCTION_HASHER.hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PRODUCTION_HASHER.verify(hashed, PASSWORD)


def test_sign_out_ends_the_session(client, staff, login, post_form):
    login(staff)
    response = post_form("/logout", {}, page="/board/")
    assert response.status_code == 302
    assert client.get("/board/").status_code == 302
