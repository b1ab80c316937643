"""Every staff and admin page is guarded, found by walking the app's URL map.

A new route must either be wrapped in `role_required("staff" | "admin" | "courier")`, belong to a blueprint
guarded by `blueprint_requires_role` (the development pages), or be added to PUBLIC_ENDPOINTS
below; otherwise `test_every_route_is_public_or_role_guarded` fails. The walk runs with the
development pages on (tests/conftest.py), so they are walked too.
"""

import uuid

import pytest
from flask import Blueprint, Flask
from werkzeug.routing import Rule
from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    UUIDConverter,
)

import config
from app import create_app
from blueprints.access import SIGNED_IN, blueprint_requires_role, role_required
from models.orders.order import Order
from tests.factories import leader_shop_order
from tests.helpers import PASSWORD, csrf_token_from, make_user

# Pages anyone may open. Keep this list short and deliberate.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "shop.index",
        "shop.switch_locale",
        "shop.health",
        "readyz",
        "api.orders",  # the API's routes take a token instead (blueprints/api.py `scoped`)
        "api.order",
        "api.products",
        "api.order_status",
        "api.product_stock",
        "api.customers",
        "api.customer",
        "api_spec.openapi_json",  # the API's description, no data (blueprints/api_spec.py)
        "api_spec.docs",
        "metrics.metrics",  # loopback or METRICS_TOKEN (blueprints/metrics.py)
        "auth.login",
        "auth.logout",
        "my_orders.index",
        "my_orders.send_code",
        "my_orders.verify",
        "my_orders.sign_out",
        "my_data.download",  # only the phone this browser proved (blueprints/customer/my_data.py)
        "my_data.ask_to_erase",
        "photo_files.photo",  # product photos the order forms show (blueprints/catalog/photo_files.py)
        "ordering.form_page",
        "ordering.submit",
        "ordering.live",
        "ordering.check_field",
        "ordering.started",
        "ordering.chain_page",
        "link_preview.card",  # the card image chat apps show for a shared /f/<slug> link
        "returning.forget",  # "Not you?": forgets this device's customer (its own cookie)
        "tracking.order_page",
        "tracking.poll",
        "tracking.cancel",
        "tracking.change",
        "tracking.claim",
        "tracking.code_image",
        "online_pay.start",  # the order's unguessable token is the customer
        "online_pay.paid_return",
        "online_pay.wechat_signed_in",  # the token, and a state signed for it
        "online_pay.notify",  # no login: the provider's signature is checked
        "tracking.receipt",
        "aftersales_customer.request_form",  # the order's unguessable token is the customer
        "aftersales_customer.submit",
        "aftersales_customer.cancel",
        "aftersales_customer.photo",
        "ratings_customer.form_page",  # the order's unguessable token is the customer
        "ratings_customer.submit",
        "ratings_customer.photo",
        "ratings_public.photo",  # only a photo of a rating the activity's public page shows
        "aftersales_customer.reply_form",
        "aftersales_customer.reply",
        "refund_notify.wechat",
        "waitlist.join_page",  # joining a sold-out product's waiting list, as the order form
        "waitlist.place",  # the entry's unguessable token is the customer
        "waitlist.take_offer",
        "waitlist.leave",
        "segment_optout.show",  # the opt-out link of a marketing message: its token is the key
        "segment_optout.confirm",
    }
)
ROLES = ("staff", "admin", "leader", "courier", SIGNED_IN)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _url_map_app() -> Flask:
    """An app built only to read its URL map at collection time (it never opens the database)."""
    return create_app(TESTING=True, SECRET_KEY="url-map", DATABASE_URL="sqlite://", DEV_PAGES=True)


def required_role(app: Flask, endpoint: str) -> str | None:
    """The role the view requires, or its whole blueprint."""
    blueprint = app.blueprints.get(endpoint.rpartition(".")[0])
    return getattr(app.view_functions[endpoint], "required_role", None) or getattr(
        blueprint, "required_role", None
    )


def guarded_rules(app: Flask, role: str) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if required_role(app, r.endpoint) == role),
        key=lambda r: (r.rule, r.endpoint),
    )


