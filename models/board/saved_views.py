"""A staff member's named board filters ("My unpaid", "Saturday pickup")."""

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from models.accounts.user import User
from models.base import BaseModel, utcnow

MAX_NAME = 60


class SavedView(BaseModel):
    user = ForeignKeyField(User, backref="saved_views", on_delete="CASCADE")
    name = CharField(max_length=MAX_NAME)
    query = TextField(default="")  # the board's URL query string, e.g. "status=pending&q=8000"
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "name"), True),)


def views_of(user: User) -> list[SavedView]:
    return list(SavedView.select().where(SavedView.user == user.id).order_by(SavedView.name))


def save_view(user: User, name: str, query: str) -> SavedView:
    """Keep `query` under `name` for `user`; saving an existing name replaces its query."""
    SavedView.insert(user=user.id, name=name, query=query).on_conflict(
        conflict_target=[SavedView.user, SavedView.name],
        update={SavedView.query: query, SavedView.created_at: utcnow()},
    ).execute()
    return SavedView.get(SavedView.user == user.id, SavedView.name == name)


def delete_view(user: User, view_id: int) -> bool:
    """Delete one of `user`'s own views; False when they have none with that id."""
    deleted = SavedView.delete().where(SavedView.id == view_id, SavedView.user == user.id).execute()
    return deleted == 1
