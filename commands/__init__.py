"""`flask --app app …` commands."""

from commands import database, demo, users


def register_commands(app) -> None:
    for module in (database, users, demo):
        app.cli.add_command(module.cli)
