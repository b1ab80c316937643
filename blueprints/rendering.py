"""One template per page; htmx requests get only the part they swap."""

import re

from flask import redirect, render_template
from htmx_flask import make_response, request
from markupsafe import Markup, escape


def wants_fragment() -> bool:
    """An htmx request that swaps part of a page. A boosted navigation and a history restore
    (the back button after htmx pushed a URL) need the whole page."""
    return bool(
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def render(page: str, partial: str, status: int = 200, **context):
    """Render `partial` for a fragment request, else the full `page`.

    `page` includes `partial`, so both come from the same template file.
    """
    return render_template(partial if wants_fragment() else page, **context), status


def go(target: str):
    """After a change: htmx navigates with HX-Redirect, a plain form follows a 303."""
    if wants_fragment():
        return make_response("", 200, redirect=target)
    return redirect(target, 303)


LINK = re.compile(r"https?://[^\s<>\"']+")


def paragraphs(text: str) -> Markup:
    """Plain text an admin typed, safe for a page: paragraphs, line breaks, clickable links."""
    blocks = [block for block in re.split(r"\n\s*\n", (text or "").strip()) if block.strip()]

    def linked(line: str) -> Markup:
        parts, last = [], 0
        for match in LINK.finditer(line):
            url = match.group(0).rstrip(".,;:!?)。，")
            parts += [escape(line[last : match.start()])]
            parts += [Markup('<a href="{0}" rel="nofollow noopener">{0}</a>').format(url)]
            last = match.start() + len(url)
        return Markup("").join([*parts, escape(line[last:])])

    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(linked(line) for line in block.splitlines()))
        for block in blocks
    )


def init_app(app) -> None:
    app.jinja_env.filters["paragraphs"] = paragraphs
