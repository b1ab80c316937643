"""The app factory: `flask --app app run`, `gunicorn 'app:create_app()'`."""

from flask import Flask, current_app, g, render_template
from flask_babel import lazy_gettext as _l
from peewee import OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

import config
import i18n
import logs
from blueprints import (
    acting,
    metrics,
    params,
    register_blueprints,
    rendering,
    security_headers,
)
from commands import register_commands
from extensions import babel, csrf, limiter, login_manager
from models import User, subscriptions
from models.db import init_app as init_database
from models.db import is_busy
from tasks import notifications, readiness


def create_app(**overrides) -> Flask:
    """Build the app from environment settings, with `overrides` applied last (tests)."""
    app = Flask(__name__, instance_path=str(config.INSTANCE_DIR))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_TRANSLATION_DIRECTORIES="translations",
    )
    app.config.update(config.from_environment())
    app.config.update(overrides)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["SHOP_TIMEZONE"]
    app.config["RATELIMIT_HEADERS_ENABLED"] = False
    if app.config.get("TRUSTED_PROXIES"):  # the address and scheme the proxies saw
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    init_database(app)
    subscriptions.connect()  # what follows an order change (models/orders/signals.py)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    rendering.init_app(app)
    security_headers.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    acting.init_app(app)  # who the audit log names (models/audit/log.py)
    params.init_app(app)  # the `id` URL converter, before the blueprints' routes use it
    register_blueprints(app)
    register_commands(app)
    notifications.init_app(app)  # queue the outbox rows a request wrote, after it
    readiness.init_app(app)  # /readyz: database and queue reachable
    metrics.init_app(app)  # /metrics: request latency (blueprints/metrics.py)
    logs.init_app(app)  # LOG_FORMAT=json
    _register_error_pages(app)

    @app.context_processor
    def shop():
        return {"shop_name": app.config["SHOP_NAME"]}

    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    # "basic": a session used from another address stays valid (phones change networks), and
    # a session restored from the remember cookie lasts (with "strong", Flask-Login 0.6.3
    # drops it on the next request). Sessions end by their token instead (models/accounts/user.py).
    login_manager.session_protection = "basic"
    login_manager.user_loader(
        lambda session_id: User.for_session(
            session_id, current_app.config["REMEMBER_COOKIE_DURATION"]
        )
    )


ERROR_PAGES = {
    400: (
        _l("Please try again"),
        _l(
            "The page was open too long or the request was incomplete. "
            "Go back, reload the page and send it again."
        ),
    ),
    403: (
        _l("Not allowed"),
        _l("Your account cannot open this page. Ask an admin if you need it."),
    ),
    404: (_l("Not found"), _l("This page does not exist, or the link is no longer valid.")),
    413: (
        _l("Too large to send"),
        _l(
            "What you sent is larger than the shop accepts, and nothing was saved. "
            "Go back and send smaller files, or fewer at once."
        ),
    ),
    429: (_l("Slow down"), _l("Too many requests in a short time. Wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("The shop could not finish this, and saved nothing halfway. Try again in a moment."),
    ),
    503: (
        _l("The shop is busy"),
        _l(
            "The shop could not finish this in time, and saved nothing halfway. "
            "Try again in a few seconds."
        ),
    ),
}
RETRY_AFTER_SECONDS = 5  # what a 503 tells browsers and clients to wait


def _register_error_pages(app: Flask) -> None:
    """Friendly pages for refusals and crashes (Flask logs the crash before), in the visitor's
    language; a response a view prepared for the error (e.g. the throttled login form) is
    kept."""

    def error_page(error):
        if error.response is not None:
            return error.response
        title, message = ERROR_PAGES[error.code]
        return render_template("errors/page.html", title=title, message=message), error.code

    for code in ERROR_PAGES:
        app.register_error_handler(code, error_page)

    def busy_page(error):
        """A statement gave up waiting on the database (models/db.is_busy): 503, to try again
        shortly. Any other database error is a crash (500)."""
        if not is_busy(error):
            raise error
        g.database_busy = True  # the page asks the database nothing more (inbox badge)
        if "_login_user" not in g:  # reading the user is what waited: show no account
            g._login_user = login_manager.anonymous_user()
        title, message = ERROR_PAGES[503]
        page = render_template("errors/page.html", title=title, message=message)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    app.register_error_handler(OperationalError, busy_page)
