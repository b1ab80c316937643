"""Group leaders (models/leaders/): the pickup points each runs, and the leader whose share
link brought an order."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class PickupPoint(Model):
        class Meta:
            database = db
            table_name = 'pickup_point'

    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class LeaderPoint(Model):
        point = ForeignKeyField(PickupPoint, unique=True, on_delete='CASCADE')
        leader = ForeignKeyField(User, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'leader_point'

    class Referral(Model):
        order = ForeignKeyField(Order, unique=True, on_delete='CASCADE')
        leader = ForeignKeyField(User, on_delete='CASCADE')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'referral'

    db.create_tables([LeaderPoint, Referral])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('referral'), migrator.drop_table('leader_point'))
