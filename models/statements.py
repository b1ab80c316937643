"""Statements on the order submit's hot path, turned into SQL by peewee once per database kind.

Peewee takes longer to build a statement's SQL than the database takes to run it (issue 22's
profile: 44 % of a submit). A `Statement` is written as an ordinary peewee query with a `Slot`
wherever a value changes from run to run; the first run on a database kind keeps the SQL and
its parameters, later runs only fill the slots. Slots take values as the database wants them
(no field conversion): ints, text, datetimes, booleans; JSON as `as_json(field, value)`.
"""

from collections.abc import Callable

from peewee import Function, Node

from models.db import db


class _Named:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class Slot(Node):
    """A value a Statement takes when it runs: `Order.submission_key == Slot("key")`."""

    def __init__(self, name: str):
        self.name = name

    def __sql__(self, ctx):
        return ctx.value(_Named(self.name), converter=False)


class Statement:
    def __init__(self, build: Callable[[], Node]):
        self._build = build
        self._compiled: dict[type, tuple[str, list]] = {}

    def run(self, **values):
        """Execute with `values` in the slots; the cursor."""
        kind = type(db.obj)
        compiled = self._compiled.get(kind)
        if compiled is None:
            compiled = self._compiled[kind] = self._build().sql()
        sql, params = compiled
        return db.execute_sql(sql, [values[p.name] if isinstance(p, _Named) else p for p in params])

    def one(self, **values):
        """The first row (a tuple), or None."""
        return self.run(**values).fetchone()


class StatementPerCount:
    """Statements that differ only in how many items they hold (an IN list, the rows of an
    INSERT): one per count met, its slots named `name0`, `name1`, ... (`slots(name, n)` in
    `build(n)`)."""

    def __init__(self, build: Callable[[int], Node]):
        self._build = build
        self._by_count: dict[int, Statement] = {}

    def run(self, name: str, items: list, **values):
        values.update({f"{name}{i}": item for i, item in enumerate(items)})
        return self.of(len(items)).run(**values)

    def of(self, count: int) -> Statement:
        """The statement for `count` items (its slots filled by the caller)."""
        if count not in self._by_count:
            self._by_count[count] = Statement(lambda: self._build(count))
        return self._by_count[count]


def slots(name: str, count: int) -> list[Slot]:
    return [Slot(f"{name}{i}") for i in range(count)]


def instances(model, fields: list, rows) -> list:
    """Model instances from `rows` of the columns `fields`, as a peewee query makes them."""
    made = []
    for row in rows:
        values = {f.name: f.python_value(v) for f, v in zip(fields, row, strict=True)}
        instance = model(__no_default__=1, **values)
        instance._dirty.clear()
        made.append(instance)
    return made


def as_json(field, value):
    """`value` as the JSON `field` stores it, for a Slot (SQLite: the text; PostgreSQL: the
    driver's JSON parameter)."""
    converted = field.db_value(value)
    return converted.arguments[0] if isinstance(converted, Function) else converted


_INSERTS: dict[type, tuple[list, Statement]] = {}


def insert_row(row):
    """INSERT the model instance `row` (its defaults filled as `Model.create` fills them) with
    SQL built once per model and database kind; its new id is set on it. Returns `row`."""
    model = type(row)
    if model not in _INSERTS:
        key = model._meta.primary_key
        fields = [field for field in model._meta.sorted_fields if field is not key]
        _INSERTS[model] = (
            fields,
            Statement(
                lambda: model.insert({field: Slot(field.name) for field in fields}).returning(key)
            ),
        )
    fields, statement = _INSERTS[model]
    data = row.__data__
    (row_id,) = statement.one(**{f.name: as_json(f, data.get(f.name)) for f in fields})
    row._pk = row_id
    row._dirty.clear()
    return row
