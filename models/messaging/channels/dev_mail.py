"""The development mail backend (`MAIL_BACKEND=dev`): nothing leaves the machine.

Each email is kept as one file (`<delivery key>.eml`) in a folder, `MAIL_DEV_DIR` (default
`instance/dev-mail/`), so the worker that "sends" it and every web process that shows it at
/dev/mail share the same mails. Written whole and then renamed: a reader never sees half a
mail. The newest KEEP are kept; a delivery kept twice is one file.
"""

import email
import os
import re
import tempfile
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

KEEP = 200
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def keep_mail(folder: str | Path, message: EmailMessage, *, key: str) -> None:
    """Keep `message` in `folder` under its delivery `key`, then forget the oldest beyond KEEP."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(message.as_bytes(policy=policy.SMTP))
        os.replace(temporary, folder / f"{UNSAFE.sub('_', key)}.eml")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for old in _newest_first(folder)[KEEP:]:
        old.unlink(missing_ok=True)  # another worker may be trimming too


def recent_mails(folder: str | Path, limit: int = 20) -> list[dict]:
    """The last `limit` mails kept in `folder`, newest first: dicts of at (naive UTC datetime),
    to, subject, message_id and text (the plain-text part)."""
    mails = []
    for path in _newest_first(Path(folder))[:limit]:
        try:
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        except FileNotFoundError:  # trimmed a moment ago
            continue
        text = message.get_body(("plain",))
        mails.append(
            {
                "at": _naive_utc(parsedate_to_datetime(message["Date"])),
                "to": message["To"],
                "subject": message["Subject"],
                "message_id": message["Message-ID"],
                "text": text.get_content() if text else "",
            }
        )
    return mails


def _naive_utc(moment: datetime) -> datetime:
    """`moment` as the naive UTC datetime the templates' filters take (a Date of -0000, as
    models/messaging/channels/email.py writes, already parses naive)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _newest_first(folder: Path) -> list[Path]:
    found = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        if entry.name.endswith(".eml"):
            try:
                found.append((entry.stat().st_mtime_ns, entry.name, Path(entry.path)))
            except FileNotFoundError:
                continue
    return [path for _, _, path in sorted(found, reverse=True)]
