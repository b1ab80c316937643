"""Admins manage the staff and admin accounts: add one, edit its name, role and whether it is
active, set a new password for it.

Accounts are never deleted, because orders, timeline events and notes name their people. A
leaver is deactivated instead: they can no longer sign in (models/accounts/sign_in.py), every session and
remember cookie they still have ends on its next request (a new session token, models/accounts/user.py),
and the board stops offering them as an assignee, while the orders they had keep their name.
A new password ends every session of the account too.

The shop always keeps an active admin. No admin can demote or deactivate their own account,
and nobody can demote or deactivate the last active admin. `update_account` checks this in the
transaction that writes the change, with the rows of the active admins locked (PostgreSQL:
SELECT … FOR UPDATE; SQLite: every write transaction is BEGIN IMMEDIATE), so when two admins
demote each other at the same moment one of them stays an admin.
"""

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from models.accounts.user import ROLES, User, check_new_password, new_session_token
from models.audit.log import record
from models.db import db, locked
from models.errors import DomainError


class EmailTaken(DomainError):
    message = _l("An account with this email already exists.")


class WrongPassword(DomainError):
    message = _l("That is not your current password.")


class AccountChangeRefused(DomainError):
    """The change would leave the shop without an active admin; `field` is the input to blame."""

    @property
    def field(self) -> str:
        return self.details.get("field", "role")


def accounts() -> list[User]:
    """Every account for the admin's list: active ones first, admins before staff, by name."""
    return list(User.select().order_by(User.active.desc(), User.role, User.name, User.id))


def create_account(email: str, name: str, role: str, password: str) -> User:
    """A new account that can sign in now; EmailTaken if the email (in any case) has one.

    WeakPassword if the password breaks the rule of models/accounts/user.py.
    """
    try:
        with db.atomic():
            if User.by_email(email) is not None:
                raise EmailTaken()
            user = User.register(email, name, password, role=role)
            record("account.created", _subject(user), after=_account(user))
            return user
    except IntegrityError as error:  # the same email, added a moment ago by someone else
        raise EmailTaken() from error


def update_account(user: User, actor: User | None, *, name: str, role: str, active: bool) -> User:
    """Set the account's name, role and whether it may sign in; deactivating it ends its sessions.

    AccountChangeRefused when `actor` would demote or deactivate their own account, or when
    the change would leave no active admin.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    with db.atomic():
        rows = {row.id: row for row in _locked_admins_and(user.id)}
        current = rows[user.id]
        if current.is_active_admin and not (role == "admin" and active):
            _refuse_losing_an_admin(current, actor, rows, demoted=role != "admin")
        changes = {User.name: name, User.role: role, User.active: active}
        if not active:
            changes[User.session_token] = new_session_token()
        User.update(changes).where(User.id == user.id).execute()
        saved = User.get_by_id(user.id)
        record("account.updated", _subject(saved), before=_account(current), after=_account(saved))
    return saved


def _subject(user: User) -> str:
    return f"{user.name} <{user.email}> #{user.id}"


def _account(user: User) -> dict:
    return {"name": user.name, "email": user.email, "role": user.role, "active": user.active}


def _locked_admins_and(user_id: int) -> list[User]:
    """The account `user_id` and every active admin, locked until the transaction ends.

    In id order, so two transactions lock them in the same order and never deadlock. A row
    another transaction changed while this one waited is read as it is after that change.
    """
    query = (
        User.select()
        .where((User.id == user_id) | ((User.role == "admin") & (User.active == True)))  # noqa: E712
        .order_by(User.id)
    )
    return list(locked(query))


def _refuse_losing_an_admin(current: User, actor: User | None, rows: dict, *, demoted: bool):
    field = "role" if demoted else "active"
    if actor is not None and actor.id == current.id:
        if demoted:
            message = _l("You can't remove your own admin role. Another admin can do it.")
        else:
            message = _l("You can't deactivate your own account. Another admin can do it.")
        raise AccountChangeRefused(message, field=field)
    if not any(row.is_active_admin for row in rows.values() if row.id != current.id):
        raise AccountChangeRefused(
            _l(
                "%(name)s is the last active admin. Make someone else an admin first.",
                name=current.name,
            ),
            field=field,
        )


def reset_password(user: User, password: str) -> User:
    """Give the account a new password (an admin or `flask user password` sets it for its owner);
    the old one stops working and every session and remember cookie of the account ends.

    WeakPassword if it breaks the rule of models/accounts/user.py. Returns the account as saved.
    """
    check_new_password(password)
    user.set_password(password)
    with db.atomic():
        User.update(password_hash=user.password_hash, session_token=new_session_token()).where(
            User.id == user.id
        ).execute()
        record("account.password_set", _subject(user))
    return User.get_by_id(user.id)


def change_own_password(user: User, current: str, password: str) -> User:
    """The account's owner replaces their password, proving they know the current one.

    WrongPassword or WeakPassword; otherwise like `reset_password` (every session ends).
    """
    if not user.check_password(current):
        raise WrongPassword()
    return reset_password(user, password)
