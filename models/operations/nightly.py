"""The app's own backups: where they go and what they hold by its settings (BACKUP_DIR,
UPLOAD_FOLDER), and the nightly one at BACKUP_HOUR shop time with its retention
(BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY)."""

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from models.operations.backup import archive_times, make_backup
from models.operations.retention import prune_backups
from models.shop_time import shop_zone

PROJECT = Path(__file__).resolve().parent.parent.parent


def uploads_folder() -> Path:
    config = current_app.config
    return Path(config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads")


def backup_folder(directory: str | Path | None = None) -> Path:
    return Path(directory or current_app.config["BACKUP_DIR"])


def back_up_app(directory: str | Path | None = None, now: datetime | None = None) -> Path:
    """Back up this app's database and uploads into `directory` (default BACKUP_DIR)."""
    return make_backup(
        current_app.config["DATABASE_URL"],
        uploads_folder(),
        backup_folder(directory),
        app_version=app_version(),
        now=now,
    )


def app_version() -> str:
    """The code's git commit (`git describe`), or "unknown" outside a checkout."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=PROJECT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def nightly_backup(now: datetime | None = None) -> tuple[Path | None, list[Path]]:
    """In the BACKUP_HOUR of the shop's day: back up, then delete what retention lets go.
    Returns the new archive (None outside that hour) and the archives deleted."""
    now = now or datetime.now(UTC)
    config = current_app.config
    if now.astimezone(shop_zone()).hour != config["BACKUP_HOUR"]:
        return None, []
    archive = back_up_app(now=now)
    zone = shop_zone()
    made = {path: moment.astimezone(zone) for path, moment in archive_times(archive.parent).items()}
    daily, weekly = config["BACKUP_KEEP_DAILY"], config["BACKUP_KEEP_WEEKLY"]
    return archive, prune_backups(made, daily, weekly)
