"""The staff board: saved views; indexes that keep every board filter fast on large shops (pages
by pickup point or assignee, one covering index for the counts per status); and the answers'
text for search, a table the database keeps current with triggers (models/answer_text.py)."""
from peewee import *
from playhouse.migrate import make_index_name

ORDER_INDEXES = (
    ('pickup_point_id', 'created_at'),
    ('assignee_id', 'created_at'),
    ('status', 'created_at', 'template_id', 'pickup_point_id', 'assignee_id', 'payment_status', 'total'),
)

# Every string anywhere in the answers, one per line, Latin letters in lower case.
SQLITE_TEXT = "(SELECT lower(coalesce(group_concat(value, char(10)), '')) FROM json_tree({answers}) WHERE type = 'text')"
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER order_answer_text_insert AFTER INSERT ON "order" BEGIN
        INSERT INTO order_answer_text (order_id, text) VALUES (NEW.id, {SQLITE_TEXT.format(answers='NEW.answers')});
    END""",
    f"""CREATE TRIGGER order_answer_text_update AFTER UPDATE OF answers ON "order" BEGIN
        UPDATE order_answer_text SET text = {SQLITE_TEXT.format(answers='NEW.answers')} WHERE order_id = NEW.id;
    END""",
)
POSTGRES_TEXT = (
    "(SELECT translate(coalesce(string_agg(v #>> '{{}}', E'\\n'), ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') "
    "FROM jsonb_path_query({answers}, 'strict $.**') AS v WHERE jsonb_typeof(v) = 'string')"
)
POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION order_answer_text_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO order_answer_text (order_id, text) VALUES (NEW.id, {POSTGRES_TEXT.format(answers='NEW.answers')})
        ON CONFLICT (order_id) DO UPDATE SET text = EXCLUDED.text;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER order_answer_text_keep AFTER INSERT OR UPDATE OF answers ON "order"
        FOR EACH ROW EXECUTE FUNCTION order_answer_text_keep()""",
)


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class SavedView(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        name = CharField(max_length=60)
        query = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'saved_view'
            indexes = ((('user', 'name'), True),)

    class OrderAnswerText(Model):
        order = ForeignKeyField(Order, primary_key=True, on_delete='CASCADE')
        text = TextField(default='')
        class Meta:
            database = db
            table_name = 'order_answer_text'

    db.create_tables([SavedView, OrderAnswerText])
    migrator.migrate(*[migrator.add_index('order', columns, False) for columns in ORDER_INDEXES])
    postgres = isinstance(db, PostgresqlDatabase)
    text = (POSTGRES_TEXT if postgres else SQLITE_TEXT).format(answers='"order".answers')
    db.execute_sql(f'INSERT INTO order_answer_text (order_id, text) SELECT id, {text} FROM "order"')
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TRIGGER order_answer_text_keep ON "order"')
        db.execute_sql('DROP FUNCTION order_answer_text_keep()')
    else:
        db.execute_sql('DROP TRIGGER order_answer_text_insert')
        db.execute_sql('DROP TRIGGER order_answer_text_update')
    migrator.migrate(*[migrator.drop_index('order', make_index_name('order', columns)) for columns in ORDER_INDEXES])
    migrator.migrate(migrator.drop_table('order_answer_text'), migrator.drop_table('saved_view'))
