"""What restore refuses, before it changes anything: a damaged archive (bytes flipped, cut
short, a member not matching its checksum), an archive of another kind of database, and a
database that already holds data unless forced."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from models import db
from models.operations.archive import BackupError
from models.operations.backup import make_backup
from models.operations.nightly import back_up_app, uploads_folder
from models.operations.restore import restore_backup
from models.schema import upgrade
from tests import factories
from tests.operations.test_round_trip import restore, rows_now


@pytest.fixture
def archive(sqlite_pair) -> Path:
    """A backup of a shop with one order and one uploaded photo."""
    with sqlite_pair.source().app_context():
        upgrade()
        shop = factories.make_shop()
        factories.order_for(shop["version"], [(shop["apples"], 1)])
        (uploads_folder() / "photo.jpg").parent.mkdir(parents=True)
        (uploads_folder() / "photo.jpg").write_bytes(b"photo")
        made = back_up_app()
        db.close_all()
    return made


def flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])


def alter_a_member(path: Path) -> None:
    """Repack the archive with the photo changed and the manifest left as it was."""
    with tarfile.open(path, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w:gz") as tar:
        for member, content in members:
            content = b"another photo" if member.name == "uploads/photo.jpg" else content
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


def alter_the_manifest(path: Path) -> None:
    with tarfile.open(path, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w:gz") as tar:
        for member, content in members:
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest["files"]["database.sqlite3"] = hashlib.sha256(b"other").hexdigest()
                content = json.dumps(manifest).encode()
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


def fingerprint(app) -> tuple:
    """The target's database file and uploads folder as they are now."""
    path = Path(app.config["DATABASE_URL"].split(":///", 1)[1])
    uploads = Path(app.config["UPLOAD_FOLDER"])
    files = sorted((p.name, p.read_bytes()) for p in uploads.rglob("*") if p.is_file())
    return hashlib.sha256(path.read_bytes()).hexdigest(), files


@pytest.mark.parametrize(
    "damage, says",
    [
        (flip_bytes, ("damaged", "unreadable", "does not match its checksum")),
        (truncate, ("damaged",)),
        (alter_a_member, ("uploads/photo.jpg does not match its checksum",)),
        (alter_the_manifest, ("database.sqlite3 does not match its checksum",)),
    ],
)
def test_a_damaged_archive_is_refused_and_nothing_changes(sqlite_pair, archive, damage, says):
    target = sqlite_pair.target()
    with target.app_context():
        upgrade()
        (uploads_folder() / "kept.jpg").parent.mkdir(parents=True)
        (uploads_folder() / "kept.jpg").write_bytes(b"kept")
        db.close_all()
    before = fingerprint(target)
    damage(archive)

    with pytest.raises(BackupError) as refused:
        restore(target, archive)

    assert archive.name in str(refused.value)
    assert any(words in str(refused.value) for words in says), str(refused.value)
    assert fingerprint(target) == before


def test_a_full_database_is_refused_unless_forced(sqlite_pair, archive):
    source = sqlite_pair.source()
    with source.app_context():
        before = rows_now("sqlite")
        shop = factories.make_shop()
        factories.order_for(shop["version"], [(shop["apples"], 2)])
        db.close_all()

    with pytest.raises(BackupError, match=r"not empty .* pass --force"):
        restore(source, archive)
    manifest = restore(source, archive, force=True)

    assert manifest["tables"] == before
    with source.app_context():
        assert rows_now("sqlite") == before
        db.close()


def test_an_archive_of_another_kind_of_database_is_refused(sqlite_pair, archive):
    with pytest.raises(BackupError, match="holds a sqlite database; the target is postgresql"):
        restore_backup(archive, "postgresql://nobody@127.0.0.1:1/none", Path("unused"))


def test_a_file_that_is_no_archive_is_refused(tmp_path):
    path = tmp_path / "jielong-20260101T000000Z.tar.gz"
    path.write_bytes(b"not a backup")

    with pytest.raises(BackupError, match="unreadable"):
        restore_backup(path, "sqlite:///unused.db", tmp_path)


def test_without_pg_dump_the_backup_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr("models.operations.backup.shutil.which", lambda name: None)

    with pytest.raises(BackupError, match=r"pg_dump is not installed \(apt-get install"):
        make_backup("postgresql://nobody@127.0.0.1:1/none", tmp_path, tmp_path / "backups")
    assert not list((tmp_path / "backups").iterdir())  # no partial archive left behind
