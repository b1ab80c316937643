"""Odd input in any parameter is refused or ignored, never a server error (5xx).

First the cases a review found answering 500: Unicode digits that pass `str.isdigit()`, ids
and versions beyond the 64-bit integers the databases hold, a newline in a redirect target.
Then a property test walks the URL map: every route of a small shop (an admin signed in, the
page's CSRF token sent) gets arbitrary text in its path values, its query arguments and its
form fields: each form as the page renders it with some fields replaced, and the parameter
names the code reads, with Unicode digits, huge numbers, control characters, NUL, "%00" and
very long values among them.
"""

import inspect
import os
import random
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter

from blueprints.params import IdConverter
from commands.demo.delivery import build_delivery
from commands.demo.shop import build_catalog, build_rules, build_templates, place_demo_orders
from models.activities.pickup import PickupPoint
from models.aftersales.requests import keep_photos, open_case
from models.automation.rules import Rule
from models.board.saved_views import SavedView, save_view
from models.catalog.photos import ProductPhoto
from models.catalog.products import Category, Product, Warehouse
from models.catalog.transfers import create_transfer
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.customers.customer import Customer
from models.delivery.runs import CourierRun, RunStop
from models.delivery.windows import DeliveryWindow
from models.delivery.zones import DeliveryZone
from models.exports.jobs import ExportJob, start_export
from models.exports.product_sheet.jobs import start_check
from models.messaging.deliveries import Delivery
from models.messaging.notifications import NOTICES
from models.orders.lifecycle import Actor, transition_order, walk_order
from models.orders.notes import add_note
from models.orders.order import Order
from models.orders.payments import Payment, record_payment
from models.params import DB_INT_MAX, ID_MAX, positive_id, positive_ids, shop_date, whole_number
from models.payments.claims import claim_payment
from models.payments.collection_codes import CollectionCode
from models.ratings.giving import rate_order
from models.reports.reconcile import import_bill
from models.segments.consent import token_for
from models.segments.segment import save_segment
from models.tiers.admin import TierDetails, save_tier
from models.waitlist.entry import WaitlistEntry
from tests.factories import order_for
from tests.helpers import EN, HTMX, PASSWORD, ROOT, csrf_token_from, make_user
from tests.payments.images import png
from tests.reports.bill_files import Trade, wechat_bill

HUGE = "99999999999999999999"  # 20 digits: beyond 2**63 - 1
EXAMPLES = int(os.environ.get("ODD_INPUT_EXAMPLES", "12"))  # per route and method


# --- the parsers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("0", 0),
        (str(DB_INT_MAX), DB_INT_MAX),
        (str(DB_INT_MAX + 1), None),
        (HUGE, None),
        ("²", None),
        ("٣", None),
        ("１２", None),
        ("-1", None),
        (" 7", None),
        ("7\n", None),
        ("1_000", None),
        ("", None),
        (None, None),
    ],
)
def test_a_whole_number_is_ascii_digits_within_64_bits(text, expected):
    assert whole_number(text) == expected


def test_ids_are_what_an_integer_column_holds_and_come_once_in_order():
    assert positive_id("0") is None
    assert positive_id(str(ID_MAX)) == ID_MAX
    assert positive_id(str(ID_MAX + 1)) is None  # PostgreSQL's INTEGER is 32 bits
    assert positive_ids(["3", "1", "3", "²", HUGE, "x", "2"]) == (1, 2, 3)


# --- the shop -----------------------------------------------------------------------------------


