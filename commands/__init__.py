"""`flask --app app …` commands."""

from commands import bulk_orders, database, demo, users


def register_commands(app) -> None:
    for module in (database, users, demo, bulk_orders):
        app.cli.add_command(module.cli)
