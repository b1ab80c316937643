"""Security headers on every response: pages, fragments, files, redirects and errors
(docs/security.md, "Security headers").

The Content-Security-Policy lets a page run only scripts served from this site (htmx from
static/vendor/, ours from static/js/): no inline script or handler, no eval (htmx is told
so: `allowEval: false` in base.html), no plugin, no other site's frame around our pages.
Styles come only from our stylesheets: htmx is told not to add its inline indicator style
(`includeIndicatorStyles: false`).

Four constant headers, so one `after_request` rather than a library: flask-talisman, the
usual one, has had no release since 2023 and would also redirect to HTTPS and change the
cookies, which config.py already decides.
"""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}


def allow_form_targets(response, origins: list[str]):
    """The policy of `response` with `origins` allowed as form targets besides this site: a
    checkout button's POST is redirected to the payment gateway (docs/payments.md)."""
    extra = " ".join(sorted(set(origins)))
    if extra:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {extra}"
        )
    return response


def init_app(app) -> None:
    @app.after_request
    def add_security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
