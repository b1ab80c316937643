"""The Chinese words of the admin and staff pages: a product's name is 名称, a person's is 姓名
(the same English "Name", told apart by its context), and one word for each concept."""

import re

from tests.helpers import ZH, make_user


def label_of(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}">([^<]*)</label>', html)
    assert match, f"no label for #{field_id}"
    return match.group(1).strip()


def chinese_page(client, url: str) -> str:
    response = client.get(url, headers=ZH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_product_has_a_name_not_a_persons_name(client, admin, login):
    login(admin)
    html = chinese_page(client, "/admin/products/new")
    assert label_of(html, "name") == "名称"
    assert "姓名" not in html


def test_a_person_has_a_persons_name(client, admin, login):
    login(admin)
    html = chinese_page(client, "/admin/users")
    assert '<th scope="col">姓名</th>' in html
    assert label_of(html, "name") == "姓名"  # the new account's name


def test_a_missing_name_is_asked_for_in_the_right_words(client, admin, post_form, login):
    login(admin)
    product = post_form("/admin/products/new", {"name": "", "sku": "X-1"}, headers=ZH)
    assert product.status_code == 422
    assert "请输入名称。" in product.get_data(as_text=True)
    person = post_form(
        "/admin/users",
        {"name": "", "email": "new@example.com", "role": "staff"},
        page="/admin/users",
        headers=ZH,
    )
    assert "请输入姓名。" in person.get_data(as_text=True)


def test_assigning_is_one_word_on_the_rules_page(client, admin, login):
    """指派 (assign), 负责人 (assignee), 未指派 (nobody): never 分配 beside them."""
    make_user("staff", "staff@example.com")
    login(admin)
    html = chinese_page(client, "/admin/rules/new")
    assert "分配" not in html
