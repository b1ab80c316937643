"""What a chain's words name: product text to a catalog product (its exact name, an alias the
admin keeps, else the closest name), and a person to a known customer (by phone, else by name).

Variants (规格, models/catalog/variants.py) are matched by their family: text naming the family
(its name, or an alias its variants share) and one option ("苹果5kg", "5公斤苹果", "辣酱 辣味")
is that variant; text naming the family and no single option is a "family" match, for staff to
choose the variant. A line that names no option never picks one."""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from models.catalog.products import Product, ProductFamily
from models.customers.customer import Customer
from models.customers.phones import InvalidPhone, normalize_phone
from models.matching import fold

FUZZY_LEAST = 0.5  # a closest name below this score is no match
# Units written more than one way, folded to one for options: "5公斤" is "5 kg". Longest first.
UNIT_WORDS = (("千克", "kg"), ("公斤", "kg"), ("克", "g"))
UNIT_PATTERNS = {"kg": r"(?:k\s*(?:g|克)|公斤|千克)", "g": "(?:g|克)"}


@dataclass(frozen=True)
class Candidate:
    """A product a line may name; a variant also has its family's id and name, and its option."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    family: int | None = None
    family_name: str = ""
    option: str = ""


@dataclass(frozen=True)
class ProductMatch:
    """`how`: "exact", "alias", "fuzzy" (with its score, 0–1), "family" (product None: the
    family `choices` are the variants of, none named) or "none" (product None)."""

    product: Candidate | None
    how: str
    score: float
    choices: tuple[Candidate, ...] = ()

    @property
    def family_name(self) -> str:
        return self.choices[0].family_name if self.choices else ""


NO_MATCH = ProductMatch(None, "none", 0.0)


def key(text) -> str:
    """Text as variants compare it: without case, spaces or width, units one way ("5 公斤" and
    "5KG" are "5kg")."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    for word, unit in UNIT_WORDS:
        text = text.replace(word, unit)
    return "".join(text.split())


@dataclass(frozen=True)
class Family:
    """The variants of one family among the candidates, and the words that name it."""

    variants: tuple[Candidate, ...]
    names: tuple[str, ...]  # keys, longest first

    def option_named(self, rest: str) -> Candidate | None:
        """The variant whose option `rest` (a key) is, else the only one whose option it holds."""
        exact = [v for v in self.variants if key(v.option) == rest]
        if len(exact) == 1:
            return exact[0]
        held = [v for v in self.variants if key(v.option) and _holds(rest, key(v.option))]
        return held[0] if len(held) == 1 else None

    def read(self, wanted: str) -> ProductMatch | None:
        """What `wanted` (a key) names of this family: a variant, the family, or None."""
        for name in self.names:
            # each place the name stands: "大苹果苹果" is option 大苹果 before 苹果
            places = [m.start() for m in re.finditer(f"(?={re.escape(name)})", wanted)]
            rests = [wanted[:at] + wanted[at + len(name) :] for at in places]
            if "" in rests:
                return ProductMatch(None, "family", 1.0, self.variants)
            named = [v for v in map(self.option_named, rests) if v is not None]
            if named:
                how = "exact" if name == key(named[0].family_name) else "alias"
                return ProductMatch(named[0], how, 1.0)
        return None


def _holds(text: str, option: str) -> bool:
    """`option` stands in `text`, not as part of a longer number ("13kg" holds no "3kg")."""
    return any(
        not (option[0].isdigit() and text[at - 1 : at].isdigit())
        and not (option[-1].isdigit() and text[at + len(option) : at + len(option) + 1].isdigit())
        for at in (m.start() for m in re.finditer(re.escape(option), text))
    )


def families(candidates: list[Candidate]) -> list[Family]:
    """The families among `candidates`, in the order their first variant stands. An alias the
    variants share (or the only variant's) names the family; one that tells a variant apart
    names that variant."""
    grouped: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.family is not None:
            grouped.setdefault(candidate.family, []).append(candidate)
    found = []
    for variants in grouped.values():
        aliases = [a for v in variants for a in dict.fromkeys(map(key, v.aliases)) if a]
        shared = {a for a in aliases if aliases.count(a) > 1 or len(variants) == 1}
        names = {key(variants[0].family_name)} | shared
        found.append(Family(tuple(variants), tuple(sorted(names - {""}, key=len, reverse=True))))
    return found


def _similarity(text: str, name: str) -> float:
    """difflib's ratio, raised when one holds the other whole (丹东草莓 / 草莓, 橙 / 橙子)."""
    ratio = SequenceMatcher(None, text, name).ratio()
    if text in name or name in text:
        ratio = max(ratio, 0.75 + 0.2 * min(len(text), len(name)) / max(len(text), len(name)))
    return ratio


