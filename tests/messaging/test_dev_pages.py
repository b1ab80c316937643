"""The development pages (/dev/…, which show every text the shop would have sent, login codes
included): only when DEV_PAGES is set, only for signed-in admins, and they say what they are.
"""

import json
import re

import pytest

import config
from app import create_app
from tests.helpers import EN, HTMX, PASSWORD, ROOT, csrf_token_from


@pytest.fixture
def texts(app, tmp_path):
    path = tmp_path / "dev-sms.jsonl"
    record = {"at": "2026-01-01T08:00:00", "phone": "+8613800138000", "text": "code 123456"}
    path.write_text(json.dumps(record | {"key": "login-code-1"}) + "\n")
    app.config["SMS_LOG_PATH"] = str(path)
    return path


def test_anonymous_visitors_are_sent_to_sign_in(client, texts):
    response = client.get("/dev/sms")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "123456" not in response.get_data(as_text=True)


def test_htmx_polls_of_anonymous_visitors_get_no_messages(client, texts):
    response = client.get("/dev/sms", headers=HTMX)
    assert response.status_code == 302 and "123456" not in response.get_data(as_text=True)


def test_staff_are_refused(client, staff, login, texts):
    login(staff)
    response = client.get("/dev/sms")
    assert response.status_code == 403
    assert "123456" not in response.get_data(as_text=True)


def test_admins_see_the_messages_and_what_the_page_is(client, admin, login, texts):
    login(admin)
    html = client.get("/dev/sms", headers=EN).get_data(as_text=True)
    assert "123456" in html
    assert "This is a development page." in html
    assert "Nothing was sent" in html and "DEV_PAGES" in html


def test_dev_pages_are_off_unless_dev_pages_is_set(monkeypatch, tmp_path, database_url):
    monkeypatch.delenv("DEV_PAGES", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)  # a fresh clone: no key set either
    assert config.from_environment(tmp_path)["DEV_PAGES"] is False
    app = create_app(DATABASE_URL=database_url, SECRET_KEY="s", DEBUG=True, TESTING=True)
    assert "dev.sms_log" not in app.view_functions, "not even in debug or test mode"
    assert app.test_client().get("/dev/sms").status_code == 404
    monkeypatch.setenv("DEV_PAGES", "1")
    assert config.from_environment(tmp_path)["DEV_PAGES"] is True


def test_make_run_turns_them_on_for_the_demo():
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "DEV_PAGES=$${DEV_PAGES:-1}" in run


def test_signing_in_from_the_dev_page_comes_back_to_it(client, admin, texts):
    sent_away = client.get("/dev/sms")
    token = csrf_token_from(client, sent_away.headers["Location"])
    response = client.post(
        sent_away.headers["Location"],
        data={"csrf_token": token, "email": admin.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/dev/sms"
