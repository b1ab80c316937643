"""The preview card a chat app shows for a shared activity link: a 1200×630 PNG with the
shop's name, the activity's title and its facts (price from, deadline), drawn with Pillow.

Titles are Chinese more often than not, so the card is drawn in Noto Sans CJK
(fonts-noto-cjk); without that font Pillow's own font draws it (Chinese then shows as boxes,
but the card is still served). The last cards drawn are kept in memory, keyed on the
preview's key (the published version and what the card shows)."""

import io
import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from models.storefront.link_preview import Preview

SIZE = WIDTH, HEIGHT = 1200, 630
MARGIN = 80
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONTS = {"bold": "NotoSansCJK-Bold.ttc", "regular": "NotoSansCJK-Regular.ttc"}
SIMPLIFIED = 2  # the face of the collection drawn: JP, KR, SC, TC, HK
INK, MUTED, ACCENT, PAPER = "#1f2328", "#59636e", "#c2410c", "#fff8f1"
TITLE_LINES = 3
KEPT = 64  # cards kept in memory
TOKEN = re.compile(r"[A-Za-z0-9@#&'’.,:;!?%+\-/()]+|\s+|.", re.DOTALL)


@lru_cache(maxsize=8)
def font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Noto Sans CJK SC, else Pillow's default font at that size."""
    try:
        return ImageFont.truetype(str(FONT_DIR / FONTS[weight]), size, index=SIMPLIFIED)
    except OSError:
        return ImageFont.load_default(size=size)


def wrap(text: str, face, width: int, most: int) -> list[str]:
    """`text` in at most `most` lines of `width` pixels: Latin words kept whole when they
    fit, Chinese broken between any two characters, an ellipsis where it was cut."""
    lines, line = [], ""
    for token in TOKEN.findall(text):
        candidate = line + token
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while face.getlength(line) > width:  # a word longer than the line: cut it
            cut = next(i for i in range(len(line), 0, -1) if face.getlength(line[:i]) <= width)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > most:
        last = lines[most - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: most - 1], last.rstrip() + "…"]
    return lines


def card_png(preview: Preview) -> bytes:
    return _drawn(preview.key, preview.title, preview.facts, preview.shop)


@lru_cache(maxsize=KEPT)
def _drawn(key: str, title: str, facts: str, shop: str) -> bytes:
    """The PNG's bytes (`key` names them in the cache)."""
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, HEIGHT), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN
    draw.text(
        (MARGIN, 64),
        wrap(shop, font("regular", 36), text_width, 1)[0] if shop else "",
        font=font("regular", 36),
        fill=MUTED,
    )
    face = font("bold", 72)
    y = 150
    for line in wrap(title, face, text_width, TITLE_LINES):
        draw.text((MARGIN, y), line, font=face, fill=INK)
        y += 96
    if facts:
        small = font("regular", 40)
        draw.text(
            (MARGIN, HEIGHT - 110), wrap(facts, small, text_width, 1)[0], font=small, fill=ACCENT
        )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