@pytest.fixture
def demo_shop(app, admin, staff, tmp_path):
    """A small demo shop: its catalog, two activities, rules, orders in several states, a
    payment, a note, saved views, an export, a failed email delivery and an imported bill."""
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    with app.test_request_context(headers=EN):
        templates = build_templates(build_catalog(), admin)
        build_rules(templates, [admin, staff])
        place_demo_orders(templates, [admin, staff], 6, random.Random(11))
        build_delivery(templates[0], staff, make_user("courier"))
        version = templates[0].latest_version()
        point = PickupPoint.get_by_id(version.settings["pickup_point_ids"][0])
        strawberries = Product.get(Product.sku == "FR-STRAW")
        order = order_for(version, [(strawberries, 2)], name="Ann", pickup_point=point)
        order = transition_order(order, "confirmed", Actor.of_user(staff))
        record_payment(order, 100, "cash", Actor.of_user(staff), order.version)
        pending = order_for(version, [(strawberries, 1)], name="Bo", pickup_point=point)
        claim = claim_payment(pending, "wechat")  # the fruit form offers the shop's QR code
        add_note(order, author=staff, body="call first")
        save_view(admin, "Unpaid", "payment=unpaid")
        start_export(admin, MultiDict({"created": "all"}), "csv")
        trade = Trade("2026-03-01 10:00:00", "4200000001", f"JL{order.number}", "1.00")
        bill = import_bill(wechat_bill([trade]), "bill.csv", admin)
        east = create_warehouse(WarehouseDetails("east", "East"))
        tier = save_tier(None, TierDetails("Gold", rank=2, min_spend=10_000))
        transfer = create_transfer(Warehouse.default(), east, {strawberries.id: 1})
        upload = start_check(b"SKU,Product name,Price (yuan)\nX-1,Odd,1\n", admin, 1, "en")
        case = _aftersales_case(version, strawberries, point)
        waiting = WaitlistEntry.create(
            template=templates[0], product=strawberries, customer=order.customer, quantity=1
        )
        segment = save_segment(None, "Regulars", {"tags": "VIP"}, admin)
        optout_token = token_for(order.customer_id)
        rating = rate_order(case.order, stars=2, comment="bruised", photos=keep_photos([png()]))
    order = Order.get_by_id(order.id)
    return {
        "number": order.number,
        "payment_id": Payment.get(Payment.order == order.id).id,
        "token": pending.tracking_token,
        "slug": templates[0].slug,
        "template_id": templates[0].id,
        "field": templates[0].draft["fields"][-1]["name"],
        "customer_id": order.customer_id,
        "point_id": point.id,
        "product_id": strawberries.id,
        "photo_id": ProductPhoto.get(ProductPhoto.product == strawberries.id).id,
        "width": 160,
        "category_id": Category.select().first().id,
        "warehouse_id": Warehouse.default().id,
        "tier_id": tier.id,
        "transfer_id": transfer.id,
        "purchase_id": 1,  # none in this shop: the route answers 404
        "supplier_id": 1,
        "rule_id": Rule.select().first().id,
        "user_id": staff.id,
        "view_id": SavedView.get(SavedView.user == admin.id).id,
        "job_id": ExportJob.get(ExportJob.user == admin.id).id,
        "upload_id": upload.id,  # a big product sheet checked in the background
        "delivery_id": (Delivery.select().first() or Delivery(id=1)).id,
        "claim_id": claim.id,
        "import_id": bill.id,
        "online_id": 1,  # none in the demo shop: the route answers 404
        "token_id": 1,  # nor API tokens and webhook endpoints
        "endpoint_id": 1,
        "offer_id": 1,  # nor offers and group leaders
        "leader_id": 1,
        "image": CollectionCode.get().image,
        "notice": next(iter(NOTICES)),
        "zone_id": DeliveryZone.select().first().id,
        "window_id": DeliveryWindow.select().first().id,
        "run_id": CourierRun.select().first().id,
        "stop_id": RunStop.select().first().id,
        "aftersales_token": case.order.tracking_token,  # a handed-over order with a case
        "waitlist_token": waiting.token,  # a place in a waiting list
        "entry_id": waiting.id,  # the same place, for the staff's waiting lines
        "segment_id": segment.id,
        "optout_token": optout_token,  # a customer's marketing opt-out link
        "line_id": case.order.lines[0].id,
        "case_id": case.id,
        "photo": case.photos[0].image,
        "rating_id": rating.id,
        "rating_photo": rating.photos[0].image,
    }


