"""`flask --app app user create EMAIL --role admin|staff`, `flask --app app user password EMAIL`."""

import click
from flask.cli import AppGroup
from peewee import IntegrityError

from models import User, db
from models.accounts.admin import reset_password
from models.accounts.user import MIN_PASSWORD_LENGTH, ROLES, WeakPassword

cli = AppGroup("user", help="Staff and admin accounts.")


def _too_short() -> click.ClickException:
    """The rule of the Users page too (models/accounts/user.py)."""
    return click.ClickException(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


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
    except WeakPassword as error:
        raise _too_short() from error
    click.echo(f"created {user.role} {user.email}")


@cli.command("password")
@click.argument("email")
@click.password_option(help="Prompted for (hidden, twice) when not given.")
def password(email, password):
    """Set a new password for the account of EMAIL and sign it out everywhere."""
    with db.connection_context():
        user = User.by_email(email)
        if user is None:
            raise click.ClickException(f"no account has the email {email}")
        try:
            user = reset_password(user, password)
        except WeakPassword as error:
            raise _too_short() from error
    click.echo(f"new password set for {user.email}; every session of this account has ended")
    if not user.active:
        click.echo("the account is inactive: an admin activates it at /admin/users")
