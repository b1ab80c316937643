"""Images people upload (the shop's collection QR codes, payment screenshots), checked and kept.

`save_image(data, max_side=…)` reads the bytes with Pillow (their content, never a file name):
anything that is not a PNG, JPEG, GIF or WebP image, larger than `UPLOAD_MAX_BYTES` or with more
pixels than Pillow's decompression-bomb limit is refused with `BadImage`. The image is encoded
again (PNG for codes and drawings, JPEG for photos), which drops its EXIF data, location
included, with its longest side at most `max_side` pixels, and kept under an unguessable name
(`secrets.token_urlsafe`). `open_image(name)` gives the stored bytes back.

`save_widths(data, widths)` keeps one checked image at several widths (a product photo's
`srcset`): decoded once, each width encoded as WebP when this Pillow has it, else JPEG.

Where images are kept is a `Storage`: `FolderStorage` keeps them in `UPLOAD_FOLDER`; another
(S3, say) implements the same two methods.
"""

import io
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError, features

from models.errors import DomainError

MAX_SIDE = 1600  # px, the longest side of a stored image
FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
NAME = re.compile(r"[A-Za-z0-9_-]{20,64}\.(png|jpg|webp)")
TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
WIDTH_QUALITY = 72  # of the WebP or JPEG widths: small at phone size, still sharp


class BadImage(DomainError):
    message = _l("Choose a PNG, JPEG, GIF or WebP image.")


class Storage:
    """Where uploaded images are kept, by name."""

    def write(self, name: str, data: bytes) -> None:
        raise NotImplementedError

    def read(self, name: str) -> bytes | None:
        """The bytes kept under `name`, or None."""
        raise NotImplementedError

    def remove(self, name: str) -> None:
        """Forget `name` (nothing when it is not kept)."""
        raise NotImplementedError

    def kept_before(self, pattern: str, moment: datetime) -> list[str]:
        """The names matching the glob `pattern` written before `moment` (naive UTC), for
        sweeps of files nothing records; a storage that cannot tell lists none."""
        return []


class FolderStorage(Storage):
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def write(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(data)

    def read(self, name: str) -> bytes | None:
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None

    def remove(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)

    def kept_before(self, pattern: str, moment: datetime) -> list[str]:
        cutoff = moment.replace(tzinfo=UTC).timestamp()
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.glob(pattern) if p.stat().st_mtime < cutoff)


def storage() -> Storage:
    return FolderStorage(current_app.config["UPLOAD_FOLDER"])


def read_upload(stream) -> bytes:
    """An uploaded file's bytes, never more than one past `UPLOAD_MAX_BYTES` (`save_image`
    refuses those), however large the file sent."""
    return stream.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)


def save_image(data: bytes, *, max_side: int = MAX_SIDE) -> str:
    """Check, re-encode and keep the image in `data`; its new name. Raises BadImage."""
    encoded, extension = _reencode(data, max_side)
    return _keep(encoded, extension)


def save_widths(data: bytes, widths: tuple[int, ...]) -> list[tuple[int, int, str]]:
    """Check the image in `data` and keep it at each of `widths` no wider than itself (its own
    width when it is narrower than all); (width, height, name) of each, narrowest first.
    Raises BadImage."""
    image = _on_white(_decoded(data))
    image.thumbnail((max(widths), image.height), reducing_gap=3.0)  # the rest from this one
    extension = "webp" if features.check("webp") else "jpg"
    kept = []
    for width in sorted({min(w, image.width) for w in widths}):
        height = max(1, round(image.height * width / image.width))
        out = io.BytesIO()
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        resized.save(out, "WEBP" if extension == "webp" else "JPEG", quality=WIDTH_QUALITY)
        kept.append((width, height, _keep(out.getvalue(), extension)))
    return kept


def remove_images(names) -> None:
    """Forget the images kept under `names`."""
    for name in names:
        if NAME.fullmatch(name or ""):
            storage().remove(name)


def _keep(encoded: bytes, extension: str) -> str:
    name = f"{secrets.token_urlsafe(24)}.{extension}"
    storage().write(name, encoded)
    return name


def open_image(name: str) -> tuple[bytes, str] | None:
    """The stored image `name` and its content type, or None for a name never given out."""
    if not name or not NAME.fullmatch(name):
        return None
    data = storage().read(name)
    return (data, TYPES[name.rpartition(".")[2]]) if data is not None else None


def _decoded(data: bytes) -> Image.Image:
    """The image in `data`, decoded and turned upright (EXIF not kept). Raises BadImage for
    anything but a whole PNG, JPEG, GIF or WebP within the size and pixel limits."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not data:
        raise BadImage()
    if len(data) > limit:
        raise BadImage(_l("Choose an image of at most %(mb)s MB.", mb=limit // (1024 * 1024)))
    try:
        image = Image.open(io.BytesIO(data))  # in memory: nothing to close
        if image.format not in FORMATS or image.width * image.height > Image.MAX_IMAGE_PIXELS:
            raise BadImage()
        image.load()  # decodes it all: a truncated or corrupt file fails here
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise BadImage() from error
    return image


def _on_white(image: Image.Image) -> Image.Image:
    """`image` in RGB, what was transparent white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        ground = Image.new("RGB", image.size, (255, 255, 255))
        ground.paste(image, mask=image.getchannel("A"))
        return ground
    return image.convert("RGB")


def _reencode(data: bytes, max_side: int) -> tuple[bytes, str]:
    image = _decoded(data)
    image.thumbnail((max_side, max_side))
    photo = image.mode in ("RGB", "CMYK", "YCbCr") and len(image.getcolors(256) or ()) == 0
    out = io.BytesIO()
    if photo:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        return out.getvalue(), "jpg"
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), "png"
