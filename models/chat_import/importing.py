"""From a pasted chain to orders: proposals staff check and fix, then each order placed through
the form's own checkout (stock reserved all-or-nothing, the activity's rules), with the source
"chat_import". An entry's submission key comes from the chain's title and the entry itself, so
importing the same chain again, or the chain grown by later entries, places nothing twice."""

import hashlib
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from models.activities.published import offered_products
from models.activities.template import FormTemplate, FormTemplateVersion
from models.chat_import.match import (
    ProductMatch,
    catalog,
    match_customer,
    match_product,
    variant_words,
)
from models.chat_import.parse import Entry, clean, parse_chain
from models.customers.phones import format_phone
from models.errors import DomainError
from models.orders.checkout import submit_order
from models.orders.order import Order

SOURCE = "chat_import"


class NoName(DomainError):
    message = _l("Enter the customer's name.")


@dataclass(frozen=True)
class ProposedLine:
    text: str
    quantity: int
    unit: str
    match: ProductMatch


@dataclass(frozen=True)
class Proposal:
    """One entry of the chain as an order to be: `key` identifies it across imports."""

    key: str
    source: str
    name: str
    phone: str
    address: str
    known: bool  # the person matched a known customer
    lines: list[ProposedLine] = field(default_factory=list)


@dataclass(frozen=True)
class Draft:
    """A proposal as staff confirmed it: quantities by product id."""

    key: str
    name: str
    phone: str
    address: str
    quantities: dict[int, int]


@dataclass(frozen=True)
class Outcome:
    draft: Draft
    order: Order | None = None
    created: bool = False
    error: str = ""


def entry_key(title: str, entry: Entry, index: int) -> str:
    """The same entry (its number, else its place, and its text, spacing aside) of a chain with
    the same title has the same key, whatever else the pasted text holds."""
    text = " ".join(clean(entry.source).split())
    number = entry.number if entry.number is not None else f"#{index}"
    digest = hashlib.sha256(f"{clean(title)}\n{number}\n{text}".encode()).hexdigest()
    return f"chat:{digest[:40]}"


def propose(text: str, version: FormTemplateVersion) -> list[Proposal]:
    """The chain's entries as orders of this activity, each line matched to one of its products
    (or to a family of them, for staff to choose the variant)."""
    candidates = catalog(offered_products(version).values())
    proposals = []
    chain = parse_chain(text, variant_words(candidates))
    for index, entry in enumerate(chain.entries):
        customer = match_customer(entry.name, entry.phone)
        proposals.append(
            Proposal(
                key=entry_key(chain.title, entry, index),
                source=entry.source,
                name=entry.name or (customer.name if customer else ""),
                phone=entry.phone or (format_phone(customer.phone) if customer else ""),
                address=" ".join(entry.extras),
                known=customer is not None,
                lines=[
                    ProposedLine(
                        line.text, line.quantity, line.unit, match_product(line.text, candidates)
                    )
                    for line in entry.lines
                ],
            )
        )
    return proposals


def import_drafts(
    template: FormTemplate, version: FormTemplateVersion, drafts: list[Draft], fulfilment: str
) -> list[Outcome]:
    """Place each draft as its own order (one refused leaves the others placed); a draft placed
    by an earlier import answers with that order."""
    outcomes = []
    for draft in drafts:
        try:
            if not draft.name.strip():
                raise NoName()
            order, created = submit_order(
                template,
                version,
                answers={"name": draft.name, "phone": draft.phone, "address": draft.address},
                quantities=draft.quantities,
                fulfilment=fulfilment,
                address=draft.address,
                submission_key=draft.key,
                locale="zh_CN",
                source=SOURCE,
            )
        except DomainError as error:
            outcomes.append(Outcome(draft, error=str(error)))
            continue
        outcomes.append(Outcome(draft, order, created))
    return outcomes
