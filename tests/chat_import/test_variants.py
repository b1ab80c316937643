"""Variants (规格) in a pasted chain: a line naming a family and one option is that variant
(any order, any spacing, 公斤 for kg), a line naming the family and no option asks staff to
choose one (never picks one by itself), and the staff page shows the choice, refuses an import
without it (422, beside the line, what staff typed kept) and places the variant chosen."""

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.catalog.variants import VariantDetails, make_family, variants_of
from models.chat_import.importing import propose
from models.chat_import.match import Candidate, key, match_product, variant_words
from models.chat_import.parse import parse_chain
from models.orders.order import Order, OrderLine
from tests.factories import make_activity, make_product
from tests.helpers import csrf_token_from, text_of

APPLES = [
    Candidate(1, "草莓", ("士多啤梨",)),
    Candidate(2, "苹果 3 kg", ("红富士",), 7, "苹果", "3 kg"),
    Candidate(3, "苹果 5 kg", ("红富士",), 7, "苹果", "5 kg"),
    Candidate(4, "辣酱 原味", (), 8, "辣酱", "原味"),
    Candidate(5, "辣酱 辣味", ("特辣",), 8, "辣酱", "辣味"),
]


def found(text, candidates=APPLES):
    match = match_product(text, candidates)
    return (match.product.id if match.product else None, match.how)


@pytest.mark.parametrize(
    ("text", "product", "how"),
    [
        ("苹果5kg", 3, "exact"),
        ("5kg苹果", 3, "exact"),
        ("苹果 5公斤", 3, "exact"),
        ("3千克 苹果", 2, "exact"),
        ("苹果 3 KG", 2, "exact"),
        ("红富士5kg", 3, "alias"),
        ("辣酱 辣味", 5, "exact"),
        ("辣味辣酱", 5, "exact"),
        ("特辣", 5, "alias"),  # an alias only one variant holds names it
        ("苹果 13kg", None, "family"),  # 13 kg is no 3 kg
        ("苹果", None, "family"),
        ("红富士", None, "family"),  # an alias the variants share names the family
        ("苹菓", None, "family"),  # close to the family: still staff choose
        ("草莓", 1, "exact"),
        ("士多啤梨", 1, "alias"),
    ],
)
def test_a_variant_is_named_by_its_family_and_option(text, product, how):
    assert found(text) == (product, how)


def test_a_family_match_carries_its_variants_to_choose_from():
    match = match_product("苹果", APPLES)
    assert (match.family_name, [c.id for c in match.choices]) == ("苹果", [2, 3])


def test_products_of_their_own_are_matched_as_before():
    plain = [Candidate(1, "草莓"), Candidate(2, "蓝莓")]
    assert found("莓", plain) == (None, "none")
    assert found("丹东草莓", plain) == (1, "fuzzy")
    assert variant_words(plain) is None


def test_a_chain_reads_a_number_in_an_option_as_part_of_the_product():
    chain = "#接龙\n1. 张三 苹果5kg 2箱 草莓1\n2. 李四 5公斤苹果×3 辣酱 辣味 x2\n3. 王五 苹果3kg\n"
    entries = parse_chain(chain, variant_words(APPLES)).entries
    read = [[(line.text, line.quantity, found(line.text)[0]) for line in e.lines] for e in entries]
    assert [e.name for e in entries] == ["张三", "李四", "王五"]
    assert read == [
        [("苹果5kg", 2, 3), ("草莓", 1, 1)],
        [("5公斤苹果", 3, 3), ("辣酱 辣味", 2, 5)],
        [("苹果3kg", 1, 2)],  # a variant named with no number is one
    ]
    # without the catalog's words the number is the quantity, as for any product
    assert parse_chain(chain).entries[2].lines[0].quantity == 3


OPTION = st.text(alphabet="0123456789 kgKG公斤克原味辣甜大小箱装", min_size=1, max_size=8)
FAMILY = st.text(alphabet="苹果橙柚酱梨桃", min_size=1, max_size=4)
SPACE = st.sampled_from(["", " ", "  ", "\u3000"])


def family_of(name, options):
    return [
        Candidate(10 + i, f"{name} {option}", ("团购",), 9, name, option)
        for i, option in enumerate(options)
    ]


