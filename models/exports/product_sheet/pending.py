"""An uploaded product sheet kept between its preview and the admin's confirmation, under an
unguessable name in the uploads' storage (models/uploads.py), so every app process finds it and
the confirmation needs no second upload (nor JavaScript). Importing it removes it."""

import re
import secrets

from models.uploads import storage

TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _name(token: str) -> str:
    return f"sheet-{token}.upload"


def keep(data: bytes) -> str:
    """Keep the file; the token that finds it again."""
    token = secrets.token_urlsafe(32)
    storage().write(_name(token), data)
    return token


def kept(token: str) -> bytes | None:
    """The file kept under `token`, None for a token that is not one (or one already used)."""
    if not TOKEN.fullmatch(token or ""):
        return None
    return storage().read(_name(token))


def kept_before(moment) -> list[str]:
    """The tokens of files kept before `moment` (naive UTC), as far as the storage can tell."""
    return [name[6:-7] for name in storage().kept_before("sheet-*.upload", moment)]


def forget(token: str) -> None:
    if TOKEN.fullmatch(token or ""):
        storage().remove(_name(token))