def _aftersales_case(version, product, point):
    """A handed-over order and its customer's after-sales request with a photo."""
    done = order_for(version, [(product, 2)], name="Cy", pickup_point=point)
    done = walk_order(done, ("confirmed", "processing", "ready", "completed"), Actor.system())
    customer = Actor.of_customer(Customer.get_by_id(done.customer_id))
    return open_case(
        done,
        customer,
        kind="return_refund",
        quantities={done.lines[0].id: 1},
        reason="Damaged",
        photos=keep_photos([png()]),
    )


def path_values(rule, demo_shop) -> dict:
    """Real values for the rule's path: the shop's order, template, rule… (404s test nothing)."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif name == "token" and rule.endpoint.startswith(
            ("aftersales_customer.", "ratings_customer.")
        ):
            values[name] = demo_shop["aftersales_token"]
        elif name == "token" and rule.endpoint.startswith("waitlist."):
            values[name] = demo_shop["waitlist_token"]
        elif name == "token" and rule.endpoint.startswith("segment_optout."):
            values[name] = demo_shop["optout_token"]
        elif name == "name" and rule.endpoint.endswith(
            ("aftersales_customer.photo", "aftersales.photo")
        ):
            values[name] = demo_shop["photo"]
        elif name == "name" and rule.endpoint in (
            "ratings_customer.photo",
            "ratings.photo",
            "ratings_public.photo",
        ):
            values[name] = demo_shop["rating_photo"]
        elif name == "name" and rule.endpoint.endswith(".code_image"):
            values[name] = demo_shop["image"]
        elif name == "name":
            notice = rule.endpoint.startswith("designer.notifications")
            values[name] = demo_shop["notice"] if notice else demo_shop["field"]
        elif name == "code":
            values[name] = "en"
        else:
            values[name] = demo_shop[name]
    return values


# --- the 500s a review found --------------------------------------------------------------------


ORDER_NUMBER = re.compile(r"#(\d{5,})")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("0001-01-01", None),  # Python reads it, but in UTC it leaves the calendar
        ("9999-12-31", None),
        ("2026-02-30", None),
        ("２０２６-03-01", None),
        ("2026-3-1", None),
        (None, None),
    ],
)
def test_a_shop_date_is_a_day_of_this_or_the_next_century(text, expected):
    assert shop_date(text) == expected


def test_an_audit_filter_from_year_one_is_refused_inline(client, admin, login):
    login(admin)
    answer = client.get("/admin/audit?since=0001-01-01")
    assert answer.status_code == 422
    assert "Enter a date like 2026-03-01." in answer.text


def test_unicode_digits_in_the_board_filter_are_ignored(client, demo_shop, admin, login):
    """`?template=²` is as if no activity were chosen: every order, as `?created=all`."""
    login(admin)
    every = set(ORDER_NUMBER.findall(client.get("/board/?created=all").get_data(as_text=True)))
    assert str(demo_shop["number"]) in every
    for name in ("template", "pickup", "assignee"):
        response = client.get(f"/board/?created=all&{name}=²")
        assert response.status_code == 200, name
        assert set(ORDER_NUMBER.findall(response.get_data(as_text=True))) == every, name


def test_a_cursor_beyond_64_bits_is_no_cursor(client, demo_shop, admin, login):
    login(admin)
    for path in ("/board/", "/customers/"):
        for after in (f"2026-01-01T00:00:00~{HUGE}", "2026-01-01T00:00:00~²", "2026-01-01~-5"):
            response = client.get(path, query_string={"after": after})
            assert response.status_code == 200, (path, after)


def test_an_id_the_database_cannot_hold_finds_nothing(client, demo_shop, admin, login):
    login(admin)
    for path in (
        f"/board/orders/{HUGE}",
        f"/customers/{HUGE}",
        f"/board/pickup/{HUGE}",
        f"/admin/products/{HUGE}",
        f"/admin/rules/{HUGE}/try",
        "/board/orders/٣",
        "/customers/0",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token_from(client, "/board/")
    response = client.post(f"/board/views/{HUGE}/delete", data={"csrf_token": token})
    assert response.status_code == 404
    assert SavedView.get_or_none(SavedView.id == demo_shop["view_id"])  # nothing else went


def test_staff_sending_a_version_that_is_none_get_400_and_nothing_changes(
    client, demo_shop, admin, login
):
    login(admin)
    number = demo_shop["number"]
    token = csrf_token_from(client, f"/board/orders/{number}")
    for version in (HUGE, "²", "-1", ""):
        for url, data in [
            (f"/board/orders/{number}/assignee", {"assignee": str(admin.id)}),
            (f"/board/rows/{number}/assignee", {"assignee": str(admin.id)}),
            (f"/board/rows/{number}/status", {"to": "processing"}),
            (f"/board/orders/{number}/status", {"to_status": "processing"}),
        ]:
            response = client.post(url, data={"csrf_token": token, "version": version, **data})
            assert response.status_code == 400, (url, version)
    order = Order.get(Order.number == number)
    assert (order.status, order.assignee_id) == ("confirmed", None)


def test_choosing_an_assignee_that_is_no_id_is_refused(client, demo_shop, admin, login):
    """Not read as "nobody": that would unassign the order."""
    login(admin)
    number = demo_shop["number"]
    token = csrf_token_from(client, f"/board/orders/{number}")
    page = client.get(f"/board/orders/{number}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    for assignee in (HUGE, "²"):
        data = {"csrf_token": token, "version": version, "assignee": assignee}
        assert client.post(f"/board/orders/{number}/assignee", data=data).status_code == 400


def test_a_customer_sending_a_version_that_is_none_changes_nothing(client, demo_shop):
    token = demo_shop["token"]
    page = client.get(f"/o/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    quantities = dict(re.findall(r'name="(qty-\d+)"[^>]*value="(\d+)"', page))
    assert quantities, "the tracking page offers a change of quantities"
    for version in (HUGE, "²"):
        for action, data in (("change", quantities), ("cancel", {})):
            data = {"csrf_token": csrf, "version": version, **data}
            assert client.post(f"/o/{token}/{action}", data=data).status_code == 400, action
    assert "Pending" in client.get(f"/o/{token}").get_data(as_text=True)


def test_a_quantity_too_big_for_a_float_is_refused_inline(client, demo_shop):
    token = demo_shop["token"]
    page = client.get(f"/o/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    quantities = dict(re.findall(r'name="(qty-\d+)"[^>]*value="(\d+)"', page))
    first = sorted(quantities)[0]
    data = {"csrf_token": csrf, "version": version, **quantities, first: "9" * 400}
    response = client.post(f"/o/{token}/change", data=data)
    assert response.status_code == 422
    assert "Enter a whole number." in response.get_data(as_text=True)


def test_a_control_character_in_next_is_no_redirect_target(client, admin, post_form):
    for target in ("/%0A/x", "/%0D%0ASet-Cookie:x=1", "/a%1Bb", "/%7F"):
        response = client.get(f"/locale/en?next={target}")
        assert response.status_code == 302, target
        location = response.headers["Location"]
        # Either the fallback, or the path a browser reads once it drops the tab/CR/LF.
        assert location.startswith("/") and not location.startswith("//"), target
        assert not any(ord(c) < 32 or ord(c) == 127 for c in location), target
    response = post_form(
        "/login?next=/%0A/x", {"email": admin.email, "password": PASSWORD}, page="/login"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/board/"


def test_a_nul_anywhere_is_a_bad_request(client, demo_shop, admin, login):
    login(admin)
    for url in ("/o/%00", "/f/a%00b", "/board/?q=%00", "/board/?status=pending%00"):
        assert client.get(url).status_code == 400, url
    token = csrf_token_from(client, f"/board/orders/{demo_shop['number']}")
    data = {"csrf_token": token, "body": "call\x00back", "kind": "internal"}
    assert client.post(f"/board/orders/{demo_shop['number']}/notes", data=data).status_code == 400


def test_path_ids_use_the_bounded_converter(app):
    numbered = [r for r in app.url_map.iter_rules() if r.arguments and r.endpoint != "static"]
    loose = [
        r.rule
        for r in numbered
        for name, converter in r._converters.items()
        if type(converter).__name__ == "IntegerConverter"
    ]
    assert not loose, f"<int:…> takes any Unicode digit and any length: {loose}"
    assert any(isinstance(c, IdConverter) for r in numbered for c in r._converters.values())


# --- every parameter of every route -------------------------------------------------------------

READS = re.compile(
    r'(?:args|form|formdata)\.get(?:list)?\(\s*"([A-Za-z_][\w-]*)"'
    r"|(?:arg_id|arg_number|form_id|form_ids|form_number|form_version|optional_version)"
    r'\(\s*"([A-Za-z_][\w-]*)"'
)
DEFAULT_READS = {"version"}  # form_version() and optional_version() read it unless told
ODD = [
    "",
    "0",
    "-1",
    "²",
    "٣",
    "１２",
    " 7",
    "1_000",
    "1e999",
    "NaN",
    "-inf",
    str(DB_INT_MAX),
    str(DB_INT_MAX + 1),
    HUGE,
    "9" * 400,
    "\x00",
    "%00",
    "a\x00b",
    "\n",
    "\r\n",
    "\t",
    "\x7f",
    "\u202e",
    "\ufeff",
    "😀",
    "../../etc/passwd",
    "//evil.example",
    "<script>x</script>",
    "'\"",
    "0001-01-01",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "2026-01-01T00:00:00+14:00",
    f"2026-01-01T00:00:00~{HUGE}",
    f"{HUGE}.{HUGE}.pending",
    "1.1.pending",
]
DIGIT_RUN = re.compile(r"\d+")
MUTATIONS = [
    lambda v: DIGIT_RUN.sub(HUGE, v) if DIGIT_RUN.search(v) else HUGE,
    lambda v: DIGIT_RUN.sub("²", v) if DIGIT_RUN.search(v) else "²",
    lambda v: DIGIT_RUN.sub("-1", v),
    lambda v: v + "\x00",
    lambda v: " " + v,
    lambda v: v[: len(v) // 2],
    lambda v: (v or "x") * (20_000 // max(len(v), 1)),
]
SWEPT = MUTATIONS[:2]  # what the sweep puts in each parameter in turn
LONG = ["9" * 400, "長" * 300]  # what it puts in all of a route's parameters at once


def names_read_in(path: Path) -> set[str]:
    found = READS.findall(path.read_text())
    return {name for pair in found for name in pair if name}


def names_the_code_reads() -> set[str]:
    names = set(DEFAULT_READS)
    for folder in ("blueprints", "forms", "models"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= names_read_in(path)
    return names


class PageForms(HTMLParser):
    """The forms of a page (action, method, fields as a browser would send them, and every
    other control name), and the links of the page that carry query arguments."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.forms, self.links = url, [], []
        self._form, self._select = None, None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        for attribute in ("href", "hx-get", "hx-post", "action"):
            link = urlsplit(a.get(attribute) or "")
            if link.query:
                method = "POST" if attribute == "hx-post" else "GET"
                self.links.append((link.path, method, parse_qsl(link.query, True)))
        if tag == "form":
            action = a.get("action") or a.get("hx-post") or self.url
            method = "POST" if "hx-post" in a else a.get("method", "get").upper()
            self._form = {"action": action, "method": method, "fields": [], "names": {}}
            return
        form, name = self._form, a.get("name")
        if form is None or not name or tag not in ("input", "select", "textarea", "button"):
            if tag == "option" and self._select and ("selected" in a or not self._select[2]):
                self._select[1] = a.get("value", "")
                self._select[2] = self._select[2] or "selected" in a
            return
        kind = a.get("type", "text")
        form["names"][name] = a.get("value", "")
        if tag == "select":
            self._select = [name, "", False]
        elif tag in ("input", "textarea") and kind not in ("submit", "button", "image"):
            sent = kind not in ("checkbox", "radio") or "checked" in a
            form["fields"] += [(name, a.get("value", ""))] * sent

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self._form is not None:
            name, value, _ = self._select
            self._form["fields"].append((name, value))
            self._form["names"][name] = value
            self._select = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def odd_values(original: str = ""):
    """Odd text, and `original` with its numbers made odd or something odd around it."""
    return st.one_of(
        st.sampled_from(ODD),
        st.sampled_from(MUTATIONS).map(lambda change: change(original)),
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
        st.builds(lambda c, n: c * n, st.sampled_from("9a²\x00 .~"), st.integers(1000, 50_000)),
    )


