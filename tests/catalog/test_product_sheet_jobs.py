"""Big product sheets in the background (models/exports/product_sheet/jobs.py,
tasks/product_import.py): above PRODUCT_IMPORT_BACKGROUND_ROWS the check and the import run as
Huey tasks (immediate in tests) behind a status page polled every 2 s (204 while unchanged, a
refresh link without JS); the import stays all or nothing and runs once however often Import is
pressed. Uploads previewed and never imported are deleted after SHEET_UPLOAD_KEEP_HOURS by the
hourly sweep (a fake clock, no sleeps), and at once when imported."""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

import tasks.product_import
from models.base import utcnow
from models.catalog.products import Product
from models.exports.product_sheet import pending
from models.exports.product_sheet.jobs import SheetUpload, run_step, start_import, sweep_uploads
from models.messaging.outbox import Outbox
from tests.catalog.test_product_sheet import confirm, csv_file, ledger_matches, upload
from tests.factories import make_product
from tests.helpers import HTMX, race

JOB = re.compile(r"/admin/products/sheet/jobs/(\d+)$")


def rows(count: int, start: int = 0, bad: set[int] = frozenset()) -> list[str]:
    return [
        f"BIG-{i},,Product {i},Fruit,{'twelve' if i in bad else '1.50'},,kg,yes,yes,{i % 7},"
        for i in range(start, start + count)
    ]


def files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCT_IMPORT_BACKGROUND_ROWS", 3)


@pytest.fixture
def queue_held(monkeypatch):
    """The steps are queued but not run (as while the consumer is busy); run_step runs one."""
    monkeypatch.setattr(tasks.product_import, "run_sheet_step", lambda upload_id: None)


def test_a_sheet_of_501_rows_is_checked_and_imported_in_the_background(admin_post, as_admin, app):
    response = upload(admin_post, csv_file(*rows(501)))
    assert response.status_code == 303
    status_page = response.headers["Location"]
    upload_id = int(JOB.search(status_page).group(1))
    page = as_admin.get(status_page).get_data(as_text=True)
    assert "Checked" in page and "New: 501" in page and "Import 501 products" in page
    assert 'hx-trigger="every 2s"' not in page  # the check is over: no more polling
    with app.app_context():
        assert Product.select().count() == 0  # a check writes nothing
        token = SheetUpload.get_by_id(upload_id).token
    assert files(app) == [f"sheet-{token}.upload"]

    done = admin_post(f"/admin/products/sheet/jobs/{upload_id}/import")
    assert done.status_code == 303 and done.headers["Location"].endswith(status_page)
    page = as_admin.get(status_page).get_data(as_text=True)
    assert "Imported: 501 added, 0 updated, 0 unchanged, 0 left out." in page
    with app.app_context():
        assert Product.select().count() == 501 and ledger_matches()
        assert SheetUpload.get_by_id(upload_id).status == "imported"
    assert files(app) == []  # the file goes with the import
    again = admin_post(f"/admin/products/sheet/jobs/{upload_id}/import")
    assert again.status_code == 409 and "moved on" in again.get_data(as_text=True)


def test_a_sheet_at_the_threshold_is_still_previewed_in_the_request(admin_post, small_threshold):
    response = upload(admin_post, csv_file(*rows(3)))
    assert response.status_code == 200 and "Import 3 products" in response.get_data(as_text=True)


def test_the_status_page_polls_until_the_step_is_over_and_works_without_js(
    admin_post, as_admin, app, small_threshold, queue_held
):
    response = upload(admin_post, csv_file(*rows(4)), htmx=True)
    status_page = response.headers["HX-Redirect"]
    upload_id = int(JOB.search(status_page).group(1))
    page = as_admin.get(status_page).get_data(as_text=True)
    assert "Waiting to be checked" in page and 'hx-trigger="every 2s"' in page
    assert f'href="{status_page}">Refresh</a>' in page  # without JavaScript
    assert "shown=to_check" in page
    poll = f"{status_page}?shown=to_check"
    assert as_admin.get(poll, headers=HTMX).status_code == 204  # nothing new
    with app.app_context():
        assert run_step(upload_id) == "checked"
        assert run_step(upload_id) is None  # a step queued twice runs once
    fresh = as_admin.get(poll, headers=HTMX)
    assert fresh.status_code == 200 and 'id="sheet-job"' in fresh.get_data(as_text=True)
    assert "<html" not in fresh.get_data(as_text=True)  # the fragment
    assert "New: 4" in fresh.get_data(as_text=True)
    admin_post(f"/admin/products/sheet/jobs/{upload_id}/import", htmx=True)
    assert "Waiting to be imported" in as_admin.get(status_page).get_data(as_text=True)
    with app.app_context():
        assert run_step(upload_id) == "imported" and Product.select().count() == 4


def test_rows_with_errors_are_listed_and_only_the_valid_ones_imported_on_request(
    admin_post, as_admin, app, small_threshold
):
    response = upload(admin_post, csv_file(*rows(6, bad={2, 4})))
    status_page = response.headers["Location"]
    upload_id = int(JOB.search(status_page).group(1))
    page = as_admin.get(status_page).get_data(as_text=True)
    assert "With errors: 2" in page and 'data-line="4"' in page and 'data-line="6"' in page
    assert "Import only the rows without errors (4)" in page
    # all of it (a form forged without "only valid"): refused, nothing written
    admin_post(f"/admin/products/sheet/jobs/{upload_id}/import")
    page = as_admin.get(status_page).get_data(as_text=True)
    assert "Not imported" in page and "Nothing was imported" in page
    assert "Import only the rows without errors (4)" in page  # offered again
    with app.app_context():
        assert Product.select().count() == 0
    admin_post(f"/admin/products/sheet/jobs/{upload_id}/import", {"only_valid": "1"})
    assert "4 added" in as_admin.get(status_page).get_data(as_text=True)
    with app.app_context():
        assert Product.select().count() == 4


