"""How text people typed is matched: `fold` in Python (tags, rule conditions), `contains` and
`ilike` in SQL (search). Latin letters compare without case; other scripts as written."""

from peewee import SQL, NodeList, Value

from models.db import is_postgres


def fold(text) -> str:
    """Text compared without case or surrounding spaces."""
    return str(text or "").strip().casefold()


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere; pair it with ESCAPE '\\'."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(node, text: str):
    """`node` contains `text`, exactly (answer text is stored with Latin letters folded)."""
    return NodeList((node, SQL("LIKE"), Value(_like(text)), SQL("ESCAPE '\\'")))


def ilike(node, text: str):
    """`node` contains `text`, ignoring the case of Latin letters, on SQLite and PostgreSQL."""
    operator = "ILIKE" if is_postgres() else "LIKE"
    return NodeList((node, SQL(operator), Value(_like(text)), SQL("ESCAPE '\\'")))