def _unique_alias(wanted: str, candidates: list[Candidate], grouped: list[Family]):
    """The alias match of `wanted`: a product of its own holding it (the first, as ever), or the
    only variant holding it; a family's shared alias was read with the family."""
    for candidate in candidates:
        if wanted in (fold(alias) for alias in candidate.aliases):
            if candidate.family is None:
                return ProductMatch(candidate, "alias", 1.0)
            family = next(f for f in grouped if candidate in f.variants)
            holders = [v for v in family.variants if wanted in map(fold, v.aliases)]
            if len(holders) == 1:
                return ProductMatch(candidate, "alias", 1.0)
    return None


def match_product(text: str, candidates: list[Candidate]) -> ProductMatch:
    """The product `text` names; a fuzzy match needs one clear best above FUZZY_LEAST, and a
    fuzzy match among a family's variants only names the family."""
    wanted = fold(text)
    if not wanted:
        return NO_MATCH
    for candidate in candidates:
        if fold(candidate.name) == wanted:
            return ProductMatch(candidate, "exact", 1.0)
    grouped = families(candidates)
    for family in grouped:
        found = family.read(key(text))
        if found is not None:
            return found
    alias = _unique_alias(wanted, candidates, grouped)
    if alias is not None:
        return alias
    # each product of its own is one entry, each family one (its best name scores it)
    entries = [(c, (c.name, *c.aliases)) for c in candidates if c.family is None]
    entries += [
        (f, (f.variants[0].family_name, *(n for v in f.variants for n in (v.name, *v.aliases))))
        for f in grouped
    ]
    scored = sorted(
        ((max(_similarity(wanted, fold(n)) for n in names if n), e) for e, names in entries),
        key=lambda pair: -pair[0],
    )
    if not scored or scored[0][0] < FUZZY_LEAST:
        return NO_MATCH
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return NO_MATCH
    best, score = scored[0][1], round(scored[0][0], 2)
    if isinstance(best, Family):
        return ProductMatch(None, "family", score, best.variants)
    return ProductMatch(best, "fuzzy", score)


def _option_pattern(option_key: str) -> str:
    """A regex for an option (or a family's name) as a chat writes it: any spacing, any way of
    writing its unit."""
    parts, at = [], 0
    while at < len(option_key):
        unit = next((u for u in ("kg", "g") if option_key.startswith(u, at)), None)
        parts.append(UNIT_PATTERNS[unit] if unit else re.escape(option_key[at]))
        at += len(unit) if unit else 1
    pattern = r"\s*".join(parts)
    if option_key[:1].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if option_key[-1:].isdigit():
        pattern += r"(?![\d.])"
    return pattern


def variant_words(candidates: list[Candidate]) -> re.Pattern | None:
    """The family-and-option phrases of `candidates` ("苹果 5kg", "5公斤苹果") as one pattern, for
    the chain reader to keep each whole (parse.py): a number in an option is no quantity."""
    phrases = []
    for family in families(candidates):
        for variant in family.variants:
            option = key(variant.option)
            if not option:
                continue
            for name in family.names:
                named, said = _option_pattern(name), _option_pattern(option)
                phrases += [rf"{named}\s*{said}", rf"{said}\s*{named}"]
    if not phrases:
        return None
    return re.compile("|".join(sorted(set(phrases), key=len, reverse=True)), re.IGNORECASE)


def catalog(products=None) -> list[Candidate]:
    """The active products (or those given) as candidates, with their aliases and families."""
    if products is None:
        products = Product.select().where(Product.active).order_by(Product.id)
    products = list(products)
    family_ids = {p.family_id for p in products if p.family_id}
    names = (
        {f.id: f.name for f in ProductFamily.select().where(ProductFamily.id.in_(family_ids))}
        if family_ids
        else {}
    )
    return [
        Candidate(p.id, p.name, tuple(p.aliases or ()))
        if p.family_id not in names
        else Candidate(
            p.id, p.name, tuple(p.aliases or ()), p.family_id, names[p.family_id], p.option
        )
        for p in products
    ]


def match_customer(name: str, phone: str) -> Customer | None:
    """The known customer with this phone, else the only one with exactly this name."""
    if phone:
        try:
            return Customer.get_or_none(Customer.phone == normalize_phone(phone))
        except InvalidPhone:
            pass
    if not name.strip():
        return None
    named = list(Customer.select().where(Customer.name == name.strip()).limit(2))
    return named[0] if len(named) == 1 else None
