"""Exports prepared in the background: the file equals the database, only its owner (or an
admin) gets it, a failure is kept with its reason, the status poll answers 204 until the job
changes, one export runs at a time, and old files are swept away."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

import tasks.exports
from models.base import utcnow
from models.exports.jobs import ExportBusy, ExportJob, run_export, start_export, sweep_exports
from models.messaging.outbox import Outbox
from tasks.notifications import sweep_due
from tests.exports import test_export
from tests.exports.test_export import FIXED, expected_rows, header
from tests.helpers import EN, HTMX, PASSWORD, csrf_token_from, make_user

fruit_and_cleaning = test_export.fruit_and_cleaning  # fixtures shared with the export tests
export_dir = test_export.export_dir  # autouse: prepared files go to a temporary folder

STATUS_LINK = re.compile(r"^/board/exports/(\d+)$")


def prepare(client, fmt: str, query: str = "created=all"):
    """POST the export page's form; the answer's redirect names the job's status page."""
    page = f"/board/export.xlsx?{query}"
    token = csrf_token_from(client, page)
    response = client.post(f"/board/export.{fmt}?{query}", data={"csrf_token": token}, headers=EN)
    assert response.status_code == 303
    return response.headers["Location"]


def cells(row) -> list:
    """A sheet row as the export's values: empty cells as "", money back to exact decimals."""
    row = ["" if value is None else value for value in row]
    return [*row[:12], *(Decimal(str(value)) for value in row[12:15]), *row[15:]]


def test_a_prepared_xlsx_equals_the_database(client, staff, login, fruit_and_cleaning, export_dir):
    login(staff)
    status_page = prepare(client, "xlsx")
    job = ExportJob.get_by_id(int(STATUS_LINK.match(status_page).group(1)))
    assert (job.status, job.row_count, job.format) == ("done", 3, "xlsx")
    assert [p.name for p in export_dir.iterdir()] == [job.file_name]  # no half-written file left

    page = client.get(status_page, headers=EN).get_data(as_text=True)
    assert "Ready" in page and 'hx-trigger="every 2s"' not in page  # finished: no more polling
    response = client.get(f"{status_page}/download", headers=EN)
    assert response.status_code == 200
    assert re.search(
        r'filename="?orders-\d{8}-\d{4}\.xlsx', response.headers["Content-Disposition"]
    )
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert list(rows[0]) == header()
    assert [cells(row) for row in rows[1:]] == expected_rows()


def test_a_prepared_csv_equals_the_streamed_one(client, staff, login, fruit_and_cleaning):
    login(staff)
    status_page = prepare(client, "csv", "status=pending&status=confirmed")
    prepared = client.get(f"{status_page}/download", headers=EN)
    streamed = client.get("/board/export.csv?status=pending&status=confirmed", headers=EN)
    assert prepared.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(prepared.data.decode("utf-8-sig"))))
    assert [int(row[0]) for row in rows[1:]] == [o.number for o in fruit_and_cleaning["orders"][:2]]
    assert prepared.data == streamed.data


def signed_in(app, user):
    browser = app.test_client()
    token = csrf_token_from(browser, "/login")
    data = {"csrf_token": token, "email": user.email, "password": PASSWORD}
    assert browser.post("/login", data=data).status_code == 302
    return browser


def test_only_the_owner_or_an_admin_gets_an_export(
    app, client, staff, admin, login, fruit_and_cleaning
):
    login(staff)
    status_page = prepare(client, "xlsx")
    assert client.get(f"{status_page}/download").status_code == 200
    assert status_page in client.get("/board/export.xlsx").get_data(as_text=True)

    colleague = signed_in(app, make_user("staff", "colleague@example.com"))
    assert colleague.get(status_page).status_code == 404
    assert colleague.get(f"{status_page}/download").status_code == 404
    assert status_page not in colleague.get("/board/export.xlsx").get_data(as_text=True)

    assert signed_in(app, admin).get(f"{status_page}/download").status_code == 200


