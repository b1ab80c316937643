"""Small helpers the tests share."""

import re
import uuid

from models import User

PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_user(role: str, email: str | None = None) -> User:
    return User.register(
        email or f"{role}-{uuid.uuid4().hex[:6]}@example.com", role.title(), PASSWORD, role=role
    )


def csrf_token_from(client, page_url: str) -> str:
    """The CSRF token of the form on `page_url`, as a browser would send it."""
    html = client.get(page_url).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page_url}"
    return match.group(1)