@given(
    name=FAMILY,
    options=st.lists(OPTION, min_size=2, max_size=4),
    pick=st.integers(min_value=0, max_value=3),
    space=SPACE,
    before=st.booleans(),
)
def test_any_option_either_side_of_the_family_name_picks_that_variant(
    name, options, pick, space, before
):
    keys = [key(option) for option in options]
    assume(all(keys) and len(set(keys)) == len(keys) and not any(key(name) in k for k in keys))
    candidates = [Candidate(1, "草莓"), *family_of(name, options)]
    option = options[pick % len(options)]
    text = f"{option}{space}{name}" if before else f"{name}{space}{option}"
    match = match_product(text, candidates)
    assert match.product is not None and match.product.option == option, (text, match)
    # and in a chain, with a quantity after it
    entry = parse_chain(f"1. 张三 {text}×2\n2. 李四 草莓1", variant_words(candidates)).entries[0]
    assert entry.lines[0].quantity == 2
    assert match_product(entry.lines[0].text, candidates).product.option == option


@given(
    name=FAMILY,
    options=st.lists(OPTION, min_size=1, max_size=4),
    noise=st.text(alphabet="苹果橙柚酱梨桃 团购的新鲜", max_size=6),
)
def test_a_line_naming_no_option_never_picks_a_variant(name, options, noise):
    keys = [key(option) for option in options]
    assume(all(keys) and len(set(keys)) == len(keys))
    text = f"{name}{noise}"
    assume(not any(k in key(text) for k in keys))
    match = match_product(text, [Candidate(1, "草莓"), *family_of(name, options)])
    assert match.product is None or match.product.family is None, (text, match)
    if key(text) in (key(name), "团购"):
        assert match.how == "family" and len(match.choices) == len(options)


# The staff page ------------------------------------------------------------------------------


@pytest.fixture
def apples(app_context):
    small = make_product(10, price=3000, name="苹果", sku="APPLE-3")
    big = make_family(Product.get_by_id(small.id), "3 kg", VariantDetails("5 kg", "APPLE-5", 4500))
    stock.receive(big.id, Warehouse.default().id, 10)
    small, big = variants_of(big.family_id)
    pears = make_product(10, price=500, name="梨")
    return {"version": make_activity([small, big, pears]), "small": small, "big": big}


CHAIN = "#接龙 周五水果\n1. 张三 13800138000 苹果 2箱 梨1\n2. 李四 13900139000 苹果5kg 1\n"


def test_a_chain_proposes_the_variant_named_and_asks_for_the_one_not(apples):
    zhang, li = propose(CHAIN, apples["version"])
    assert [(line.match.how, line.quantity) for line in zhang.lines] == [
        ("family", 2),
        ("exact", 1),
    ]
    assert [c.name for c in zhang.lines[0].match.choices] == ["苹果 3 kg", "苹果 5 kg"]
    assert (li.lines[0].match.product.id, li.lines[0].quantity) == (apples["big"].id, 1)


@pytest.fixture
def as_staff(client, english, staff, login):
    login(staff)
    return client


def post(client, data, **headers):
    token = csrf_token_from(client, "/board/import")
    return client.post("/board/import", data={"csrf_token": token, **data}, headers=headers)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain-post", "htmx"])
def test_staff_choose_the_variant_before_the_import(as_staff, apples, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    form = {"activity": apples["version"].template.slug, "text": CHAIN}

    preview = post(as_staff, form, **headers)

    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "choose a variant" in text_of(preview)
    select = re.search(r'<select name="e0-l0-product"[^>]*>(.*?)</select>', body, re.S)
    assert 'aria-label="Variant of 苹果"' in body
    assert re.findall(r">([^<]+)</option>", select.group(1)) == [
        "— choose a variant —",
        "苹果 3 kg",
        "苹果 5 kg",
    ]
    assert ("<html" in body) is not htmx

    shown = {"e0-shown": "1", "e1-shown": "1", "e0-take": "1", "e1-take": "1"}
    refused = post(as_staff, form | shown | {"step": "import", "e0-name": "张三丰"}, **headers)

    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(r'id="e0-l0-product-error">Choose the variant, or set 0', html)
    assert 'value="张三丰"' in html  # what staff typed is kept
    assert Order.select().count() == 0

    chosen = {"e0-l0-product": str(apples["small"].id), "e0-l0-qty": "2"}
    imported = post(as_staff, form | shown | chosen | {"step": "import"}, **headers)

    assert imported.status_code == 200, text_of(imported)
    lines = sorted(
        (line.order.customer.name, line.name, line.quantity)
        for line in OrderLine.select().join(Order)
    )
    assert lines == [("张三", "梨", 1), ("张三", "苹果 3 kg", 2), ("李四", "苹果 5 kg", 1)]
