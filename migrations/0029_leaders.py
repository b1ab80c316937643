"""Group leaders (models/leaders/): the pickup points each runs, the leader whose share link
brought an order, and commission periods an admin marked settled."""
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

    class CommissionSettlement(Model):
        leader = ForeignKeyField(User, on_delete='CASCADE')
        start = DateField()
        end = DateField()
        amount = IntegerField()
        settled_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        settled_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'commission_settlement'
            indexes = ((('leader', 'start', 'end'), True),)

    db.create_tables([LeaderPoint, Referral, CommissionSettlement])


def down(migrator, db):
    for table in ('commission_settlement', 'referral', 'leader_point'):
        migrator.migrate(migrator.drop_table(table))
