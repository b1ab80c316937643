"""The catalog of bench/inventory.py: 5,000 sellable products, most of them variants (规格) in
families, and a few member prices, written in bulk as the app's own functions would leave them.

What models/catalog/variants.py writes, and so what these rows hold: a family (`productfamily`)
named as its first product was; each variant a product of its own (own SKU, price, unit, stock)
with `family` and `option` set and `name` = `variant_name(family name, option)`; the variants of
one family made one after the other (`make_family`, then `add_variant`), so their ids are
consecutive and they share the first one's category, unit and "For sale". Member prices
(`TierPrice`, models/tiers/prices.py): one row per product and tier, below the list price.
"""

import random

from models import Product, db
from models.catalog.products import ProductFamily
from models.catalog.variants import variant_name
from models.customers.tier import CustomerTier
from models.tiers.prices import TierPrice

FAMILIES = 1_500  # of 2 to 4 options each: about 4,500 variants; the rest plain products
OPTIONS = [
    ["500 g", "1 kg", "2.5 kg", "5 kg"],
    ["小果 Small", "中果 Medium", "大果 Large", "特大 XL"],
    ["原味", "微辣", "中辣", "特辣"],
    ["单盒 1 box", "两盒 2 boxes", "整箱 Case of 6", "礼盒 Gift box"],
]
TIERS = [("银卡 Silver", 1), ("金卡 Gold", 2), ("钻石 Diamond", 3)]
MEMBER_PRICED = 0.1  # the share of products with member prices (one to three tiers each)
FRUIT = ["苹果", "香梨", "Mango", "Kiwi", "草莓", "Grape", "蓝莓", "Orange", "荔枝", "Peach"]


def groups(products: int, rng: random.Random) -> list[int]:
    """How many products each family or plain product is (1: a plain product), in the order
    they were made: `FAMILIES` families of 2–4 and plain products up to `products`, shuffled."""
    sizes = [rng.randint(2, 4) for _ in range(min(FAMILIES, products * 3 // 10))]
    while sum(sizes) > products:  # a small catalog (BENCH_PRODUCTS)
        sizes.pop()
    plain = products - sum(sizes)
    assert plain >= 0, plain
    made = sizes + [1] * plain
    rng.shuffle(made)
    return made


def build_catalog(products: int, categories: list[int], rng: random.Random) -> dict:
    """Families, products and member prices. What the cases need: every product id in id order,
    the ids of the variants, and the tiers."""
    made = groups(products, rng)
    with db.atomic():
        ProductFamily.insert_many(
            [
                {"name": f"{FRUIT[n % len(FRUIT)]} {rng.choice('ABCDEFGH')}{n:04d}"}
                for n, size in enumerate(made)
                if size > 1
            ]
        ).execute()
    family_ids = iter(
        f for (f,) in ProductFamily.select(ProductFamily.id).order_by(ProductFamily.id).tuples()
    )
    names = dict(ProductFamily.select(ProductFamily.id, ProductFamily.name).tuples())
    rows, sku = [], 0
    for n, size in enumerate(made):
        category = None if rng.random() < 0.03 else rng.choice(categories)
        active = rng.random() > 0.05
        family = next(family_ids) if size > 1 else None
        options = rng.choice(OPTIONS)[:size] if family else [""]
        base = rng.randint(100, 20_000)
        for position, option in enumerate(options):
            rows.append(
                {
                    "name": variant_name(names[family], option)
                    if family
                    else f"{FRUIT[n % len(FRUIT)]} {rng.choice('ABCDEFGH')}{n:04d}",
                    "sku": f"SKU-{sku:05d}",
                    "price": base * (position + 1),
                    "unit": "kg",
                    "active": active,
                    "category": category,
                    "family": family,
                    "option": option,
                }
            )
            sku += 1
    with db.atomic():
        for start in range(0, len(rows), 1000):
            Product.insert_many(rows[start : start + 1000]).execute()
    every = list(
        Product.select(Product.id, Product.family, Product.price).order_by(Product.id).tuples()
    )
    with db.atomic():
        CustomerTier.insert_many([{"name": name, "rank": rank} for name, rank in TIERS]).execute()
    tiers = [
        t for (t,) in CustomerTier.select(CustomerTier.id).order_by(CustomerTier.rank).tuples()
    ]
    prices = [
        {"product": product, "tier": tier, "price": price * (95 - 5 * rank) // 100}
        for product, _family, price in rng.sample(every, int(len(every) * MEMBER_PRICED))
        for rank, tier in enumerate(tiers[: rng.randint(1, len(tiers))])
    ]
    with db.atomic():
        for start in range(0, len(prices), 1000):
            TierPrice.insert_many(prices[start : start + 1000]).execute()
    return {
        "ids": [product for product, _family, _price in every],
        "variants": [product for product, family, _price in every if family],
        "families": len(names),
        "member_prices": len(prices),
    }
