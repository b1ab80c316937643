"""`flask --app app user create EMAIL --role admin|staff`."""

import click
from flask.cli import AppGroup
from peewee import IntegrityError

from models import User, db
from models.user import MIN_PASSWORD_LENGTH, ROLES, WeakPassword

cli = AppGroup("user", help="Staff and admin accounts.")


@cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True)
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.password_option(help="Prompted for when not given.")
def create(email, role, name, password):
    """Create an account that can sign in."""
    try:
        with db.connection_context():
            user = User.register(email, name or email.split("@")[0], password, role=role)
    except IntegrityError as error:
        raise click.ClickException(f"an account for {email} already exists") from error
    except WeakPassword as error:  # the rule of the Users page too (models/user.py)
        raise click.ClickException(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
        ) from error
    click.echo(f"created {user.role} {user.email}")
