"""A backup made while orders are being placed restores to exactly what its manifest counted,
and the restored shop serves its orders; an older archive is upgraded as it is restored."""

from pathlib import Path

from models import Order, db
from models.operations.archive import table_rows
from models.operations.nightly import back_up_app, uploads_folder
from models.operations.restore import restore_backup
from models.schema import pending, upgrade
from tests import factories
from tests.operations.conftest import placing_orders, wait_for

PLENTY = {"apples": {"on_hand": 100_000, "price": 100, "name": "Apples"}}
OLDER = "0015_sessions_and_sign_in_attempts"


def rows_now(kind: str) -> dict[str, int]:
    with db.connection_context():
        return table_rows(db.cursor(), kind)


def restore(app, archive: Path, **options) -> dict:
    with app.app_context():
        return restore_backup(archive, app.config["DATABASE_URL"], uploads_folder(), **options)


def test_round_trip_while_orders_are_placed(pair):
    source = pair.source()
    with source.app_context():
        upgrade()
        shop = factories.make_shop(products=PLENTY)
        photo = uploads_folder() / "products" / "apples.jpg"
        photo.parent.mkdir(parents=True)
        photo.write_bytes(b"\xff\xd8 not really a jpeg")
        with placing_orders(source, shop["version"], shop["apples"]) as placed:
            wait_for(lambda: len(placed) >= 3)
            archive = back_up_app()
            counted = len(placed)
            wait_for(lambda: len(placed) >= counted + 3)  # still placing after the backup
        db.close_all()
    target = pair.target()
    manifest = restore(target, archive)

    assert 3 <= manifest["tables"]["order"] < len(placed)
    assert manifest["kind"] == pair.kind and manifest["schema_version"] == manifest["schema"][-1]
    with target.app_context():
        assert rows_now(pair.kind) == manifest["tables"]
        last = Order.select().order_by(Order.id.desc()).first()
        assert (uploads_folder() / "products" / "apples.jpg").read_bytes() == photo.read_bytes()
        db.close()
    page = target.test_client().get(f"/o/{last.tracking_token}")
    assert page.status_code == 200
    assert str(last.number) in page.get_data(as_text=True)


def test_an_older_archive_is_upgraded_on_restore(pair):
    with pair.source().app_context():
        upgrade(OLDER)
        archive = back_up_app()
        db.close_all()
    target = pair.target()
    manifest = restore(target, archive)

    assert manifest["schema_version"] == OLDER
    with target.app_context():
        assert pending() == []
        shop = factories.make_shop()  # the restored database takes orders on today's schema
        assert factories.order_for(shop["version"], [(shop["apples"], 1)]).id
        db.close()
