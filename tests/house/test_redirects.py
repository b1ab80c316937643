"""`?next=` never sends anyone off the site: the language switch and the sign-in follow it only
to a path of this site, as a browser reads the Location header.

The browser here is ada (`ada_url`), the WHATWG URL parser Node.js uses: it strips tabs and
newlines and reads backslashes as slashes, like Chromium and Firefox.
"""

from urllib.parse import quote

import pytest
from ada_url import URL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprints.access import safe_next
from tests.helpers import PASSWORD

SITE = "http://localhost"

# Known ways past a naive "starts with / but not //" check, and the plain ones.
BYPASSES = [
    "//evil.example/x",
    "/\t/evil.example/x",
    "/%09/evil.example/x",
    "/\n/evil.example/x",
    "/%0A/x",
    "/%0D/evil.example",
    "/%0D%0A/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%252F/evil.example",
    "///evil.example",
    "////evil.example/x",
    "https:evil.example",
    "https:/evil.example",
    "https://evil.example",
    "http:\\\\evil.example",
    "HTTPS://evil.example",
    "//evil.example@localhost",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x00//evil.example",
    "/\x00/evil.example",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "//%65vil.example",
]


def lands_on_the_site(location: str) -> bool:
    """Whether a browser at SITE following `location` stays on SITE."""
    target = URL(location, f"{SITE}/login")
    return target.origin == SITE


@pytest.mark.parametrize("target", BYPASSES)
def test_the_language_switch_never_leaves_the_site(client, target):
    response = client.get(f"/locale/en?next={quote(target, safe='')}")
    # A NUL anywhere in a request is refused outright (tests/house/test_odd_input.py).
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert lands_on_the_site(response.headers["Location"])


@pytest.mark.parametrize("target", BYPASSES)
def test_signing_in_never_leaves_the_site(client, staff, post_form, target):
    response = post_form(
        f"/login?next={quote(target, safe='')}",
        {"email": staff.email, "password": PASSWORD},
        page="/login",
    )
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/board/"


def test_a_signed_in_visitor_sent_to_sign_in_again_stays_on_the_site(client, staff, login):
    login(staff)
    response = client.get(f"/login?next={quote('/%09/evil.example/x', safe='')}")
    assert response.headers["Location"] == "/board/"


@pytest.mark.parametrize(
    "target",
    [
        "/board/",
        "/board/?status=pending&q=王",
        "/admin/users",
        "/f/friday-fruit/list#top",
        "/board/?q=a%20b",
    ],
)
def test_a_path_on_the_site_is_followed(client, target):
    response = client.get(f"/locale/en?next={quote(target, safe='')}")
    assert response.status_code == 302
    assert URL(response.headers["Location"], SITE).href == URL(target, SITE).href


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.one_of(
        st.text(max_size=30),
        st.lists(
            st.sampled_from(["/", "\\", "\t", "\n", "%", "09", "2F", "5C", ":", "@", ".", "e"]),
            max_size=12,
        ).map("".join),
    )
)
def test_no_text_makes_the_language_switch_leave_the_site_or_fail(client, target):
    response = client.get("/locale/en", query_string={"next": target})
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert lands_on_the_site(response.headers["Location"])


@given(
    target=st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from("/\\\t\n\r%:@."), max_size=40
    )
)
def test_safe_next_keeps_what_a_browser_reads_on_the_site(target):
    result = safe_next(target, "/")
    assert lands_on_the_site(result)
    assert result == "/" or URL(result, SITE).href == URL(target, f"{SITE}/login").href