def test_an_import_failing_half_way_writes_nothing(admin_post, app, small_threshold):
    with app.app_context():
        make_product(5, sku="BIG-2", name="Held", price=150)
    response = upload(admin_post, csv_file(*rows(5)))
    upload_id = int(JOB.search(response.headers["Location"]).group(1))
    with app.app_context():  # the file goes missing before the import: failed, nothing in
        pending.forget(SheetUpload.get_by_id(upload_id).token)
    admin_post(f"/admin/products/sheet/jobs/{upload_id}/import")
    with app.app_context():
        failed = SheetUpload.get_by_id(upload_id)
        assert failed.status == "failed" and "no longer kept" in failed.error
        assert Product.select().count() == 1


def test_status_pages_are_for_admins(client, staff, login):
    login(staff)
    assert client.get("/admin/products/sheet/jobs/1").status_code in (302, 403)
    assert client.post("/admin/products/sheet/jobs/1/import").status_code in (302, 400, 403)


def test_an_odd_id_is_404(as_admin):
    assert as_admin.get("/admin/products/sheet/jobs/999999").status_code == 404


# Clearing uploads never imported ------------------------------------------------------------


def test_uploads_never_imported_are_deleted_after_a_day_and_imported_ones_at_once(admin_post, app):
    previewed = upload(admin_post, csv_file(*rows(2)))  # kept, never imported
    assert previewed.status_code == 200
    imported = upload(admin_post, csv_file(*rows(2, start=10)))
    assert len(files(app)) == 2
    assert confirm(admin_post, imported.get_data(as_text=True)).status_code == 303
    assert len(files(app)) == 1  # the imported one went at once
    with app.app_context():
        (kept,) = SheetUpload.select()
        assert kept.status == "kept" and files(app) == [f"sheet-{kept.token}.upload"]
        start = datetime.now(UTC)
        with time_machine.travel(start + timedelta(hours=23), tick=False):
            tasks.product_import.sweep_sheet_uploads()  # the hourly task: not a day yet
        assert SheetUpload.select().count() == 1 and len(files(app)) == 1
        with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
            tasks.product_import.sweep_sheet_uploads()
        assert SheetUpload.select().count() == 0 and files(app) == []
    # its confirmation now says the upload is gone, never a 500
    gone = confirm(admin_post, previewed.get_data(as_text=True))
    assert gone.status_code == 422 and "no longer kept" in gone.get_data(as_text=True)


def test_the_sweep_keeps_work_in_progress_fails_stalled_steps_and_queues_lost_ones(
    admin_post, app, small_threshold, queue_held
):
    for start in (0, 10, 20):
        upload(admin_post, csv_file(*rows(4, start=start)))
    with app.app_context():
        waiting, stalled, lost = SheetUpload.select().order_by(SheetUpload.id)
        now = utcnow()
        SheetUpload.update(status="checking", started_at=now - timedelta(hours=2)).where(
            SheetUpload.id == stalled.id
        ).execute()
        SheetUpload.update(queued_at=now - timedelta(minutes=11)).where(
            SheetUpload.id == lost.id
        ).execute()
        assert sweep_uploads(now) == [lost.id]
        assert SheetUpload.get_by_id(stalled.id).status == "failed"
        assert "interrupted" in SheetUpload.get_by_id(stalled.id).error
        # a day later: the waiting one stays (it is still to be checked), the failed one goes
        assert sweep_uploads(now + timedelta(hours=25)) == [waiting.id, lost.id]
        assert sorted(u.id for u in SheetUpload.select()) == [waiting.id, lost.id]
        assert len(files(app)) == 2


def test_cells_on_the_status_page_are_text(admin_post, as_admin, small_threshold):
    evil = "<script>alert(1)</script>"
    data = csv_file(*rows(3), f"X-1,,{evil},Fruit,nope,,kg,yes,yes,1,")
    status_page = upload(admin_post, data).headers["Location"]
    page = as_admin.get(status_page).get_data(as_text=True)
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_files_no_row_records_are_swept_by_their_age(admin_post, app, small_threshold, queue_held):
    upload(admin_post, csv_file(*rows(4)))  # a big one waiting to be checked: kept
    with app.app_context():
        busy = SheetUpload.get()
        orphan = pending.keep(b"kept before migration 0068")
        recent = pending.keep(b"kept an hour ago")
        folder = Path(app.config["UPLOAD_FOLDER"])
        now = utcnow()
        for token, hours in ((busy.token, 30), (orphan, 30), (recent, 1)):
            moment = (now - timedelta(hours=hours)).replace(tzinfo=UTC).timestamp()
            os.utime(folder / f"sheet-{token}.upload", (moment, moment))
        sweep_uploads(now)
        assert files(app) == sorted(f"sheet-{t}.upload" for t in (busy.token, recent))


def test_import_pressed_by_six_admins_at_once_imports_once(app, admin_post, small_threshold):
    response = upload(admin_post, csv_file(*rows(5)))
    upload_id = int(JOB.search(response.headers["Location"]).group(1))

    def act(i):
        return start_import(SheetUpload.get_by_id(upload_id), only_valid=False, by=None).status

    results = race(app, 6, act)
    assert sorted(outcome for outcome, _ in results) == ["UploadMoved"] * 5 + ["ok"]
    with app.app_context():
        queued = Outbox.select().where(Outbox.kind == "product_import")
        assert queued.count() == 2  # the check, and one import
        assert run_step(upload_id) == "imported" and run_step(upload_id) is None
        assert Product.select().count() == 5 and ledger_matches()
