"""HTTP layer: thin views that parse the request, call one domain function, and render."""

from blueprints import admin, auth, board, shop


def register_blueprints(app) -> None:
    for module in (shop, auth, board, admin):
        app.register_blueprint(module.bp)
