"""The first schema: accounts, customers, catalog and stock, form templates, orders."""
from peewee import *

def up(migrator, db):
    class Counter(Model):
        name = CharField(primary_key=True)
        value = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'counter'
    db.create_tables([Counter])

    class Customer(Model):
        name = CharField()
        phone = CharField(unique=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'customer'
    db.create_tables([Customer])

    class FormTemplate(Model):
        slug = CharField(unique=True)
        title = CharField()
        description = TextField(default='')
        kind = CharField(default='goods')
        status = CharField(index=True, default='draft')
        draft = JSONField(default=dict)
        opens_at = DateTimeField(null=True)
        closes_at = DateTimeField(index=True, null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'form_template'
    db.create_tables([FormTemplate])

    class User(Model):
        email = CharField(unique=True)
        name = CharField()
        role = CharField(default='staff')
        password_hash = CharField()
        active = BooleanField(default=True)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class FormTemplateVersion(Model):
        template = ForeignKeyField(FormTemplate)
        number = IntegerField()
        title = CharField()
        fields = JSONField(default=list)
        settings = JSONField(default=dict)
        published_at = DateTimeField()
        published_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'form_template_version'
            indexes = ((('template', 'number'), True),)
    db.create_tables([FormTemplateVersion])

    class PickupPoint(Model):
        name = CharField()
        address = TextField(default='')
        window = CharField(default='')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'pickup_point'
    db.create_tables([PickupPoint])

    class Order(Model):
        number = IntegerField(unique=True)
        tracking_token = CharField(unique=True)
        submission_key = CharField(unique=True)
        template = ForeignKeyField(FormTemplate)
        template_version = ForeignKeyField(FormTemplateVersion)
        customer = ForeignKeyField(Customer)
        status = CharField(default='pending')
        payment_status = CharField(index=True, default='unpaid')
        subtotal = IntegerField(default=0)
        delivery_fee = IntegerField(default=0)
        total = IntegerField(default=0, constraints=[Check('total >= 0')])
        answers = JSONField(default=dict)
        pickup_point = ForeignKeyField(PickupPoint, null=True)
        address = TextField(default='')
        assignee = ForeignKeyField(User, null=True)
        version = IntegerField(default=1)
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'order'
            indexes = ((('status', 'created_at'), False), (('template', 'created_at'), False), (('customer', 'created_at'), False))
    db.create_tables([Order])

    class Note(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        author = ForeignKeyField(User)
        kind = CharField(default='note')
        body = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'note'
            indexes = ((('order', 'created_at'), False),)
    db.create_tables([Note])

    class OrderEvent(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        kind = CharField()
        from_status = CharField(null=True)
        to_status = CharField(null=True)
        actor_kind = CharField()
        actor_user = ForeignKeyField(User, null=True)
        actor_label = CharField(default='')
        note = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'order_event'
            constraints = [SQL("CHECK (actor_kind IN ('customer','staff','admin','rule','system'))")]
            indexes = ((('order', 'created_at'), False),)
    db.create_tables([OrderEvent])

    class Product(Model):
        name = CharField()
        sku = CharField(unique=True)
        price = IntegerField(constraints=[Check('price >= 0')])
        unit = CharField(default='')
        description = TextField(default='')
        tracks_stock = BooleanField(default=True)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'product'
    db.create_tables([Product])

    class Warehouse(Model):
        code = CharField(unique=True)
        name = CharField()
        class Meta:
            database = db
            table_name = 'warehouse'
    db.create_tables([Warehouse])

    class OrderLine(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        product = ForeignKeyField(Product, null=True)
        warehouse = ForeignKeyField(Warehouse, null=True)
        name = CharField()
        unit_price = IntegerField(constraints=[Check('unit_price >= 0')])
        quantity = IntegerField(constraints=[Check('quantity > 0')])
        class Meta:
            database = db
            table_name = 'order_line'
    db.create_tables([OrderLine])

    class Stock(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        warehouse = ForeignKeyField(Warehouse)
        on_hand = IntegerField(default=0, constraints=[Check('on_hand >= 0')])
        reserved = IntegerField(default=0, constraints=[Check('reserved >= 0')])
        class Meta:
            database = db
            table_name = 'stock'
            indexes = ((('product', 'warehouse'), True),)
            constraints = [SQL('CHECK (reserved <= on_hand)')]
    db.create_tables([Stock])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('stock'))
    migrator.migrate(migrator.drop_table('order_line'))
    migrator.migrate(migrator.drop_table('warehouse'))
    migrator.migrate(migrator.drop_table('product'))
    migrator.migrate(migrator.drop_table('order_event'))
    migrator.migrate(migrator.drop_table('note'))
    migrator.migrate(migrator.drop_table('order'))
    migrator.migrate(migrator.drop_table('pickup_point'))
    migrator.migrate(migrator.drop_table('form_template_version'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('form_template'))
    migrator.migrate(migrator.drop_table('customer'))
    migrator.migrate(migrator.drop_table('counter'))
