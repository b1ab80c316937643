"""What a chain's words name: product text to a catalog product (its exact name, an alias the
admin keeps, else the closest name), and a person to a known customer (by phone, else by name)."""

from dataclasses import dataclass
from difflib import SequenceMatcher

from models.catalog.products import Product
from models.customers.customer import Customer
from models.customers.phones import InvalidPhone, normalize_phone
from models.matching import fold

FUZZY_LEAST = 0.5  # a closest name below this score is no match


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductMatch:
    """`how`: "exact", "alias", "fuzzy" (with its score, 0–1) or "none" (product None)."""

    product: Candidate | None
    how: str
    score: float


NO_MATCH = ProductMatch(None, "none", 0.0)


def _similarity(text: str, name: str) -> float:
    """difflib's ratio, raised when one holds the other whole (丹东草莓 / 草莓, 橙 / 橙子)."""
    ratio = SequenceMatcher(None, text, name).ratio()
    if text in name or name in text:
        ratio = max(ratio, 0.75 + 0.2 * min(len(text), len(name)) / max(len(text), len(name)))
    return ratio


def match_product(text: str, candidates: list[Candidate]) -> ProductMatch:
    """The product `text` names; a fuzzy match needs one clear best above FUZZY_LEAST."""
    wanted = fold(text)
    if not wanted:
        return NO_MATCH
    for candidate in candidates:
        if fold(candidate.name) == wanted:
            return ProductMatch(candidate, "exact", 1.0)
    for candidate in candidates:
        if wanted in (fold(alias) for alias in candidate.aliases):
            return ProductMatch(candidate, "alias", 1.0)
    scored = sorted(
        (
            (max(_similarity(wanted, fold(n)) for n in (c.name, *c.aliases) if n), c)
            for c in candidates
        ),
        key=lambda pair: -pair[0],
    )
    if not scored or scored[0][0] < FUZZY_LEAST:
        return NO_MATCH
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return NO_MATCH
    return ProductMatch(scored[0][1], "fuzzy", round(scored[0][0], 2))


def catalog(products=None) -> list[Candidate]:
    """The active products (or those given) as candidates, with their aliases."""
    if products is None:
        products = Product.select().where(Product.active).order_by(Product.id)
    return [Candidate(p.id, p.name, tuple(p.aliases or ())) for p in products]


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
