"""成团 and group prices (models/groupbuy/): each activity's outcome at its deadline, decided
once, and each order's total before and after its group price was fixed."""
from peewee import *


def up(migrator, db):
    class FormTemplate(Model):
        class Meta:
            database = db
            table_name = 'form_template'

    class GroupOutcome(Model):
        template = ForeignKeyField(FormTemplate, unique=True, on_delete='CASCADE')
        formed = BooleanField()
        joined = IntegerField()
        minimum = IntegerField()
        decided_at = DateTimeField()
        settled = BooleanField(default=False)

        class Meta:
            database = db
            table_name = 'group_outcome'

    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class FinalPrice(Model):
        order = ForeignKeyField(Order, unique=True, on_delete='CASCADE')
        before_total = IntegerField()
        after_total = IntegerField()
        fixed_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'final_price'

    db.create_tables([GroupOutcome, FinalPrice])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('final_price'), migrator.drop_table('group_outcome'))
