"""Activities count their places (order cap, per-customer limit, time slots); orders remember
the places they hold and the language they were placed in."""
from peewee import *


def up(migrator, db):
    class FormTemplate(Model):
        class Meta:
            database = db
            table_name = 'form_template'

    class Allotment(Model):
        template = ForeignKeyField(FormTemplate, on_delete='CASCADE')
        key = CharField()
        taken = IntegerField(default=0, constraints=[Check('taken >= 0')])
        class Meta:
            database = db
            table_name = 'allotment'
            indexes = ((('template', 'key'), True),)
    db.create_tables([Allotment])
    migrator.migrate(
        migrator.add_column('order', 'holds', JSONField(null=True)),
        migrator.add_column('order', 'locale', CharField(default='zh_CN')),
    )
    db.execute_sql('''UPDATE "order" SET holds = '[]' ''')
    migrator.migrate(migrator.add_not_null('order', 'holds'))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('order', 'holds'),
        migrator.drop_column('order', 'locale'),
    )
    db.execute_sql('DROP TABLE allotment')
