"""The development mail backend (MAIL_BACKEND=dev): with no mail server, an order's email is kept
on this machine, counts as sent and is shown to admins at /dev/mail (a development page, like
/dev/sms); `make run` and `make dev` choose it unless MAIL_SERVER is set. With MAIL_BACKEND=smtp
(the default) email goes through the SMTP server: tests/messaging/test_notifications.py and the other
aiosmtpd tests."""

import os
import re
import subprocess
from email.message import EmailMessage

import pytest

import config
from app import create_app
from models.messaging.channels import dev_mail
from models.messaging.deliveries import Delivery
from tests.consumer import place_on_the_web
from tests.helpers import EN, HTMX, PASSWORD, ROOT, free_port
from tests.page_checks import Visitor


@pytest.fixture
def kept(app, tmp_path):
    """No mail server anywhere (a closed port), and the dev backend keeping mails in tmp_path."""
    folder = tmp_path / "dev-mail"
    app.config.update(
        MAIL_BACKEND="dev", MAIL_DEV_DIR=str(folder), MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port()
    )
    return folder


def test_an_orders_email_is_kept_counts_as_sent_and_admins_read_it(
    app, client, admin, login, kept, shop
):
    token = place_on_the_web(app.test_client(), shop, "alice@example.com")

    [delivery] = Delivery.select().where(Delivery.channel == "email")
    assert (delivery.status, delivery.last_error) == ("sent", "")
    assert [path.name for path in kept.iterdir()] == [f"{delivery.delivery_key}.eml"]
    login(admin)
    page = client.get("/dev/mail", headers=EN).get_data(as_text=True)
    assert "This is a development page." in page and "MAIL_BACKEND is dev" in page
    assert "alice@example.com" in page and "We received your order #" in page
    assert f"/o/{token}" in page  # the email's text, its link included
    assert f"&lt;{delivery.delivery_key}@" in page  # the Message-ID
    deliveries = client.get("/admin/deliveries", headers=EN).get_data(as_text=True)
    assert "Emails are not sent: MAIL_BACKEND is dev" in deliveries
    assert 'href="/dev/mail"' in deliveries


def test_the_page_polls_for_new_mails(app, client, admin, login, kept, shop):
    login(admin)
    before = client.get("/dev/mail", headers=HTMX).get_data(as_text=True)
    assert "No emails yet." in before and "<h1>" not in before

    place_on_the_web(app.test_client(), shop, "bob@example.com")

    after = client.get("/dev/mail", headers=HTMX).get_data(as_text=True)
    assert "bob@example.com" in after and 'hx-trigger="every 2s"' in after


def test_anonymous_visitors_and_staff_do_not_get_the_mails(app, client, staff, login, kept, shop):
    place_on_the_web(app.test_client(), shop, "alice@example.com")

    anonymous = client.get("/dev/mail")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    login(staff)
    refused = client.get("/dev/mail")
    assert refused.status_code == 403 and "alice@example.com" not in refused.get_data(as_text=True)


def test_no_page_without_dev_pages_or_with_the_smtp_backend(
    app, client, admin, login, database_url, tmp_path, kept
):
    login(admin)
    app.config["MAIL_BACKEND"] = "smtp"
    assert client.get("/dev/mail").status_code == 404
    assert "MAIL_BACKEND is dev" not in client.get("/admin/deliveries").get_data(as_text=True)
    off = create_app(DATABASE_URL=database_url, SECRET_KEY="s", MAIL_BACKEND="dev", TESTING=True)
    assert not off.config["DEV_PAGES"] and "dev.mail_log" not in off.view_functions
    assert off.test_client().get("/dev/mail").status_code == 404


def test_the_smtp_backend_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("MAIL_BACKEND", raising=False)
    assert config.from_environment(tmp_path)["MAIL_BACKEND"] == "smtp"
    assert config.from_environment(tmp_path)["MAIL_DEV_DIR"] == str(tmp_path / "dev-mail")


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({}, "dev"),
        ({"MAIL_SERVER": "smtp.example.com"}, "smtp"),
        ({"MAIL_BACKEND": "smtp"}, "smtp"),
        ({"MAIL_SERVER": "smtp.example.com", "MAIL_BACKEND": "dev"}, "dev"),
    ],
)
@pytest.mark.parametrize("target", ["run", "dev"])
def test_make_run_and_make_dev_keep_the_mails_unless_a_mail_server_is_set(
    target, environment, backend
):
    plan = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in plan.splitlines() if "MAIL_BACKEND=" in line)
    shown = re.sub(r"(\.venv/bin/\S+ .*)$", "printenv MAIL_BACKEND", line)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MAIL_")}
    result = subprocess.run(
        ["bash", "-c", shown], env={**clean, **environment}, capture_output=True, text=True
    )
    assert result.stdout.strip() == backend


def message(subject: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["To"], mail["Date"] = (
        subject,
        "a@example.com",
        "Sun, 6 Dec 2026 08:00:00 -0000",
    )
    mail["Message-ID"] = f"<{subject}@shop.test>"
    mail.set_content(f"text of {subject}")
    return mail


def test_the_folder_keeps_the_newest_mails_and_a_mail_kept_twice_once(tmp_path, monkeypatch):
    monkeypatch.setattr(dev_mail, "KEEP", 3)
    for n in range(5):
        dev_mail.keep_mail(tmp_path, message(f"m{n}"), key=f"notify.{n}.x:y")
        os.utime(tmp_path / f"notify.{n}.x_y.eml", ns=(n * 10**9, n * 10**9))  # one a second
    dev_mail.keep_mail(tmp_path, message("m4"), key="notify.4.x:y")

    mails = dev_mail.recent_mails(tmp_path)
    assert [m["subject"] for m in mails] == ["m4", "m3", "m2"]
    assert mails[0]["text"].strip() == "text of m4" and mails[0]["to"] == "a@example.com"
    assert str(mails[0]["at"]) == "2026-12-06 08:00:00"
    assert dev_mail.recent_mails(tmp_path / "none") == []
    assert not list(tmp_path.glob("*.tmp"))


def test_an_unwritable_folder_is_a_failed_try_with_the_reason(app, kept, shop):
    kept.parent.mkdir(exist_ok=True)
    kept.write_text("a file where the folder should be")

    place_on_the_web(app.test_client(), shop, "alice@example.com")

    [delivery] = Delivery.select().where(Delivery.channel == "email")
    assert delivery.status == "queued" and "cannot keep the email" in delivery.last_error


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_page_reads_well_on_a_phone(app, admin, kept, shop, new_page, language):
    address = "a.customer.with.a.very.long.address.indeed@example.com"
    place_on_the_web(app.test_client(), shop, address, language=language)
    page = new_page("phone", locale=language)
    visitor = Visitor(page, latin="alice apples" if language == "zh-CN" else None)
    page.goto("/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/board/**")

    assert visitor.visit("/dev/mail", audit=True) == []
