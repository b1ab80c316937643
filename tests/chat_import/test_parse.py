"""Reading pasted chain texts: every expected field of the test chains (tests/chat_import/chains/,
one .txt and its .json each, matched against catalog.json), the pieces of an entry, and odd text
that must never raise."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.chat_import_accuracy import candidates, proposed
from models.chat_import.parse import Line, chinese_number, parse_chain, read_entry

CHAINS = sorted((Path(__file__).parent / "chains").glob("*.txt"))
# Read wrong today, kept so the figure stays honest: 兰莓 is as close to 草莓 as to 蓝莓.
KNOWN_MISSES = {"30_typo_blueberry"}


def test_there_are_at_least_fifty_chains():
    assert len(CHAINS) >= 50


@pytest.mark.parametrize("path", CHAINS, ids=lambda path: path.stem)
def test_a_chain_is_read_as_expected(path, request):
    if path.stem in KNOWN_MISSES:
        request.applymarker(pytest.mark.xfail(strict=True, reason="a known miss"))
    expected = json.loads(path.with_suffix(".json").read_text())["entries"]
    assert proposed(path.read_text(), candidates()) == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("二十五", 25), ("三", 3)],
)
def test_chinese_numbers(text, number):
    assert chinese_number(text) == number


def test_an_entry_gives_its_name_phone_address_and_lines():
    entry = read_entry("张三 13800138000 3栋2单元501 草莓×2 2盒蓝莓 橙子三斤 +1 🍓")
    assert (entry.name, entry.phone, entry.extras) == ("张三", "13800138000", ["3栋2单元501"])
    assert entry.lines == [Line("草莓", 2), Line("蓝莓", 2, "盒"), Line("橙子", 3, "斤")]


def test_a_numbered_entry_whose_items_cannot_be_read_comes_without_lines():
    chain = parse_chain("#接龙\n1. 张三 草莓2\n2. 钱七 草莓 1.5斤\n3. 李四 橙子1")
    assert [(entry.name, entry.lines) for entry in chain.entries][1] == ("钱七", [])
    assert len(chain.entries) == 3


def test_header_and_description_are_not_entries():
    chain = parse_chain("#接龙 周五水果\n草莓25元/盒，截止8点\n1. 张三 草莓2\n2. 李四 橙子1")
    assert chain.title == "周五水果"
    assert chain.description == ["草莓25元/盒,截止8点"]
    assert [entry.name for entry in chain.entries] == ["张三", "李四"]


def test_the_same_person_twice_is_one_entry():
    chain = parse_chain("#接龙\n1. 张三 草莓2\n2. 李四 橙子1\n3. 张三 13800138000 橙子2")
    first = chain.entries[0]
    assert (first.name, first.phone) == ("张三", "13800138000")
    assert first.lines == [Line("草莓", 2), Line("橙子", 2)]
    assert len(chain.entries) == 2


@given(st.text(max_size=300))
def test_any_text_is_read_without_an_error(text):
    chain = parse_chain(text)
    assert all(line.quantity >= 0 for entry in chain.entries for line in entry.lines)
