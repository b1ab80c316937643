"""`flask --app app demo`: a living shop to try Jielong with."""

import random
import secrets

import click
from flask.cli import with_appcontext
from peewee import IntegrityError

from commands.demo.batches import build_batches
from commands.demo.delivery import build_delivery
from commands.demo.group_buy import build_group_buy, build_leader, build_offers
from commands.demo.members import MEMBER, build_member_prices, place_member_orders
from commands.demo.purchasing import build_purchasing
from commands.demo.shop import (
    build_catalog,
    build_rules,
    build_templates,
    place_demo_orders,
    settle_seeded_work,
)
from commands.demo.variants import build_variants
from commands.demo.waitlist import build_waiting_list
from models import Order, User, db
from models.reports.recount import rebuild

ROLES = ("admin", "staff", "leader", "courier")  # the demo accounts, each <role>@example.com


@click.command("demo")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database already has users or orders."
)
@click.option("--orders", default=200, show_default=True, help="How many orders to create.")
@click.option("--seed", default=None, type=int, help="Random seed, for a repeatable shop.")
@with_appcontext
def cli(if_empty, orders, seed):
    """Create products (with cost prices, two with variants, member prices for a 金卡 tier) in two
    warehouses, a supplier with purchase orders, pickup points, three published activities (one
    a 成团 with tiered prices), a coupon and a 满减, delivery zones, four accounts (admin, staff,
    a group leader and a courier), orders (three of them a 金卡 member's), a courier's run for
    today, a waiting list on a sold-out product and batches with expiry dates."""
    with db.connection_context():
        if User.select().exists() or Order.select().exists():
            _already_a_shop(if_empty)
            return
        passwords = {role: secrets.token_urlsafe(9) for role in ROLES}
        try:
            with db.atomic():
                admin = User.register(
                    "admin@example.com", "店长 Admin", passwords["admin"], role="admin"
                )
                staff = User.register(
                    "staff@example.com", "店员 Staff", passwords["staff"], role="staff"
                )
                products = build_variants(build_catalog())
                build_member_prices()
                templates = build_templates(products, admin)
                build_rules(templates, [admin, staff])
                build_offers()
                build_purchasing(products, staff)
                build_leader(passwords["leader"])
                courier = User.register(
                    "courier@example.com", "骑手 Courier", passwords["courier"], role="courier"
                )
        except IntegrityError:  # another `demo` made the shop a moment ago
            _already_a_shop(if_empty)
            return
        rng = random.Random(seed)
        created = place_demo_orders(templates, [admin, staff], orders, rng)
        created += place_member_orders(templates[0], [admin, staff], rng)
        with db.atomic():
            build_group_buy(admin)
        created += build_delivery(templates[0], staff, courier)
        build_waiting_list(templates[0])
        with db.atomic():
            build_batches(staff)
        settle_seeded_work()  # the invented orders' messages and rule runs are not sent
        rebuild()  # the sales rollups, at once rather than by the worker
    click.echo(
        f"demo shop ready: {len(products)} products, {len(templates) + 1} activities, "
        f"{created} orders"
    )
    click.echo(f"a 金卡 member (member prices on the fruit form): {MEMBER[0]}, phone {MEMBER[1]}")
    click.echo("sign in at /login with:")
    for role in ROLES:
        click.echo(f"  {role:7}  {role}@example.com  password: {passwords[role]}")


def _already_a_shop(if_empty: bool) -> None:
    """Say that the database has a shop, which accounts can sign in, and how to set a password
    (passwords are stored hashed, so the first run's cannot be shown again)."""
    admins = User.select(User.email).where(User.role == "admin", User.active == True)  # noqa: E712
    lines = [
        "this database already has a shop: demo skipped, nothing changed",
        f"admins: {', '.join(a.email for a in admins.order_by(User.email)) or 'none'}",
        "to sign in without the password, set a new one:",
        "  .venv/bin/flask --app app user password EMAIL",
    ]
    if if_empty:
        click.echo("\n".join(lines))
        return
    raise click.ClickException("\n".join(lines))
