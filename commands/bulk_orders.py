"""`flask --app app bulk-orders 100000`: many realistic orders, fast, for load tests."""

import random
import time

import click
from flask.cli import with_appcontext

from commands.demo.order_generator import NothingToOrder, generate_orders
from models import db
from models.reports.recount import rebuild


@click.command("bulk-orders")
@click.argument("count", type=click.IntRange(1, 10_000_000))
@click.option(
    "--days", default=90, show_default=True, help="Spread the orders over this many days."
)
@click.option("--seed", default=None, type=int, help="Random seed, for repeatable orders.")
@with_appcontext
def cli(count, days, seed):
    """Insert COUNT orders of the published activities, spread over DAYS days, in every status.

    They hold no stock; run `demo` first on an empty database to have activities and staff.
    """
    started = time.perf_counter()
    with db.connection_context():
        try:
            created = generate_orders(count, random.Random(seed), days=days)
            rebuild()  # inserted rows send no order change: count the sales rollups again
        except NothingToOrder as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"inserted {created} orders in {time.perf_counter() - started:.1f} s")
