"""The commands as an operator types them: `backup [--to DIR]`, `backup list`, `restore ARCHIVE
[--force]` (Flask's CliRunner)."""

from pathlib import Path

from models import db
from models.schema import MIGRATIONS_DIR, upgrade
from tests import factories


def test_back_up_list_and_restore(sqlite_pair, tmp_path):
    source = sqlite_pair.source()
    with source.app_context():
        upgrade()
        shop = factories.make_shop()
        factories.order_for(shop["version"], [(shop["apples"], 1)])
    cli = source.test_cli_runner()

    made = cli.invoke(args=["backup", "--to", str(tmp_path / "elsewhere")])
    listed = cli.invoke(args=["backup", "list", "--in", str(tmp_path / "elsewhere")])
    refused = cli.invoke(args=["restore", str(next((tmp_path / "elsewhere").iterdir()))])
    db.close_all()

    assert made.exit_code == 0 and "backup written: " in made.output
    archive = next((tmp_path / "elsewhere").iterdir())
    latest = max(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))
    assert archive.name in listed.output and f"{latest}  1 orders" in listed.output
    assert refused.exit_code == 1 and "The target database is not empty" in refused.output
    restored = sqlite_pair.target().test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert f"restored {archive.name}" in restored.output and "1 orders" in restored.output


def test_the_default_folder_and_a_damaged_archive(sqlite_pair):
    source = sqlite_pair.source()
    with source.app_context():
        upgrade()
    cli = source.test_cli_runner()
    assert cli.invoke(args=["backup", "list"]).output.startswith("no backups in ")

    assert cli.invoke(args=["backup"]).exit_code == 0
    listed = cli.invoke(args=["backup", "list"])
    archive = next(Path(source.config["BACKUP_DIR"]).iterdir())
    db.close_all()
    assert "0 orders" in listed.output
    archive.write_bytes(archive.read_bytes()[:100])  # cut short

    refused = sqlite_pair.target().test_cli_runner().invoke(args=["restore", str(archive)])

    assert refused.exit_code == 1
    assert f"Error: {archive.name}: " in refused.output
