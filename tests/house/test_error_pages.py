"""Errors get a page of the shop, in the visitor's language, not the server's bare text."""

from tests.helpers import EN, ZH


def test_a_missing_page_says_so_in_the_visitors_language(client):
    english = client.get("/no-such-page", headers=EN)
    chinese = client.get("/no-such-page", headers=ZH)

    assert english.status_code == chinese.status_code == 404
    assert "<h1>Not found</h1>" in english.get_data(as_text=True)
    assert "<h1>页面不存在</h1>" in chinese.get_data(as_text=True)


def test_a_crash_shows_the_shops_page_and_is_logged(app, client, monkeypatch, caplog):
    def crash():
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(app.view_functions, "shop.index", crash)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production

    response = client.get("/", headers=EN)

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert 'name="viewport"' in html  # the shop's layout, readable on a phone
    assert "the disk is full" not in html
    assert "the disk is full" in caplog.text
    chinese = client.get("/", headers=ZH).get_data(as_text=True)
    assert "<h1>出错了</h1>" in chinese


def test_a_request_past_the_size_limit_is_refused_whole_with_a_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    body = {"name": "Alice", "remark": "x" * (128 * 1024)}

    page = client.post("/f/no-such-activity", data=body, headers=EN)
    api = client.post("/api/v1/orders/1/status", data=body, headers=EN)

    assert page.status_code == api.status_code == 413
    assert "<h1>Too large to send</h1>" in page.get_data(as_text=True)
    assert api.is_json
    chinese = client.post("/f/no-such-activity", data=body, headers=ZH)
    assert chinese.status_code == 413 and "<h1>Too large to send</h1>" not in chinese.text
