"""The customers directory (models/latest_order.py): each customer's latest order in a table of
its own, indexed by (created_at, order_id) and kept by triggers on "order":

  - INSERT: the new order replaces the customer's row when it is newer (an upsert; the order of
    two customers' orders placed at once does not matter);
  - UPDATE that changes an order's customer or created_at (the demo shop dates its orders back),
    and DELETE: the customers concerned get their latest order looked up again.

Existing orders fill the table once.
"""
from peewee import *

FILL = """INSERT INTO latest_order (customer_id, order_id, created_at)
    SELECT customer_id, id, created_at FROM (
        SELECT customer_id, id, created_at, ROW_NUMBER() OVER (
            PARTITION BY customer_id ORDER BY created_at DESC, id DESC) AS newest
        FROM "order") AS ranked
    WHERE newest = 1"""

NEWER = """INSERT INTO latest_order (customer_id, order_id, created_at)
            VALUES (NEW.customer_id, NEW.id, NEW.created_at)
        ON CONFLICT (customer_id) DO UPDATE
            SET order_id = excluded.order_id, created_at = excluded.created_at
            WHERE (excluded.created_at, excluded.order_id) > (latest_order.created_at, latest_order.order_id)"""

# The latest order of the customers {customers} names, looked up again.
AGAIN = """DELETE FROM latest_order WHERE customer_id IN ({customers});
        INSERT INTO latest_order (customer_id, order_id, created_at)
            SELECT o.customer_id, o.id, o.created_at FROM "order" AS o
            WHERE o.customer_id IN ({customers}) AND o.id = (
                SELECT n.id FROM "order" AS n WHERE n.customer_id = o.customer_id
                ORDER BY n.created_at DESC, n.id DESC LIMIT 1)"""

SQLITE = (
    f"""CREATE TRIGGER latest_order_insert AFTER INSERT ON "order" BEGIN
        {NEWER};
    END""",
    f"""CREATE TRIGGER latest_order_update AFTER UPDATE OF customer_id, created_at ON "order"
        WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.created_at IS NOT NEW.created_at BEGIN
        {AGAIN.format(customers='OLD.customer_id, NEW.customer_id')};
    END""",
    f"""CREATE TRIGGER latest_order_delete AFTER DELETE ON "order" BEGIN
        {AGAIN.format(customers='OLD.customer_id')};
    END""",
)

POSTGRES = (
    f"""CREATE FUNCTION latest_order_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {NEWER};
        ELSIF TG_OP = 'DELETE' THEN
            {AGAIN.format(customers='OLD.customer_id')};
        ELSIF (NEW.customer_id, NEW.created_at) IS DISTINCT FROM (OLD.customer_id, OLD.created_at) THEN
            {AGAIN.format(customers='OLD.customer_id, NEW.customer_id')};
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER latest_order_keep AFTER INSERT OR DELETE OR UPDATE OF customer_id, created_at
        ON "order" FOR EACH ROW EXECUTE FUNCTION latest_order_keep()""",
)


def up(migrator, db):
    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class LatestOrder(Model):
        customer = ForeignKeyField(Customer, primary_key=True, on_delete='CASCADE')
        order = ForeignKeyField(Order, on_delete='CASCADE')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'latest_order'
            indexes = ((('created_at', 'order'), False),)

    db.create_tables([LatestOrder])
    db.execute_sql(FILL)
    for statement in POSTGRES if isinstance(db, PostgresqlDatabase) else SQLITE:
        db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TRIGGER latest_order_keep ON "order"')
        db.execute_sql('DROP FUNCTION latest_order_keep()')
    else:
        for trigger in ('insert', 'update', 'delete'):
            db.execute_sql(f'DROP TRIGGER latest_order_{trigger}')
    migrator.migrate(migrator.drop_table('latest_order'))