class Walk:
    """Sends odd requests to the shop's routes, shaped after its own pages: the forms that
    post to a route and the links that lead to it give the parameters and their values."""

    def __init__(self, app, client, demo_shop):
        self.app, self.client, self.shop = app, client, demo_shop
        self.adapter = app.url_map.bind("localhost")
        self.forms: dict[tuple[str, str], list] = {}  # (endpoint, method) -> [form]
        self.links: dict[tuple[str, str], list] = {}  # (endpoint, method) -> [link's args]
        self.read = sorted(names_the_code_reads())
        self.csrf = csrf_token_from(client, "/board/")

    def learn(self, rule) -> None:
        """Open the page and note its forms and links by the route they go to."""
        url = rule.build(path_values(rule, self.shop))[1]
        response = self.client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            return
        parser = PageForms(url)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            endpoint = self._endpoint(form["action"], form["method"])
            if endpoint:
                self.forms.setdefault((endpoint, form["method"]), []).append(form)
        for path, method, args in parser.links:
            endpoint = self._endpoint(path, method)
            if endpoint:
                self.links.setdefault((endpoint, method), []).append(args)

    def _endpoint(self, url: str, method: str) -> str | None:
        try:
            return self.adapter.match(urlsplit(url).path, method=method)[0]
        except HTTPException:
            return None

    def own_names(self, rule, method: str) -> list[str]:
        """The parameters of the route: its forms' and links' names, and those its module
        reads."""
        key = (rule.endpoint, method)
        names = {name for form in self.forms.get(key, []) for name in form["names"]}
        names |= {name for form in self.forms.get(key, []) for name, _ in form["fields"]}
        names |= {name for args in self.links.get(key, []) for name, _ in args}
        view = inspect.unwrap(self.app.view_functions[rule.endpoint])
        names |= names_read_in(Path(inspect.getsourcefile(view))) | DEFAULT_READS
        return sorted(names - {"csrf_token"})

    def baseline(self, rule, method: str, pick=lambda options: options[0]):
        """(query, form, all names with values) as the shop's own page would send them."""
        key = (rule.endpoint, method)
        links, forms = self.links.get(key, []), self.forms.get(key, [])
        query = MultiDict(pick(links) if links else [])
        form = pick(forms) if forms else {"fields": [], "names": {}}
        return query, MultiDict(form["fields"]), form["names"]

    def send(self, rule, method: str, values: dict, query, fields, htmx: bool) -> int:
        path = rule.build(values)[1]
        headers = {"X-CSRFToken": self.csrf} | (HTMX if htmx else {})
        if method == "GET":
            return self.client.get(path, query_string=query, headers=headers).status_code
        fields = MultiDict(fields)
        fields["csrf_token"] = self.csrf
        response = self.client.post(path, query_string=query, data=fields, headers=headers)
        return response.status_code

    def sweep(self, rule, method: str):
        """Each parameter in turn made odd (SWEPT), then all of them long at once: yields
        (what is sent, the arguments of `send` that send it)."""
        values = path_values(rule, self.shop)
        strings = [n for n, c in rule._converters.items() if type(c).__name__ == "UnicodeConverter"]
        names = self.own_names(rule, method)
        for name in strings:
            for odd in ("²", "x" * 300, "%00"):
                query, fields, _ = self.baseline(rule, method)
                yield f"path {name}={odd!r}", (rule, method, {**values, name: odd}, query, fields)
        for name in names:
            for change in SWEPT:
                query, fields, known = self.baseline(rule, method)
                where = query if method == "GET" or name in query else fields
                odd = change(where.get(name) or known.get(name) or "")
                where.setlist(name, [odd])
                yield f"{name}={odd!r}", (rule, method, values, query, fields)
        for long in LONG:
            query, fields, _ = self.baseline(rule, method)
            where = query if method == "GET" else fields
            for name in names:
                where.setlist(name, [long])
            yield f"every parameter {long[:3]}…", (rule, method, values, query, fields)

    def request(self, rule, method: str, data) -> int:
        """One request with odd values drawn by hypothesis' `data`; its status."""
        values = path_values(rule, self.shop)
        strings = [n for n, c in rule._converters.items() if type(c).__name__ == "UnicodeConverter"]
        if strings and data.draw(st.booleans(), "odd path"):
            name = data.draw(st.sampled_from(strings))
            values[name] = data.draw(odd_values(str(values[name])).filter(bool), name)
        query, fields, known = self.baseline(rule, method, lambda o: data.draw(st.sampled_from(o)))
        own = self.own_names(rule, method)
        names = st.one_of(st.sampled_from(own), st.sampled_from(self.read))
        for name in data.draw(st.sets(names, min_size=1, max_size=4), "names"):
            where = query if method == "GET" or name in query else fields
            original = where.get(name) or known.get(name) or ""
            where.setlist(name, [data.draw(odd_values(original), name)])
        return self.send(rule, method, values, query, fields, data.draw(st.booleans(), "htmx"))


