"""One template per page; htmx requests get only the part they swap."""

from flask import render_template
from htmx_flask import request


def render(page: str, partial: str, status: int = 200, **context):
    """Render `partial` for an htmx request (not a boosted navigation), else the full `page`.

    `page` includes `partial`, so both come from the same template file.
    """
    wants_fragment = request.htmx and not request.htmx.boosted
    return render_template(partial if wants_fragment else page, **context), status
