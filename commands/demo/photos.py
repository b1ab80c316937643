"""The demo catalog's categories and product photos, drawn with Pillow (no downloads): each
product a round fruit of its own colour on a soft background, the same on every run."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from models.catalog.categories import create_category
from models.catalog.photos import add_photos
from models.catalog.products import Product

# category name → the SKU prefixes it takes (commands/demo/shop.py CATALOG)
CATEGORIES = {"时令水果 Fresh fruit": ("FR-",), "上门服务 Home services": ("SV-",)}
SIZE = (640, 480)


def demo_photo(sku: str) -> bytes:
    """A JPEG of a fruit-like disc with a highlight and grain, seeded by `sku`."""
    rng = random.Random(sku)
    hue = tuple(rng.randrange(60, 240) for _ in range(3))
    image = Image.new("RGB", SIZE, tuple(255 - c // 4 for c in hue))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(1, 4)):
        x, y, r = rng.randrange(160, 480), rng.randrange(140, 340), rng.randrange(90, 150)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=hue)
        draw.ellipse((x - r // 3, y - r // 2, x, y - r // 5), fill=(255, 255, 240))
    image = image.filter(ImageFilter.BoxBlur(2))
    grain = Image.effect_noise(SIZE, 18).convert("RGB")
    image = Image.blend(image, grain, 0.08)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def build_categories_and_photos(products: list[Product]) -> None:
    """Put every product in its category and give it a photo."""
    for name, prefixes in CATEGORIES.items():
        category = create_category(name)
        ids = [p.id for p in products if p.sku.startswith(prefixes)]
        Product.update(category=category.id).where(Product.id.in_(ids)).execute()
    for product in products:
        add_photos(product, [demo_photo(product.sku)])
