"""Reading a WeChat group's 接龙 text: a header (`#接龙 周五水果`), description lines, then one
entry per person (`1. 张三 3栋 草莓×2 橙子1`). Pure text work: no database, no catalog; the
caller may give the phrases that name one product whole (`words`, a variant's family and
option, models/chat_import/match.py): "苹果5kg 2箱" is 2 of "苹果5kg", and "苹果5kg" alone is 1."""

import re
import unicodedata
from dataclasses import dataclass, field

UNITS = ("公斤", "份", "盒", "斤", "个", "箱", "袋", "包", "件", "只", "瓶", "串", "颗", "kg")
DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
CN = "[一二两三四五六七八九十]+"
UNIT = "|".join(UNITS)
SEPARATORS = "×xX*"
NOT_TEXT = rf"\d\s{SEPARATORS}.,;:、；：/|()（）\[\]【】"
NUMBER = r"\d+(?!\.\d)"  # 1.5斤 is not read: the entry comes with no line for staff to fill
NAME = re.compile(r"^@?([^\s:()\[\]【】]+)[\s:()\[\]【】]+(.*)$")

HEADER = re.compile(r"^\s*#?\s*(?:接龙|jielong)\b\s*(.*)$", re.IGNORECASE)
NUMBERED = re.compile(rf"^\s*(?:(\d{{1,3}})|({CN}))\s*(?:[.、,:)）]|\s)\s*(.*)$")
PHONE = re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
ADDRESS = re.compile(
    r"(?:[A-Za-z]?\d+(?:栋|幢|座|号楼)|(?<![A-Za-z])[A-Za-z]座)(?:\d+单元)?(?:\d+(?:室|号)?)?"
    r"|\d+单元\d*(?:室|号)?|\d{3,4}室|(?<![\d.])\d{1,2}-\d{1,4}(?:-\d{2,4})?(?![\d.])"
)
PLUS_ONE = re.compile(r"(?<!\S)\+\s*1(?!\d)")
AFTER = rf"\s*[{SEPARATORS}]?\s*"
ITEM_AFTER = re.compile(
    rf"(?P<text>[^{NOT_TEXT}]+?){AFTER}"
    rf"(?:(?P<num>{NUMBER})|(?P<cn>{CN})(?={UNIT}))\s*(?P<unit>{UNIT})?"
)
KEPT = "\ue000-\uf8ff"  # a kept phrase stands in the text as one private-use character
ITEM_BEFORE = re.compile(
    rf"(?:(?P<num>{NUMBER})|(?P<cn>{CN}))\s*(?P<unit>{UNIT})\s*(?P<text>[^{NOT_TEXT}]+)"
)


@dataclass(frozen=True)
class Line:
    """What one entry asks for: the product as written, how many, and the unit if it said one."""

    text: str
    quantity: int
    unit: str = ""


@dataclass
class Entry:
    number: int | None
    name: str
    phone: str = ""
    extras: list[str] = field(default_factory=list)  # building, room: where it goes
    lines: list[Line] = field(default_factory=list)
    source: str = ""  # the entry's own text, as pasted


