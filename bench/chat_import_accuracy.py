"""How well the pasted-chain import reads the test chains (tests/chat_import/chains/): the share
of order lines proposed right without a fix (product text, quantity, unit and the product it
matches; for a line naming a product with variants and none of them, the question "choose a
variant" is the right proposal), and of people read right (name, phone, address words). Goal: at
least 95 % of lines.

    .venv/bin/python bench/chat_import_accuracy.py [-v]
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.chat_import.match import Candidate, match_product, variant_words
from models.chat_import.parse import parse_chain

TESTS = Path(__file__).resolve().parent.parent / "tests" / "chat_import"


def candidates() -> list[Candidate]:
    """catalog.json's products; a variant names its family (numbered by its name) and option."""
    products = json.loads((TESTS / "catalog.json").read_text())
    families = {name: n for n, name in enumerate(dict.fromkeys(p.get("family") for p in products))}
    return [
        Candidate(i, p["name"], tuple(p["aliases"]))
        if not p.get("family")
        else Candidate(
            i, p["name"], tuple(p["aliases"]), families[p["family"]], p["family"], p["option"]
        )
        for i, p in enumerate(products, 1)
    ]


def proposed(text: str, catalog: list[Candidate]) -> list[dict]:
    """The chain read as the expected JSON is written; a line naming a family and none of its
    variants has the family's name under "choose"."""
    entries = []
    for entry in parse_chain(text, variant_words(catalog)).entries:
        lines = []
        for line in entry.lines:
            match = match_product(line.text, catalog)
            lines.append(
                {"text": line.text, "quantity": line.quantity, "unit": line.unit}
                | {"product": match.product.name if match.product else None}
                | ({"choose": match.family_name} if match.how == "family" else {})
            )
        entries.append(
            {"name": entry.name, "phone": entry.phone, "extras": entry.extras, "lines": lines}
        )
    return entries


def score(expected: list[dict], got: list[dict]) -> tuple[int, int, int, int]:
    """(lines right, lines in all, people right, people in all)."""
    lines_right = lines_all = people_right = 0
    for index, want in enumerate(expected):
        have = got[index] if index < len(got) else {"lines": []}
        person = ("name", "phone", "extras")
        people_right += all(want[key] == have.get(key) for key in person)
        lines_all += max(len(want["lines"]), len(have["lines"]))
        lines_right += sum(a == b for a, b in zip(want["lines"], have["lines"], strict=False))
    for extra in got[len(expected) :]:
        lines_all += len(extra["lines"])
    return lines_right, lines_all, people_right, len(expected) + max(0, len(got) - len(expected))


def main() -> None:
    verbose = "-v" in sys.argv
    catalog = candidates()
    totals = [0, 0, 0, 0]
    chains = sorted((TESTS / "chains").glob("*.txt"))
    for path in chains:
        expected = json.loads(path.with_suffix(".json").read_text())["entries"]
        got = proposed(path.read_text(), catalog)
        counts = score(expected, got)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        if verbose and (counts[0] != counts[1] or counts[2] != counts[3]):
            print(f"{path.stem}: {counts}\n  want {expected}\n  got  {got}")
    lines_right, lines_all, people_right, people_all = totals
    print(
        f"chat import, {len(chains)} chains: lines right without a fix "
        f"{lines_right}/{lines_all} = {100 * lines_right / lines_all:.1f} %, "
        f"people read right {people_right}/{people_all} = {100 * people_right / people_all:.1f} %"
    )


if __name__ == "__main__":
    main()