def unguarded_endpoints(app: Flask) -> list[str]:
    """Endpoints that are neither on the public list nor wrapped in role_required."""
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in PUBLIC_ENDPOINTS
            and required_role(app, rule.endpoint) not in ROLES
        }
    )


def _dummy(converter) -> object:
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "x"


def url_for_rule(rule: Rule) -> str:
    """The rule's path with every URL parameter filled with a dummy value of the right type."""
    values = {name: _dummy(conv) for name, conv in rule._converters.items()}
    _, path = rule.build(values)
    return path


def unsafe_methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - SAFE_METHODS)


def _cases(rules: list[Rule]) -> list:
    """(rule, method) pairs: GET when the rule has it, and every state-changing method."""
    cases = []
    for rule in rules:
        methods = (["GET"] if "GET" in rule.methods else []) + unsafe_methods(rule)
        cases += [pytest.param(rule, m, id=f"{m} {rule.rule}") for m in methods]
    return cases


_APP = _url_map_app()
STAFF_RULES = guarded_rules(_APP, "staff")
ADMIN_RULES = guarded_rules(_APP, "admin")
COURIER_RULES = guarded_rules(_APP, "courier")  # a courier's own runs (blueprints/courier/)
STAFF_GET = [pytest.param(r, id=r.rule) for r in STAFF_RULES if "GET" in r.methods]
ADMIN_GET = [pytest.param(r, id=r.rule) for r in ADMIN_RULES if "GET" in r.methods]
LEADER_RULES = guarded_rules(_APP, "leader")
LEADER_GET = [pytest.param(r, id=r.rule) for r in LEADER_RULES if "GET" in r.methods]
COURIER_GET = [pytest.param(r, id=r.rule) for r in COURIER_RULES if "GET" in r.methods]
ACCOUNT_RULES = guarded_rules(_APP, SIGNED_IN)  # every account's own pages (its password)
ACCOUNT_GET = [pytest.param(r, id=r.rule) for r in ACCOUNT_RULES if "GET" in r.methods]


def _request(client, rule: Rule, method: str, token: str | None = None):
    headers = {"X-CSRFToken": token} if token else {}
    return client.open(url_for_rule(rule), method=method, headers=headers)


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _passed_the_guard(response, rule: Rule) -> bool:
    """200 for a page without parameters; with dummy parameters the object may not exist (404)."""
    if not rule.arguments:
        return response.status_code == 200
    return response.status_code in (200, 404) and not _sent_to_login(response)


# --- the map itself ---------------------------------------------------------------------------


def test_every_route_is_public_or_role_guarded(app):
    missing = unguarded_endpoints(app)
    assert not missing, (
        f"routes without role_required('staff'|'admin'): {missing}. "
        "Guard them, or add them to PUBLIC_ENDPOINTS in tests/house/test_access.py if they are "
        "really meant for anonymous visitors."
    )


def test_the_public_list_names_only_real_public_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_ENDPOINTS, f"stale entries: {PUBLIC_ENDPOINTS - endpoints}"
    guarded = {e for e in PUBLIC_ENDPOINTS if required_role(app, e)}
    assert not guarded, f"guarded endpoints on the public list: {guarded}"


def test_the_walk_sees_the_known_staff_and_admin_pages():
    assert {"board.index"} <= {r.endpoint for r in STAFF_RULES}
    assert {"auth.password"} <= {r.endpoint for r in ACCOUNT_RULES}
    assert {"admin.users", "dev.sms_log"} <= {r.endpoint for r in ADMIN_RULES}
    # The reports' blueprint is the admins' (staff open it with REPORTS_FOR_STAFF only).
    assert {
        "reports.sales",
        "reports.settlement_page",
        "reports.settlement_download",
        "reports.import_upload",
        "reports.bill_page",
        "reports.bill_match",
        "reports.bill_download",
        "customer_report.page",
        "customer_report.table",
        "product_report.page",
        "product_report.table",
    } <= {r.endpoint for r in ADMIN_RULES}
    assert {"courier.today", "courier.delivered"} <= {r.endpoint for r in COURIER_RULES}


def test_the_check_fails_for_a_new_unguarded_route(app):
    @app.get("/board/export")
    def export():
        return "everyone's orders"

    @app.post("/admin/purge")
    @role_required("admni")
    def purge():
        return "gone"

    assert unguarded_endpoints(app) == ["export", "purge"]