def test_a_failing_export_is_marked_failed_with_its_reason(
    client, staff, login, fruit_and_cleaning, export_dir, monkeypatch
):
    def disk_full(table, target):
        target.write_bytes(b"PK half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("models.exports.jobs.write_xlsx", disk_full)
    login(staff)
    status_page = prepare(client, "xlsx")
    job = ExportJob.get_by_id(int(STATUS_LINK.match(status_page).group(1)))
    assert job.status == "failed" and job.finished_at is not None
    assert "No space left on device" in job.error
    assert list(export_dir.iterdir()) == []  # the half-written file is gone

    page = client.get(status_page, headers=EN).get_data(as_text=True)
    assert "The export could not be finished." in page and "No space left on device" in page
    assert client.get(f"{status_page}/download").status_code == 404


def test_the_status_poll_answers_204_until_the_job_changes(
    app, client, staff, login, fruit_and_cleaning, monkeypatch
):
    monkeypatch.setattr("tasks.exports.build_export", lambda job_id: None)  # the queue is slow
    login(staff)
    status_page = prepare(client, "xlsx")
    job_id = int(STATUS_LINK.match(status_page).group(1))

    page = client.get(status_page, headers=EN).get_data(as_text=True)
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="every 2s"', page).group(1).replace("&amp;", "&")
    assert "Waiting to start" in page and "/download" not in page
    answer = client.get(poll, headers=HTMX)
    assert answer.status_code == 204 and answer.data == b""

    with app.app_context():
        assert run_export(job_id)  # a worker, outside any request
    answer = client.get(poll, headers=HTMX)
    assert answer.status_code == 200
    fragment = answer.get_data(as_text=True)
    assert fragment.startswith('<div id="export-job"') and "<html" not in fragment
    assert f"/board/exports/{job_id}/download" in fragment and "hx-trigger" not in fragment
    response = client.get(f"/board/exports/{job_id}/download")
    headings = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert list(headings[: len(FIXED)]) == FIXED  # the language of the page that asked for it


def test_one_export_runs_at_a_time(app_context, staff, fruit_and_cleaning, monkeypatch):
    monkeypatch.setattr("tasks.exports.build_export", lambda job_id: None)
    first = start_export(staff, MultiDict(), "xlsx")
    second = start_export(staff, MultiDict(), "csv")
    ExportJob.update(status="running", started_at=utcnow()).where(
        ExportJob.id == first.id
    ).execute()
    with pytest.raises(ExportBusy):
        run_export(second.id)
    assert ExportJob.get_by_id(second.id).status == "queued"

    ExportJob.update(status="done").where(ExportJob.id == first.id).execute()
    assert run_export(second.id)
    assert not run_export(second.id)  # a repeated task finds it done and does nothing


def test_the_sweep_deletes_old_files_and_fails_stalled_jobs(
    app_context, staff, fruit_and_cleaning, export_dir, monkeypatch
):
    monkeypatch.setattr("tasks.exports.build_export", lambda job_id: None)
    old, fresh, stalled, lost = (start_export(staff, MultiDict(), "xlsx") for _ in range(4))
    for job in (old, fresh):
        run_export(job.id)
    now = utcnow()
    ExportJob.update(created_at=now - timedelta(hours=25)).where(ExportJob.id == old.id).execute()
    ExportJob.update(status="running", started_at=now - timedelta(hours=2)).where(
        ExportJob.id == stalled.id
    ).execute()
    ExportJob.update(created_at=now - timedelta(minutes=11)).where(
        ExportJob.id == lost.id
    ).execute()

    assert sweep_exports() == [lost.id]  # queued again by the periodic task
    assert ExportJob.get_or_none(ExportJob.id == old.id) is None
    assert sorted(p.name for p in export_dir.iterdir()) == [fresh.file_name]
    assert ExportJob.get_by_id(stalled.id).status == "failed"
    assert "interrupted" in ExportJob.get_by_id(stalled.id).error
    assert ExportJob.get_by_id(fresh.id).status == "done"


def test_an_export_asked_while_the_queue_is_down_is_built_once_it_is_back(
    app, client, staff, login, fruit_and_cleaning, monkeypatch
):
    queue = {"down": True}
    build = tasks.exports.build_export

    def enqueue(job_id):
        if queue["down"]:
            raise ConnectionError("the queue is down")
        build(job_id)

    monkeypatch.setattr("tasks.exports.build_export", enqueue)
    login(staff)
    status_page = prepare(client, "xlsx")
    job_id = int(STATUS_LINK.match(status_page).group(1))
    assert "Waiting to start" in client.get(status_page, headers=EN).get_data(as_text=True)

    queue["down"] = False
    Outbox.update(available_at=utcnow()).where(Outbox.kind == "export").execute()  # retry due
    with app.app_context():
        sweep_due()
    assert ExportJob.get_by_id(job_id).status == "done"
    assert "Ready" in client.get(status_page, headers=EN).get_data(as_text=True)