@dataclass
class Chain:
    title: str = ""
    description: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十五 → 25, 两 → 2."""
    if "十" not in text:
        return int("".join(str(DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)


def clean(text: str) -> str:
    """Full-width forms made plain (NFKC), emoji and invisible marks dropped."""
    text = unicodedata.normalize("NFKC", text).replace("＊", "*")
    kept = (c for c in text if unicodedata.category(c) not in ("So", "Sk", "Cf", "Co", "Cs"))
    return "".join(kept).replace("\u3000", " ").strip()


def _quantity(match) -> int:
    return int(match["num"]) if match["num"] else chinese_number(match["cn"])


def read_lines(text: str) -> list[Line]:
    """The items a piece of an entry asks for, in order; a kept phrase with no number is 1."""
    lines, position = [], 0
    text = text.strip()
    while position < len(text):
        before = ITEM_BEFORE.match(text, position)
        after = ITEM_AFTER.match(text, position)
        if before and before["text"].strip():
            lines.append(Line(before["text"].strip(), _quantity(before), before["unit"]))
            position = before.end()
        elif after:
            lines.append(Line(after["text"].strip(), _quantity(after), after["unit"] or ""))
            position = after.end()
        elif re.match(f"[{KEPT}]", text[position]):
            lines.append(Line(text[position], 1))
            position += 1
        else:
            position += 1
        while position < len(text) and text[position] in " ,;、；，+&":
            position += 1
    return lines


def _name_and_lines(rest: str) -> tuple[str, list[Line]]:
    """The first word (`张三 …`, `@张三 …`, `张三：…`, `张三（3栋）…`) is the person's when it asks
    for nothing itself."""
    named = NAME.match(rest.strip())
    if named and not read_lines(named[1]):
        return named[1], read_lines(named[2])
    return "", read_lines(rest)


def _keep(text: str, words: re.Pattern | None) -> tuple[str, list[str]]:
    """`text` with each phrase of `words` made one private-use character, and the phrases."""
    kept: list[str] = []
    if words is None:
        return text, kept

    def stand_in(match) -> str:
        kept.append(match.group(0))
        return chr(0xE000 + len(kept) - 1) if len(kept) <= 6400 else match.group(0)

    return words.sub(stand_in, text), kept


def _restore(text: str, kept: list[str]) -> str:
    return re.sub(f"[{KEPT}]", lambda m: kept[ord(m.group(0)) - 0xE000], text) if kept else text


def read_entry(text: str, number: int | None = None, words: re.Pattern | None = None) -> Entry:
    rest = PLUS_ONE.sub(" ", clean(text))
    phone = PHONE.search(rest)
    if phone:
        rest = rest[: phone.start()] + " " + rest[phone.end() :]
    rest, kept = _keep(rest, words)
    extras = ADDRESS.findall(rest)
    rest = ADDRESS.sub(" ", rest)
    name, lines = _name_and_lines(rest)
    if kept:
        name = _restore(name, kept)
        lines = [Line(_restore(line.text, kept), line.quantity, line.unit) for line in lines]
    digits = re.sub(r"\D", "", phone.group(0)) if phone else ""
    return Entry(number, name, digits, extras, lines, text.strip())


def _numbered(line: str) -> tuple[int, str] | None:
    match = NUMBERED.match(clean(line))
    if not match or not match[3]:
        return None
    return (int(match[1]) if match[1] else chinese_number(match[2])), match[3]


def _merge(entries: list[Entry]) -> list[Entry]:
    """A person who signs twice (same name, or same phone) gets one entry with both lines."""
    merged: list[Entry] = []
    for entry in entries:
        first = next((seen for seen in merged if _same_person(seen, entry)), None)
        if first is None:
            merged.append(entry)
            continue
        first.lines += entry.lines
        first.extras += [extra for extra in entry.extras if extra not in first.extras]
        first.phone = first.phone or entry.phone
        first.source += "\n" + entry.source
    return merged


def _same_person(one: Entry, other: Entry) -> bool:
    """The same phone, or the same name where at most one of them gave a phone."""
    if one.phone and other.phone:
        return one.phone == other.phone
    return bool(one.name) and one.name == other.name


def parse_chain(text: str, words: re.Pattern | None = None) -> Chain:
    """The chain's title, description and entries (people merged), from pasted text; `words`:
    the phrases each naming one product whole."""
    chain = Chain()
    rows = [row for row in (text or "").splitlines() if clean(row)]
    numbered = [_numbered(row) for row in rows]
    has_numbers = sum(1 for n in numbered if n and read_entry(n[1], words=words).lines) >= 2
    seen_header = False
    for row, number in zip(rows, numbered, strict=True):
        header = HEADER.match(clean(row))
        if header and not chain.entries and not seen_header:
            chain.title, seen_header = header[1].strip(), True
            continue
        entry = read_entry(number[1], number[0], words) if number else read_entry(row, None, words)
        # a numbered entry whose items cannot be read still comes, for staff to fill
        if (entry.lines or (number and chain.entries)) and (
            number or (not has_numbers and entry.name)
        ):
            chain.entries.append(entry)
        elif not chain.entries:
            chain.description.append(clean(row))
    chain.entries = _merge(chain.entries)
    return chain
