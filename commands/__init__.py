"""`flask --app app …` commands."""

from commands import bulk_orders, database, operations, reports, users
from commands.demo import cli as demo


def register_commands(app) -> None:
    for module in (database, users, demo, bulk_orders, reports):
        app.cli.add_command(module.cli)
    app.cli.add_command(operations.backup)
    app.cli.add_command(operations.restore)
