"""QR codes as inline SVG, so a page needs no extra request to show one."""

import segno
from markupsafe import Markup


def qr_svg(text: str, title: str = "") -> Markup:
    """An SVG QR code of `text` that scales with its box (viewBox, no fixed size)."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=1, border=2, omitsize=True, title=title or None)
    return Markup(svg)