def _rules(app, method: str) -> list:
    """The routes taking `method`, but sign-out (the walk stays signed in) and static files;
    those that delete or archive last, so the others still find what they act on."""
    rules = [
        r
        for r in app.url_map.iter_rules()
        if method in r.methods and r.endpoint not in {"static", "auth.logout"}
    ]
    last = re.compile(r"delete|remove|archive")
    return sorted(rules, key=lambda r: (bool(last.search(r.rule)), r.rule))


def _property(walk, rule, method: str):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def no_server_error(data):
        status = walk.request(rule, method, data)
        assert status < 500, f"{method} {rule.rule} answered {status}"

    return no_server_error


def _failures(walk, rule, method: str) -> list[str]:
    """Sweep the route, then run the property on it; what answered 5xx or raised."""
    failures = []
    for sent, request in walk.sweep(rule, method):
        try:
            status = walk.send(*request, htmx=False)
        except Exception as error:
            status = f"{type(error).__name__}: {error}"
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{method} {rule.rule} with {sent}: {status}")
    try:
        _property(walk, rule, method)()
    except Exception as error:
        notes = "\n".join(getattr(error, "__notes__", []))
        failures.append(f"{method} {rule.rule}: {type(error).__name__}: {error}\n{notes}")
    return failures


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_parameter_of_any_route_makes_a_server_error(
    app, client, demo_shop, admin, login, method
):
    login(admin)
    walk = Walk(app, client, demo_shop)
    for rule in _rules(app, "GET"):
        walk.learn(rule)
    rules = _rules(app, method)
    assert len(rules) > (20 if method == "POST" else 30)
    failures = [failure for rule in rules for failure in _failures(walk, rule, method)]
    assert not failures, "\n\n".join(failures)
