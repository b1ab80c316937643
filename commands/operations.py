"""`flask --app app backup [--to DIR]`, `backup list`, `restore ARCHIVE [--force]`
(docs/operations.md)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models.operations.archive import BackupError
from models.operations.backup import list_backups
from models.operations.nightly import back_up_app, backup_folder, uploads_folder
from models.operations.restore import restore_backup


@click.group("backup", invoke_without_command=True)
@click.option("--to", "directory", default=None, help="Folder of the archive [BACKUP_DIR].")
@click.pass_context
@with_appcontext
def backup(context, directory):
    """Back up the database and the uploads into one dated archive, while the app serves."""
    if context.invoked_subcommand is not None:
        return
    try:
        archive = back_up_app(directory)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written: {archive} ({_size(archive.stat().st_size)})")


@backup.command("list")
@click.option("--in", "directory", default=None, help="Folder of the archives [BACKUP_DIR].")
@with_appcontext
def list_archives(directory):
    """The archives: when made, size, schema version, orders."""
    archives = list_backups(backup_folder(directory))
    if not archives:
        click.echo(f"no backups in {backup_folder(directory)}")
    for path, manifest in archives:
        orders = manifest["tables"].get("order", 0)
        click.echo(
            f"{manifest['created_at']}  {_size(path.stat().st_size):>9}  "
            f"{manifest['schema_version']}  {orders} orders  {path.name}"
        )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace what a non-empty database holds.")
@with_appcontext
def restore(archive, force):
    """Restore ARCHIVE into this app's database (empty, unless --force) and uploads folder."""
    try:
        manifest = restore_backup(
            archive, current_app.config["DATABASE_URL"], uploads_folder(), force=force
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"restored {archive.name} (made {manifest['created_at']}, "
        f"{manifest['tables'].get('order', 0)} orders, schema {manifest['schema_version']})"
    )


def _size(size: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
