"""Images made with Pillow for the payments tests (never downloaded)."""

import io

from PIL import Image


def png(width=120, height=120, colour=(20, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def photo_with_location(width=2400, height=1800) -> bytes:
    """A JPEG photo (many colours) whose EXIF holds a GPS position."""
    size = (width, height)
    bands = (Image.linear_gradient("L"), Image.radial_gradient("L"), Image.effect_noise(size, 64))
    image = Image.merge("RGB", [band.resize(size) for band in bands])
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