def test_a_guarded_blueprint_guards_a_view_added_to_it_later(app, client, staff, login):
    """Like the development pages: a page added to such a blueprint needs no decorator."""
    tools = Blueprint("tools", __name__, url_prefix="/tools")
    blueprint_requires_role(tools, "admin")

    @tools.get("/mail")
    def mail():
        return "every email the shop would have sent"

    app.register_blueprint(tools)
    assert required_role(app, "tools.mail") == "admin"
    assert "tools.mail" not in unguarded_endpoints(app)
    assert _sent_to_login(client.get("/tools/mail"))
    login(staff)
    assert client.get("/tools/mail").status_code == 403


def test_an_anonymous_post_to_a_guarded_route_never_reaches_the_view(app, client):
    """Exercises the POST path of the checks below on a guarded POST-only route."""
    calls = []

    @app.post("/admin/things/<int:thing_id>/delete")
    @role_required("admin")
    def delete_thing(thing_id):
        calls.append(thing_id)
        return "deleted"

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "delete_thing")
    assert url_for_rule(rule) == "/admin/things/1/delete"
    assert _request(client, rule, "POST").status_code == 400  # no CSRF token
    assert _sent_to_login(_request(client, rule, "POST", csrf_token_from(client, "/login")))
    assert calls == []


# --- anonymous visitors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "method"),
    _cases(STAFF_RULES + ADMIN_RULES + LEADER_RULES + COURIER_RULES + ACCOUNT_RULES),
)
def test_anonymous_visitors_are_sent_to_sign_in(client, rule, method):
    if method == "GET":
        response = _request(client, rule, method)
        assert _sent_to_login(response), (response.status_code, response.headers)
        return
    # Without a CSRF token the request is refused before the view; with one (an anonymous
    # session has its own token) the guard sends the visitor to sign in.
    refused = _request(client, rule, method)
    assert refused.status_code in (400, 401, 403) or _sent_to_login(refused)
    response = _request(client, rule, method, csrf_token_from(client, "/login"))
    assert _sent_to_login(response), (response.status_code, response.headers)


@pytest.mark.parametrize("rule", STAFF_GET + ADMIN_GET + LEADER_GET + COURIER_GET + ACCOUNT_GET)
def test_sign_in_sends_the_visitor_back_to_the_page(client, rule):
    response = _request(client, rule, "GET")
    assert response.headers["Location"].startswith("/login?next=")


# --- signed-in staff and admins ---------------------------------------------------------------


@pytest.mark.parametrize(("rule", "method"), _cases(ADMIN_RULES))
def test_staff_are_refused_admin_routes(client, staff, login, rule, method):
    login(staff)
    token = None if method == "GET" else csrf_token_from(client, "/board/")
    response = _request(client, rule, method, token)
    assert response.status_code == 403


@pytest.mark.parametrize("rule", STAFF_GET)
def test_staff_open_staff_pages(client, staff, login, rule):
    login(staff)
    response = _request(client, rule, "GET")
    assert _passed_the_guard(response, rule), response.status_code


@pytest.mark.parametrize("rule", ADMIN_GET + STAFF_GET + COURIER_GET)
def test_admins_open_admin_and_staff_pages(app, client, admin, login, rule, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "dev")  # /dev/mail is there only then
    login(admin)
    response = _request(client, rule, "GET")
    assert _passed_the_guard(response, rule), response.status_code


@pytest.mark.parametrize(("rule", "method"), _cases(COURIER_RULES))
def test_staff_are_refused_courier_routes(client, staff, login, rule, method):
    """A courier's pages are the courier's: staff work the runs on /delivery/runs instead."""
    login(staff)
    token = None if method == "GET" else csrf_token_from(client, "/board/")
    assert _request(client, rule, method, token).status_code == 403


@pytest.mark.parametrize(("rule", "method"), _cases(STAFF_RULES + ADMIN_RULES))
def test_couriers_are_refused_staff_and_admin_routes(client, courier, login, rule, method):
    login(courier)
    token = None if method == "GET" else csrf_token_from(client, "/courier")
    assert _request(client, rule, method, token).status_code == 403


