"""Order changes numbered by the database, not by a clock (models/changes.py).

Every INSERT or UPDATE of an order, by the app, a script, an import or a hand-written SQL fix,
gives the row:

  - change_seq: the next number of a database counter (a PostgreSQL sequence; on SQLite a row
    of the `counter` table, bumped by the trigger in the writing transaction);
  - change_tx: the writing transaction, for telling what a reader may not have seen yet. On
    PostgreSQL it is the transaction id (pg_current_xact_id); on SQLite, whose writers commit
    one at a time, it is change_seq again.

PostgreSQL sets both in a BEFORE trigger. SQLite cannot change NEW, so its AFTER triggers
update the row once more; that update, the only write that raises change_seq, fires nothing.
The updated_at index served only the board's old, clock-based polling and goes.
"""
from peewee import *

SQLITE_BUMP = """INSERT INTO counter (name, value) VALUES ('order_change', 1)
            ON CONFLICT (name) DO UPDATE SET value = value + 1;
        UPDATE "order" SET (change_seq, change_tx) = (
            SELECT value, value FROM counter WHERE name = 'order_change') WHERE id = NEW.id"""

SQLITE = (
    f"""CREATE TRIGGER order_change_insert AFTER INSERT ON "order" BEGIN
        {SQLITE_BUMP};
    END""",
    # Not for the update the triggers make themselves, the only write that raises the number.
    f"""CREATE TRIGGER order_change_update AFTER UPDATE ON "order"
        WHEN NEW.change_seq <= OLD.change_seq BEGIN
        {SQLITE_BUMP};
    END""",
)

POSTGRES = (
    "CREATE SEQUENCE order_change_seq",
    """CREATE FUNCTION order_change_number() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.change_seq := nextval('order_change_seq');
        NEW.change_tx := pg_current_xact_id()::text::bigint;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER order_change_number BEFORE INSERT OR UPDATE ON "order"
        FOR EACH ROW EXECUTE FUNCTION order_change_number()""",
)


def up(migrator, db):
    # Plain ALTER TABLE: the migrator would rebuild SQLite's table, dropping its triggers.
    for column in ('change_seq', 'change_tx'):
        db.execute_sql(f'ALTER TABLE "order" ADD COLUMN {column} BIGINT NOT NULL DEFAULT 0')
    migrator.migrate(migrator.drop_index('order', 'order_updated_at'))
    for statement in POSTGRES if isinstance(db, PostgresqlDatabase) else SQLITE:
        db.execute_sql(statement)
    db.execute_sql('UPDATE "order" SET change_seq = 0')  # the triggers number the orders there are
    migrator.migrate(
        migrator.add_index('order', ('change_tx', 'change_seq'), False),
        migrator.add_index('order', ('template_id', 'change_seq'), False),
    )


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TRIGGER order_change_number ON "order"')
        db.execute_sql('DROP FUNCTION order_change_number()')
        db.execute_sql('DROP SEQUENCE order_change_seq')
    else:
        for trigger in ('insert', 'update'):
            db.execute_sql(f'DROP TRIGGER order_change_{trigger}')
        db.execute_sql("DELETE FROM counter WHERE name = 'order_change'")
    migrator.migrate(
        migrator.drop_index('order', 'order_change_tx_change_seq'),
        migrator.drop_index('order', 'order_template_id_change_seq'),
        migrator.drop_column('order', 'change_seq'),
        migrator.drop_column('order', 'change_tx'),
        migrator.add_index('order', ('updated_at',), False),
    )
