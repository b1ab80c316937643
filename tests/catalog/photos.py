"""Images for the catalog tests, made with Pillow (never downloaded): a noisy photo that is hard
to compress, a PHP script named like a JPEG, and a decompression bomb."""

import io
import struct
import zlib

from PIL import Image


def noisy_photo(width=3000, height=2000, seed=0) -> bytes:
    """A JPEG of colour gradients under strong noise, fine and coarse (the coarse grain stays
    after shrinking to phone size, as a photo's detail does), with EXIF naming a camera and a
    place."""
    size = (width, height)
    coarse = (max(1, width // 60), max(1, height // 60))
    grain = [
        Image.effect_noise(coarse, 90 + seed + n).resize(size, Image.Resampling.BICUBIC)
        for n in range(2)
    ]
    bands = (
        Image.blend(Image.linear_gradient("L").resize(size), grain[0], 0.6),
        Image.blend(Image.effect_noise(size, 60), grain[1], 0.5),
        Image.blend(Image.radial_gradient("L").resize(size), grain[0], 0.4),
    )
    image = Image.merge("RGB", bands)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


PHP = b"<?php system($_GET['c']); ?>\n"


def bomb(side=60_000) -> bytes:
    """A tiny PNG whose header claims side × side pixels (far past Pillow's limit)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grey
    rows = zlib.compress(b"\x00" * (1 + side // 8) * 64, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
