"""`flask --app app db upgrade|status`."""

import click
from flask.cli import AppGroup

from models import schema

cli = AppGroup("db", help="Database schema.")


@cli.command("upgrade")
@click.option("--to", "target", default=None, help="Stop after this migration.")
def upgrade(target):
    """Apply pending schema migrations."""
    applied = schema.upgrade(target)
    click.echo("\n".join(f"applied: {name}" for name in applied) or "schema is up to date")


@cli.command("status")
def status():
    """List migrations not yet applied; exit 1 if there are any."""
    pending = schema.pending()
    click.echo("\n".join(f"pending: {name}" for name in pending) or "schema is up to date")
    raise SystemExit(1 if pending else 0)
