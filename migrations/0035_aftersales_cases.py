"""After-sales (models/aftersales/case.py): aftersales_case, its lines, its timeline and
its photos."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Order(Model):
        class Meta:
            database = db
            table_name = "order"

    class OrderLine(Model):
        class Meta:
            database = db
            table_name = "order_line"

    class AfterSalesCase(Model):
        order = ForeignKeyField(Order, on_delete="CASCADE")
        kind = CharField(max_length=16)
        status = CharField(max_length=16, default="requested")
        reason = CharField(max_length=64, default="")
        details = TextField(default="")
        preferred = CharField(max_length=16, default="")
        answer = TextField(default="")
        assignee = ForeignKeyField(User, null=True, on_delete="SET NULL")
        version = IntegerField(default=1)
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        first_answer_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "aftersales_case"
            indexes = ((("status", "created_at"), False), (("order", "created_at"), False))

    class CaseLine(Model):
        case = ForeignKeyField(AfterSalesCase, on_delete="CASCADE")
        line = ForeignKeyField(OrderLine, on_delete="CASCADE")
        quantity = IntegerField(constraints=[Check("quantity > 0")])
        disposition = CharField(max_length=16, null=True)

        class Meta:
            database = db
            table_name = "aftersales_case_line"
            indexes = ((("case", "line"), True),)

    class CaseEvent(Model):
        case = ForeignKeyField(AfterSalesCase, on_delete="CASCADE")
        kind = CharField(max_length=16)
        from_status = CharField(max_length=16, null=True)
        to_status = CharField(max_length=16, null=True)
        actor_kind = CharField(max_length=16)
        actor_user = ForeignKeyField(User, null=True, on_delete="SET NULL")
        actor_label = CharField(default="")
        note = TextField(default="")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "aftersales_case_event"
            indexes = ((("case", "created_at"), False),)
            constraints = [
                SQL("CHECK (actor_kind IN ('customer', 'staff', 'admin', 'rule', 'system'))")
            ]

    class CasePhoto(Model):
        case = ForeignKeyField(AfterSalesCase, on_delete="CASCADE")
        image = CharField(max_length=80)
        thumbnail = CharField(max_length=80)

        class Meta:
            database = db
            table_name = "aftersales_case_photo"

    db.create_tables([AfterSalesCase, CaseLine, CaseEvent, CasePhoto])


def down(migrator, db):
    for table in ("aftersales_case_photo", "aftersales_case_event", "aftersales_case_line", "aftersales_case"):
        migrator.migrate(migrator.drop_table(table))