@pytest.mark.parametrize("rule", COURIER_GET)
def test_couriers_open_their_pages(client, courier, login, rule):
    login(courier)
    response = _request(client, rule, "GET")
    assert _passed_the_guard(response, rule), response.status_code


@pytest.mark.parametrize("role", ["staff", "admin", "leader", "courier"])
@pytest.mark.parametrize("rule", ACCOUNT_GET)
def test_every_role_opens_its_own_account_pages(request, client, login, rule, role):
    """The password page is every account's: staff, admins, group leaders and couriers."""
    login(request.getfixturevalue(role))
    response = _request(client, rule, "GET")
    assert _passed_the_guard(response, rule), response.status_code


def test_public_pages_open_without_signing_in(client):
    assert client.get("/").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/locale/en?next=/login").headers["Location"] == "/login"


# --- cookies ----------------------------------------------------------------------------------


def _set_cookie(response, name: str) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set; got {response.headers.getlist('Set-Cookie')}"
    return headers[-1]


def _attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


@pytest.mark.parametrize("secure", [True, False], ids=["secure", "plain-http"])
def test_session_and_remember_cookies_are_httponly_and_samesite_lax(
    app, client, staff, post_form, secure
):
    app.config.update(SESSION_COOKIE_SECURE=secure, REMEMBER_COOKIE_SECURE=secure)
    response = post_form("/login", {"email": staff.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    for name in (
        app.config["SESSION_COOKIE_NAME"],
        app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    ):
        attributes = _attributes(_set_cookie(response, name))
        assert "httponly" in attributes, name
        assert "samesite=lax" in attributes, name
        assert ("secure" in attributes) is secure, name


def test_cookies_are_secure_by_default(monkeypatch, tmp_path):
    """Production runs behind HTTPS; plain-HTTP development sets SECURE_COOKIES=0."""
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    settings = config.from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    monkeypatch.setenv("SECURE_COOKIES", "0")
    assert config.from_environment(tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_the_language_cookie_follows_the_session_cookie_flags(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    attributes = _attributes(_set_cookie(client.get("/locale/zh_CN"), "locale"))
    assert {"httponly", "samesite=lax", "secure"} <= attributes


# --- group leaders ----------------------------------------------------------------------------


def test_the_walk_sees_the_leader_pages():
    assert {"leader.index", "leader.pickup", "leader.order"} <= {r.endpoint for r in LEADER_RULES}


@pytest.mark.parametrize(("rule", "method"), _cases(STAFF_RULES + ADMIN_RULES))
def test_leaders_are_refused_staff_and_admin_routes(client, leader, login, rule, method):
    login(leader)
    token = None if method == "GET" else csrf_token_from(client, "/leader")
    response = _request(client, rule, method, token)
    assert response.status_code == 403


@pytest.mark.parametrize("rule", LEADER_GET)
def test_leaders_open_leader_pages(client, leader, login, rule):
    login(leader)
    response = _request(client, rule, "GET")
    assert _passed_the_guard(response, rule), response.status_code


@pytest.mark.parametrize(("rule", "method"), _cases(LEADER_RULES))
def test_staff_are_refused_leader_routes(client, staff, login, rule, method):
    login(staff)
    token = None if method == "GET" else csrf_token_from(client, "/board/")
    assert _request(client, rule, method, token).status_code == 403


@pytest.mark.parametrize(("rule", "method"), _cases(LEADER_RULES))
def test_a_leader_never_reaches_another_leaders_order(app, client, leader, login, rule, method):
    """Every leader route that names an order answers 404 for an order of another leader's
    pickup point, and changes nothing."""
    if "number" not in rule.arguments:
        pytest.skip("names no order")
    with app.app_context():
        other = make_user("leader")
        theirs = leader_shop_order(other)
        version = Order.get_by_id(theirs.id).version
    login(leader)
    token = None if method == "GET" else csrf_token_from(client, "/leader")
    _, path = rule.build({"number": theirs.number})
    response = client.open(
        path, method=method, data={"version": str(version)}, headers={"X-CSRFToken": token or ""}
    )
    assert response.status_code == 404
    with app.app_context():
        assert Order.get_by_id(theirs.id).version == version
