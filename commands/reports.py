"""`flask --app app reports rebuild`: recount every sales rollup from the orders."""

import click
from flask.cli import AppGroup

from models.reports.recount import rebuild

cli = AppGroup("reports", help="Report rollups.")


@cli.command("rebuild")
def rebuild_command():
    click.echo(f"recounted {rebuild()} buckets")
