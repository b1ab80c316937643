"""Sessions that can be ended, and failed sign-ins counted across every worker.

user.session_token is part of every session and remember cookie of the account; a new token
ends them all (models/user.py). Existing accounts get a random one, so sessions from before
this migration end once. sign_in_attempt holds the failed sign-ins of the last window
(models/sign_in_throttle.py).
"""
import secrets

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('user', 'session_token', CharField(default='')))
    for (user_id,) in db.execute_sql('SELECT id FROM "user"').fetchall():
        db.execute_sql(
            f'UPDATE "user" SET session_token = {db.param} WHERE id = {db.param}',
            (secrets.token_urlsafe(16), user_id),
        )

    class SignInAttempt(Model):
        email = CharField()
        address = CharField()
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'sign_in_attempt'
            indexes = (
                (('email', 'at'), False),
                (('address', 'at'), False),
                (('at',), False),
            )
    db.create_tables([SignInAttempt])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('sign_in_attempt'),
        migrator.drop_column('user', 'session_token'),
    )
